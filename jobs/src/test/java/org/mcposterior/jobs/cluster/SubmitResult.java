package org.mcposterior.jobs.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What a finished {@code spark-submit} left: the driver JVM's exit code and its whole standard
 * output and error. A scheduler (Airflow, cron, a CI step) sees exactly this exit code, so tests
 * assert on it rather than on log lines. Immutable.
 */
public final class SubmitResult {

  private final int exitCode;
  private final String stdout;
  private final String stderr;
  private final Duration elapsed;
  private final Path stdoutFile;
  private final Path stderrFile;

  SubmitResult(int exitCode, String stdout, String stderr, Duration elapsed, Path stdoutFile, Path stderrFile) {
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.elapsed = elapsed;
    this.stdoutFile = stdoutFile;
    this.stderrFile = stderrFile;
  }

  /** The driver JVM's exit code: 0 on success. */
  public int exitCode() {
    return exitCode;
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** The driver's standard output: what the application printed (Spark logs go to standard error). */
  public String stdout() {
    return stdout;
  }

  /** The driver's standard error: Spark's log and the application's errors. */
  public String stderr() {
    return stderr;
  }

  /** Wall time from starting the launcher to the driver's exit. */
  public Duration elapsed() {
    return elapsed;
  }

  /** Where the standard output is kept (under the cluster's run directory; gone after a clean close). */
  public Path stdoutFile() {
    return stdoutFile;
  }

  public Path stderrFile() {
    return stderrFile;
  }

  /** A short account for assertion messages: exit code, time, and the tails of both streams. */
  public String describe() {
    return String.format(Locale.ROOT, "spark-submit exited with code %d after %.1f s%n--- stdout (tail) ---%n%s%n"
        + "--- stderr (tail) ---%n%s", exitCode, elapsed.toMillis() / 1000.0, Logs.tail(stdout, 20), Logs.tail(stderr, 60));
  }

  @Override
  public String toString() {
    return "SubmitResult[exitCode=" + exitCode + ", elapsed=" + elapsed + "]";
  }
}
