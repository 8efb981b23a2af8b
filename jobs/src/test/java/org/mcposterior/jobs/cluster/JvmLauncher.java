package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Starts the JVMs of a cluster run: in the run directory, with exactly the environment given (not
 * the test JVM's), standard input closed, and the {@link WatchdogAgent} added, so no JVM outlives
 * the test JVM. {@link #javaCommand} builds a plain Spark JVM's command with the Java 17 module
 * flags Spark needs ({@link JavaModuleOptions}, what Spark's launcher adds). Thread-safe.
 */
final class JvmLauncher {

  private final RunDirectory run;
  private final WatchdogAgent watchdog;

  JvmLauncher(RunDirectory run, WatchdogAgent watchdog) {
    this.run = run;
    this.watchdog = watchdog;
  }

  /** The {@code java} of the test JVM's Java home. */
  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java -Xmx<heap> <Spark's --add-opens flags> -cp <classPath> <mainClass> <args>}. */
  static List<String> javaCommand(String heap, String classPath, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + heap));
    cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
    cmd.addAll(List.of("-cp", classPath, mainClass));
    cmd.addAll(args);
    return cmd;
  }

  WatchdogAgent watchdog() {
    return watchdog;
  }

  /**
   * Starts {@code command} (a {@code java} command: the watchdog option goes right after it).
   * {@code err == null} sends standard error to standard output's file.
   *
   * @throws ClusterException (trouble) if the process cannot start
   */
  Process start(String name, List<String> command, Map<String, String> environment, ProcessBuilder.Redirect out,
      ProcessBuilder.Redirect err) {
    List<String> cmd = new ArrayList<>(command);
    cmd.add(1, watchdog.javaOption());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(run.root().toFile()).redirectOutput(out);
    if (err == null) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(err);
    }
    pb.environment().clear();
    pb.environment().putAll(environment);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw run.fail("cannot start the " + name + " JVM (" + cmd.get(0) + "): " + e.getMessage(), e);
    }
  }
}
