package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts a Spark JVM the way {@code bin/spark-class} does: Spark's own launcher
 * ({@code org.apache.spark.launcher.Main}) computes the command (java, class path, memory, Java 17
 * module flags, main class, arguments), so those are Spark's choices, and {@link JvmLauncher} runs
 * it. The launcher's standard error goes to {@code logs/<name>.launcher.log}. Thread-safe.
 */
final class SparkClassLauncher {

  private static final String LAUNCHER_CLASS = "org.apache.spark.launcher.Main";
  private static final long LAUNCHER_TIMEOUT_SECONDS = 60;

  private final SparkHome sparkHome;
  private final RunDirectory run;
  private final JvmLauncher jvms;

  SparkClassLauncher(SparkHome sparkHome, RunDirectory run, JvmLauncher jvms) {
    this.sparkHome = sparkHome;
    this.run = run;
    this.jvms = jvms;
  }

  /** Starts {@code mainClass args} as {@code spark-class} would, in {@code environment}; see {@link JvmLauncher#start}. */
  Process launch(String name, String mainClass, List<String> args, ProcessBuilder.Redirect out,
      ProcessBuilder.Redirect err, Map<String, String> environment) {
    return jvms.start(name, command(name, mainClass, args, environment), environment, out, err);
  }

  /**
   * The launcher prints the command NUL-separated after a {@code "\0\n"} marker.
   *
   * @throws ClusterException (trouble) if the launcher fails, hangs or prints no java command
   */
  List<String> command(String name, String mainClass, List<String> args, Map<String, String> environment) {
    List<String> cmd = new ArrayList<>(List.of(JvmLauncher.javaExecutable(), "-Xmx128m", "-cp",
        sparkHome.jarsClassPath(), LAUNCHER_CLASS, mainClass));
    cmd.addAll(args);
    Path launcherLog = run.logs().resolve(name + ".launcher.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(run.root().toFile()).redirectError(launcherLog.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment);
    byte[] output;
    int code;
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      try (InputStream in = p.getInputStream()) {
        output = in.readAllBytes();
      }
      if (!p.waitFor(LAUNCHER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw run.fail("Spark's launcher did not answer within " + LAUNCHER_TIMEOUT_SECONDS + " s for " + name);
      }
      code = p.exitValue();
    } catch (IOException e) {
      throw run.fail("cannot run Spark's launcher for " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw run.fail("interrupted while running Spark's launcher for " + name, e);
    }
    String text = new String(output, StandardCharsets.UTF_8);
    int marker = text.indexOf("\0\n");
    String body = marker >= 0 ? text.substring(marker + 2) : text;
    List<String> command = Stream.of(body.split("\0")).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    if (code != 0 || command.isEmpty() || !command.get(0).endsWith("java")) {
      throw run.fail("Spark's launcher (" + LAUNCHER_CLASS + ") exited with code " + code + " for " + name
          + " and printed " + (marker >= 0 ? text.substring(0, marker) : text).trim() + "; expected a java command. "
          + "Its standard error:\n" + Logs.tail(launcherLog, 30));
    }
    return command;
  }
}
