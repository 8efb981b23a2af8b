package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application jar that {@code mvn package} builds for this Spark line: the product, DL4J, nd4j
 * with its Linux natives and picocli inside; no Spark, Scala, Hadoop or slf4j; and not one class
 * that the cluster's own jars (the Spark side of the test class path) also have, so no library
 * of the cluster is shadowed or shadows ours.
 */
class ApplicationJarTest {

  static Path jar;
  static Set<String> entries;

  @BeforeAll
  static void open() throws IOException {
    jar = ProductJar.path();
    entries = new HashSet<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      f.stream().map(JarEntry::getName).forEach(entries::add);
    }
    System.err.printf("application jar %s: %.1f MB, %d entries%n", jar.getFileName(), Files.size(jar) / 1e6,
        entries.size());
  }

  @Test
  void holdsTheProductDl4jNd4jWithLinuxNativesAndPicocli() throws IOException {
    for (String cls : List.of("org/mcposterior/jobs/Main.class", "org/mcposterior/jobs/score/ScoreJob.class",
        "org/mcposterior/sampling/PosteriorSampler.class", "org/deeplearning4j/nn/multilayer/MultiLayerNetwork.class",
        "org/nd4j/linalg/factory/Nd4j.class", "org/nd4j/linalg/cpu/nativecpu/CpuBackend.class",
        "org/bytedeco/javacpp/Loader.class", "picocli/CommandLine.class")) {
      assertTrue(entries.contains(cls), jar + " holds " + cls);
    }
    assertTrue(entries.stream().anyMatch(e -> e.matches("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/.*libnd4jcpu\\.so")
        || e.matches("org/nd4j/nativeblas/linux-x86_64/.*libnd4jcpu\\.so")), "nd4j's Linux native library");
    assertTrue(entries.stream().anyMatch(e -> e.matches("org/bytedeco/openblas/linux-x86_64/libopenblas.*\\.so.*")),
        "OpenBLAS for Linux");
    List<String> foreign = entries.stream().filter(e -> e.startsWith("org/bytedeco/") || e.startsWith("org/nd4j/"))
        .filter(e -> e.matches(".*\\.(so(\\.\\d+)*|dll|dylib)") && !e.contains("/linux-x86_64/")).limit(5).toList();
    assertEquals(List.of(), foreign, "JavaCPP/nd4j natives of other platforms are not packed");
    try (JarFile f = new JarFile(jar.toFile())) {
      assertEquals("org.mcposterior.jobs.Main", f.getManifest().getMainAttributes().getValue("Main-Class"));
      String backends = read(f, "META-INF/services/org.nd4j.linalg.factory.Nd4jBackend");
      assertTrue(backends.contains("org.nd4j.linalg.cpu.nativecpu.CpuBackend"),
          "the merged ServiceLoader file names nd4j's CPU backend: " + backends);
      Properties line = new Properties();
      line.load(new java.io.StringReader(read(f, "mcposterior-spark-line.properties")));
      String prefix = "mcposterior-spark-" + line.getProperty("spark.line") + "_" + line.getProperty("scala.binary.version") + "-";
      assertTrue(jar.getFileName().toString().startsWith(prefix), "the jar " + jar.getFileName() + " is named " + prefix + "<version>.jar");
    }
  }

  @Test
  void holdsNoSparkScalaHadoopOrSlf4j() {
    List<String> banned = entries.stream().filter(e -> e.endsWith(".class") && (e.startsWith("org/apache/spark/")
        || e.startsWith("scala/") || e.startsWith("org/apache/hadoop/") || e.startsWith("org/slf4j/"))).limit(5).toList();
    assertEquals(List.of(), banned, "the cluster provides these");
  }

  @Test
  void sharesNoClassWithTheClustersJars() throws IOException {
    List<Path> clusterJars = ClusterJars.forApplicationJar(System.getProperty("java.class.path", ""), jar).sparkHomeJars();
    assertTrue(clusterJars.size() > 50, "the Spark side of the class path: " + clusterJars.size() + " jars");
    List<String> clashes = new ArrayList<>();
    for (Path j : clusterJars) {
      try (JarFile f = new JarFile(j.toFile())) {
        List<String> both = f.stream().map(JarEntry::getName)
            .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class") && !n.startsWith("META-INF/"))
            .filter(entries::contains).toList();
        if (!both.isEmpty()) {
          clashes.add(j.getFileName() + ": " + both.size() + " classes, e.g. " + both.subList(0, Math.min(3, both.size())));
        }
      }
    }
    assertEquals(List.of(), clashes, "classes both in the application jar and on the cluster: relocate or leave out");
  }

  private static String read(JarFile f, String name) throws IOException {
    JarEntry e = f.getJarEntry(name);
    assertTrue(e != null, f.getName() + " has " + name);
    try (InputStream in = f.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
