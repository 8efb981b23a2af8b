package org.mcposterior.jobs.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code SparkSubmit} JVM, whichever cluster it submits to: the process, when it
 * started and ended, and the files its standard output and error go to. {@link RunningApp} and
 * {@link YarnSubmission} add what their cluster's application looks like. Thread-safe.
 */
final class SubmitterProcess {

  /** The main class of {@code spark-submit}, in every cluster mode. */
  static final String SPARK_SUBMIT_CLASS = "org.apache.spark.deploy.SparkSubmit";

  private final Process process;
  private final Instant started;
  private final RunDirectory.SubmissionLogs logs;
  /** When the JVM exited, noted by the process reaper, so a late wait still times the run right. */
  private volatile Instant finished;

  SubmitterProcess(Process process, Instant started, RunDirectory.SubmissionLogs logs) {
    this.process = process;
    this.started = started;
    this.logs = logs;
    process.onExit().thenRun(() -> finished = Instant.now());
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  /** Time since the JVM was started. */
  Duration elapsed() {
    return Duration.between(started, Instant.now());
  }

  /** From the start to the exit (or to now, if the exit has not been noted yet). */
  Duration runTime() {
    Instant end = finished == null ? Instant.now() : finished;
    return Duration.between(started, end);
  }

  Path stdout() {
    return logs.stdout();
  }

  Path stderr() {
    return logs.stderr();
  }

  String stdoutText() {
    return Logs.read(logs.stdout());
  }

  /** What the JVM has written to standard error so far (Spark's log). */
  String stderrText() {
    return Logs.read(logs.stderr());
  }

  /**
   * Waits for the exit until {@code timeout} after the start.
   *
   * @return whether the JVM exited in time
   */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    long left = timeout.minus(elapsed()).toMillis();
    return process.waitFor(Math.max(0, left), TimeUnit.MILLISECONDS);
  }

  /** Kills the JVM and its children with SIGKILL and returns once the kernel has reaped it (or after {@link ProcessTrees#KILL_WAIT}). */
  void kill() {
    ProcessTrees.killTree(process.toHandle());
    try {
      process.onExit().get(ProcessTrees.KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Still reported: isAlive() stays true and the cluster's close() sweeps it.
    }
  }
}
