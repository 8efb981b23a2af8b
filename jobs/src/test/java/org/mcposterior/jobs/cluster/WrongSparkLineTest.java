package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This line's application jar started in a child JVM on the other line's Spark and Scala (the
 * 4.x / 2.13 jar on Spark 3.5 / Scala 2.12, or the reverse when built with -Pspark-3.5) stops at
 * once with exit code 1 and one message naming what it needs and what it found; on its own line's
 * jars the same command runs.
 */
class WrongSparkLineTest {

  @TempDir
  Path tmp;

  @Test
  void theJarRefusesTheOtherSparkLineAtOnceWithOneMessage() throws Exception {
    Path other = Path.of(System.getProperty("mcposterior.otherSparkLineDir", "target/other-spark-line"));
    List<Path> otherJars;
    try (Stream<Path> s = Files.list(other)) {
      otherJars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
    assertEquals(2, otherJars.size(), "spark-common-utils and scala-library of the other line in " + other);
    Path app = ProductJar.path();
    List<Path> cp = new ArrayList<>(List.of(app));
    cp.addAll(otherJars);

    long t0 = System.nanoTime();
    Run r = run(cp, "score", "--model", "m.zip", "--pool", "p.parquet", "--out", tmp.resolve("out").toString());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.err.println("wrong line: exit " + r.code + " after " + ms + " ms: " + r.err);

    assertEquals(1, r.code, r.err);
    String otherSpark = otherJars.stream().map(p -> p.getFileName().toString()).filter(n -> n.startsWith("spark-common-utils_"))
        .findFirst().orElseThrow().replaceAll(".*-(\\d+\\.\\d+\\.\\d+)\\.jar", "$1");
    String otherScala = otherJars.stream().map(p -> p.getFileName().toString()).filter(n -> n.startsWith("scala-library-"))
        .findFirst().orElseThrow().replaceAll("scala-library-(.*)\\.jar", "$1");
    assertTrue(r.err.contains("runs Spark " + otherSpark + " on Scala " + otherScala), "names what it found: " + r.err);
    String thisScala = app.getFileName().toString().replaceAll("mcposterior-spark-[0-9.]+_([0-9.]+)-.*", "$1");
    assertTrue(r.err.contains("on Scala " + thisScala + " (built against Spark "), "names what it needs: " + r.err);
    assertEquals(1, r.err.strip().lines().count(), "one message, no stack trace: " + r.err);
    assertFalse(r.err.contains("Exception") || r.err.contains("Error:"), r.err);
    assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
  }

  @Test
  void onItsOwnLineTheSameJarStarts() throws Exception {
    Path app = ProductJar.path();
    List<Path> cp = new ArrayList<>(List.of(app));
    cp.addAll(ClusterJars.forApplicationJar(System.getProperty("java.class.path", ""), app).sparkHomeJars());
    Run r = run(cp, "--version");
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("mcposterior"), r.out);
  }

  private record Run(int code, String out, String err) {}

  private Run run(List<Path> classPath, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
        "org.mcposterior.jobs.Main"));
    cmd.addAll(List.of(args));
    Path out = tmp.resolve("stdout.txt");
    Path err = tmp.resolve("stderr.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child JVM did not finish in 120 s: " + cmd);
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
