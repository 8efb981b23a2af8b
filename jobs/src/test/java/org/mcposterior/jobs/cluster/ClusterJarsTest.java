package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class-path split and the spark-submit command line, without starting any JVM. */
class ClusterJarsTest {

  @TempDir
  Path repo;

  private Path jar(String relative) throws IOException {
    Path p = repo.resolve(relative);
    Files.createDirectories(p.getParent());
    return Files.write(p, new byte[] {0});
  }

  @Test
  void splitsSparkSideApplicationSideTestOnlyAndClassDirectories() throws IOException {
    Path sparkCore = jar("org/apache/spark/spark-core_2.13/4.0.1/spark-core_2.13-4.0.1.jar");
    Path scala = jar("org/scala-lang/scala-library/2.13.16/scala-library-2.13.16.jar");
    Path nd4j = jar("org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64.jar");
    Path javacpp = jar("org/bytedeco/javacpp/1.5.7/javacpp-1.5.7.jar");
    Path picocli = jar("info/picocli/picocli/4.7.7/picocli-4.7.7.jar");
    Path reactorCore = jar("work/core/target/mcposterior-core-0.1.0-SNAPSHOT.jar");
    Path junit = jar("org/junit/jupiter/junit-jupiter-api/5.14.1/junit-jupiter-api-5.14.1.jar");
    Path opentest = jar("org/opentest4j/opentest4j/1.3.0/opentest4j-1.3.0.jar");
    Path classes = Files.createDirectories(repo.resolve("jobs/target/classes"));
    Path testClasses = Files.createDirectories(repo.resolve("jobs/target/test-classes"));
    String cp = String.join(File.pathSeparator, List.of(testClasses.toString(), classes.toString(), reactorCore.toString(),
        nd4j.toString(), sparkCore.toString(), junit.toString(), scala.toString(), javacpp.toString(), picocli.toString(),
        opentest.toString(), repo.resolve("missing.jar").toString(), sparkCore.toString()));

    ClusterJars split = ClusterJars.of(cp);

    assertEquals(List.of(sparkCore, scala), split.sparkHomeJars(), "Spark side, in class-path order, once each");
    assertEquals(List.of(reactorCore, nd4j, javacpp, picocli), split.applicationDependencyJars(), "shipped with --jars");
    assertEquals(List.of(testClasses, classes), split.classDirectories(), "packed into the application jar");
  }

  @Test
  void aroundTheApplicationJarTheSparkHomeGetsOnlyWhatTheJarLacksAndNothingIsShipped() throws IOException {
    Path sparkCore = jar("org/apache/spark/spark-core_2.13/4.0.1/spark-core_2.13-4.0.1.jar");
    Path commonsIo = jar("commons-io/commons-io/2.18.0/commons-io-2.18.0.jar");
    Path nd4j = jar("org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64.jar");
    Path picocli = jar("info/picocli/picocli/4.7.7/picocli-4.7.7.jar");
    Path jobsJar = jar("work/jobs/target/mcposterior-jobs-0.1.0-SNAPSHOT.jar");
    Path junit = jar("org/junit/jupiter/junit-jupiter-api/5.14.1/junit-jupiter-api-5.14.1.jar");
    Path classes = Files.createDirectories(repo.resolve("jobs/target/classes"));
    Path testClasses = Files.createDirectories(repo.resolve("jobs/target/test-classes"));
    Path app = repo.resolve("app.jar");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(app))) {
      for (String e : List.of("META-INF/maven/org.nd4j/nd4j-native/pom.properties",
          "META-INF/maven/info.picocli/picocli/pom.properties", "picocli/CommandLine.class")) {
        out.putNextEntry(new java.util.jar.JarEntry(e));
        out.closeEntry();
      }
    }
    String cp = String.join(File.pathSeparator, List.of(testClasses.toString(), classes.toString(), jobsJar.toString(),
        nd4j.toString(), sparkCore.toString(), junit.toString(), commonsIo.toString(), picocli.toString()));

    ClusterJars split = ClusterJars.forApplicationJar(cp, app);

    assertEquals(java.util.Set.of("org.nd4j:nd4j-native", "info.picocli:picocli"), ClusterJars.artifactsIn(app));
    assertEquals(List.of(sparkCore, commonsIo), split.sparkHomeJars(), "what the application jar lacks, in order");
    assertEquals(List.of(), split.applicationDependencyJars(), "no --jars");
    assertEquals(List.of(testClasses), split.classDirectories(), "test classes only: the product's are in the jar");
  }

  @Test
  void refusesAClassPathWithoutSpark() throws IOException {
    Path nd4j = jar("org/nd4j/nd4j-api/1.0.0-M2.1/nd4j-api-1.0.0-M2.1.jar");
    ClusterException e = assertThrows(ClusterException.class, () -> ClusterJars.of(nd4j.toString()));
    assertTrue(e.getMessage().contains("no spark-core jar"), e.getMessage());
  }

  @Test
  void submitArgumentsAreSparkSubmitsInOrder() throws IOException {
    Path app = jar("app.jar");
    Path dep1 = jar("a/dep1.jar");
    Path dep2 = jar("b/dep2.jar");
    Path props = jar("spark-defaults.conf");
    SubmitSpec spec = SubmitSpec.builder("org.example.Main", app).jars(List.of(dep1, dep2)).propertiesFile(props)
        .conf("spark.executor.memory", "1g").conf("spark.task.maxFailures", "2").conf("spark.executor.memory", "2g")
        .args("score", "--k", "5").build();

    assertEquals(List.of("--master", "spark://127.0.0.1:7077", "--deploy-mode", "client", "--class", "org.example.Main",
        "--properties-file", props.toString(), "--jars", dep1 + "," + dep2, "--conf", "spark.executor.memory=2g", "--conf", "spark.task.maxFailures=2",
        app.toString(), "score", "--k", "5"), spec.sparkSubmitArguments("spark://127.0.0.1:7077"));
  }

  @Test
  void badSubmitSpecsFailWhenBuiltNamingTheValue() throws IOException {
    Path app = jar("app.jar");
    Path comma = jar("odd,dir/x.jar");
    assertMessage(() -> SubmitSpec.builder("", app).build(), "main class is ''");
    assertMessage(() -> SubmitSpec.builder("M", repo.resolve("none.jar")).build(), "none.jar is not a file");
    assertMessage(() -> SubmitSpec.builder("M", app).jars(List.of(comma)).build(), "has a comma");
    assertMessage(() -> SubmitSpec.builder("M", app).conf("executor.memory", "1g").build(),
        "'executor.memory' does not start with 'spark.'");
    assertMessage(() -> SubmitSpec.builder("M", app).timeout(Duration.ZERO).build(), "timeout is PT0S");
    assertMessage(() -> SubmitSpec.builder("M", app).propertiesFile(repo.resolve("none.conf")).build(),
        "none.conf is not a file");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable build, String expected) {
    InvalidSubmitSpecException e = assertThrows(InvalidSubmitSpecException.class, build);
    assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' names " + expected);
  }
}
