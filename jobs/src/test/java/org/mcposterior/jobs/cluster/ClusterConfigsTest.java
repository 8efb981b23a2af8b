package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static checks of {@code cluster-configs/}: every template carries what a DL4J job on Spark needs,
 * and its memory numbers add up. Only the standalone template also runs on a real cluster
 * ({@link StandaloneClusterTest}); for YARN and Kubernetes this is all the checking there is.
 */
class ClusterConfigsTest {

  private static final long GIB = 1L << 30;
  /** Native memory a JVM needs beyond heap and nd4j's arrays (metaspace, threads, Netty, OpenBLAS buffers). */
  private static final long JVM_NATIVE_MARGIN = 2 * GIB;

  @ParameterizedTest
  @ValueSource(strings = {"standalone", "yarn", "kubernetes"})
  void templateCarriesWhatEveryDeploymentNeeds(String target) throws IOException {
    Properties c = load(target);
    for (String role : List.of("driver", "executor")) {
      String opts = require(c, "spark." + role + ".extraJavaOptions");
      for (String flag : JavaModuleOptions.defaultModuleOptions().split(" ")) {
        assertTrue(List.of(opts.split(" ")).contains(flag), target + ": " + role + " options lack " + flag);
      }
      assertTrue(opts.contains("-Djavacpp.platform=linux-x86_64"), target + ": " + role + " javacpp.platform");
      assertTrue(bytesOption(opts, "maxbytes") > 0, target + ": " + role + " caps nd4j's off-heap memory");
    }
    assertFalse(require(c, "spark.executorEnv.OPENBLAS_CORETYPE").isBlank());
    int cores = Integer.parseInt(require(c, "spark.executor.cores"));
    int taskCpus = Integer.parseInt(require(c, "spark.task.cpus"));
    int blasThreads = Integer.parseInt(require(c, "spark.executorEnv.OPENBLAS_NUM_THREADS"));
    assertEquals(blasThreads, Integer.parseInt(require(c, "spark.executorEnv.OMP_NUM_THREADS")),
        target + ": OpenMP and OpenBLAS threads agree");
    assertTrue(blasThreads * (cores / taskCpus) <= cores,
        target + ": BLAS threads x task slots <= executor cores (" + blasThreads + " x " + cores / taskCpus + ")");
    assertTrue(Integer.parseInt(require(c, "spark.task.maxFailures")) >= 2, target + ": a lost executor's tasks are retried");
  }

  @Test
  void standaloneHeapPlusOffHeapFitsThePhysicalCap() throws IOException {
    Properties c = load("standalone");
    for (String role : List.of("driver", "executor")) {
      String opts = c.getProperty("spark." + role + ".extraJavaOptions");
      long heap = bytes(c.getProperty("spark." + role + ".memory"));
      assertTrue(heap + bytesOption(opts, "maxbytes") + JVM_NATIVE_MARGIN <= bytesOption(opts, "maxphysicalbytes"),
          "standalone " + role + ": heap + maxbytes + margin <= maxphysicalbytes, else JavaCPP refuses work the "
              + "JVM has room for");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"yarn", "kubernetes"})
  void containerMemoryHoldsHeapAndOffHeap(String target) throws IOException {
    Properties c = load(target);
    for (String role : List.of("driver", "executor")) {
      String opts = c.getProperty("spark." + role + ".extraJavaOptions");
      long heap = bytes(require(c, "spark." + role + ".memory"));
      long overhead = bytes(require(c, "spark." + role + ".memoryOverhead"));
      long maxBytes = bytesOption(opts, "maxbytes");
      long maxPhysical = bytesOption(opts, "maxphysicalbytes");
      assertTrue(maxBytes + JVM_NATIVE_MARGIN <= overhead,
          target + " " + role + ": memoryOverhead holds nd4j's off-heap cap plus the JVM's native memory");
      assertTrue(maxPhysical <= heap + overhead,
          target + " " + role + ": JavaCPP's physical cap is below the container limit, so it refuses first");
      assertTrue(heap + maxBytes <= maxPhysical, target + " " + role + ": heap + maxbytes fit the physical cap");
    }
  }

  @Test
  void clusterModeDriversGetTheBlasKernelToo() throws IOException {
    assertFalse(require(load("yarn"), "spark.yarn.appMasterEnv.OPENBLAS_CORETYPE").isBlank());
    Properties k8s = load("kubernetes");
    assertFalse(require(k8s, "spark.kubernetes.driverEnv.OPENBLAS_CORETYPE").isBlank());
    assertEquals(require(k8s, "spark.executor.cores"), require(k8s, "spark.kubernetes.executor.request.cores"),
        "kubernetes: pods request the cores their task slots use");
  }

  @Test
  void submitScriptParsesAndPassesItsArgumentsToScore() throws IOException, InterruptedException {
    Path script = configs().resolve("standalone").resolve("submit.sh");
    assertTrue(Files.isExecutable(script), script + " is executable");
    Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "bash -n " + script + ": " + new String(p.getInputStream().readAllBytes()));
    String text = Files.readString(script);
    assertTrue(text.contains("--class org.mcposterior.jobs.Main") && text.contains("\"$MCP_APP_JAR\" score \"$@\""),
        "submit.sh runs Main score with the caller's arguments");
    String dag = Files.readString(configs().resolve("airflow").resolve("mcposterior_score_dag.py"));
    assertTrue(dag.contains("java_class=\"org.mcposterior.jobs.Main\"") && dag.contains("[\"score\", *SCORE_ARGS]"),
        "the DAG submits Main score");
  }

  static Path configs() {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return module.resolveSibling("cluster-configs");
  }

  private static Properties load(String target) throws IOException {
    Path file = configs().resolve(target).resolve("spark-defaults.conf");
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    return p;
  }

  private static String require(Properties c, String key) {
    String v = c.getProperty(key);
    assertNotNull(v, "missing " + key);
    return v.trim();
  }

  private static long bytesOption(String javaOptions, String name) {
    Matcher m = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\." + name + "=(\\S+)").matcher(javaOptions);
    assertTrue(m.find(), "no -Dorg.bytedeco.javacpp." + name + " in " + javaOptions);
    return bytes(m.group(1));
  }

  /** "8g", "512m", "4G" as Spark and JavaCPP read them: binary multiples. */
  private static long bytes(String size) {
    Matcher m = Pattern.compile("(\\d+)([kmgt]?)b?").matcher(size.trim().toLowerCase(Locale.ROOT));
    assertTrue(m.matches(), "not a size: " + size);
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    return Long.parseLong(m.group(1)) << shift;
  }
}
