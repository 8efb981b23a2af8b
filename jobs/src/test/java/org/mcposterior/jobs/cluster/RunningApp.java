package org.mcposterior.jobs.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code spark-submit} whose driver JVM is running: its process, where its output goes, and
 * {@link #await} for the result. Returned by {@link StandaloneCluster#submitInBackground}, so a test
 * can act on the cluster (kill an executor) while the application runs. Thread-safe.
 */
public final class RunningApp {

  /** What StandaloneSchedulerBackend logs once the master has accepted the application. */
  private static final Pattern APP_ID = Pattern.compile("Connected to Spark cluster with app ID (app-\\S+)");

  private final StandaloneCluster cluster;
  private final SubmitSpec spec;
  private final SubmitterProcess driver;

  RunningApp(StandaloneCluster cluster, SubmitSpec spec, SubmitterProcess driver) {
    this.cluster = cluster;
    this.spec = spec;
    this.driver = driver;
  }

  public SubmitSpec spec() {
    return spec;
  }

  /** The driver JVM's pid (the JVM running SparkSubmit and, in client mode, the application's main). */
  public long driverPid() {
    return driver.pid();
  }

  public boolean isAlive() {
    return driver.isAlive();
  }

  /** Time since the launcher started. */
  public Duration elapsed() {
    return driver.elapsed();
  }

  /** What the driver has written to standard error so far (Spark's log). */
  public String stderrSoFar() {
    return driver.stderrText();
  }

  /**
   * The application id the driver logged when it registered with the master ({@code app-...}, as
   * in {@link ExecutorProcess#appId}), once it has.
   */
  public Optional<String> appId() {
    Matcher m = APP_ID.matcher(stderrSoFar());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  Process driver() {
    return driver.process();
  }

  /**
   * Waits for the driver to exit, at most until the spec's timeout (counted from the start).
   *
   * @throws ClusterException on timeout, after killing the driver and its children, with the tails
   *     of the driver's output and of the cluster's logs
   */
  public SubmitResult await() {
    boolean done;
    try {
      done = driver.awaitExit(spec.timeout());
    } catch (InterruptedException e) {
      driver.kill();
      Thread.currentThread().interrupt();
      throw cluster.refuse("interrupted while waiting for " + spec.mainClass() + "; the driver was killed", e);
    }
    if (!done) {
      driver.kill();
      throw cluster.refuse("spark-submit of " + spec.mainClass() + " " + spec.args() + " did not finish within "
          + spec.timeout().toSeconds() + " s (timeout of its SubmitSpec); the driver (pid " + driver.pid()
          + ") was killed. Raise the timeout if the machine is slow, or read why it hung:\n--- driver stdout (tail) ---\n"
          + Logs.tail(driver.stdout(), 20) + "\n--- driver stderr (tail) ---\n" + Logs.tail(driver.stderr(), 60) + "\n"
          + cluster.diagnostics(), null);
    }
    Duration elapsed = driver.runTime();
    return new SubmitResult(driver.exitValue(), driver.stdoutText(), driver.stderrText(), elapsed, driver.stdout(),
        driver.stderr());
  }
}
