package org.mcposterior.jobs.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
  private final Process driver;
  private final Instant started;
  private final Path stdout;
  private final Path stderr;
  /** When the driver exited, noted by the process reaper, so a late {@link #await} still times the run right. */
  private volatile Instant finished;

  RunningApp(StandaloneCluster cluster, SubmitSpec spec, Process driver, Instant started, Path stdout, Path stderr) {
    this.cluster = cluster;
    this.spec = spec;
    this.driver = driver;
    this.started = started;
    this.stdout = stdout;
    this.stderr = stderr;
    driver.onExit().thenRun(() -> finished = Instant.now());
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
    return Duration.between(started, Instant.now());
  }

  /** What the driver has written to standard error so far (Spark's log). */
  public String stderrSoFar() {
    return Logs.read(stderr);
  }

  /**
   * The application id the driver logged when it registered with the master ({@code app-...}, as
   * in {@link ExecutorProcess#appId}), once it has.
   */
  public Optional<String> appId() {
    Matcher m = APP_ID.matcher(stderrSoFar());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** After SIGKILL: returns once the kernel has reaped the driver (or after 15 s), so callers see it gone. */
  private void awaitDeath() {
    try {
      driver.onExit().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Still reported: isAlive() stays true and close() sweeps it.
    }
  }

  Process driver() {
    return driver;
  }

  /**
   * Waits for the driver to exit, at most until the spec's timeout (counted from the start).
   *
   * @throws ClusterException on timeout, after killing the driver and its children, with the tails
   *     of the driver's output and of the cluster's logs
   */
  public SubmitResult await() {
    long left = spec.timeout().minus(elapsed()).toMillis();
    boolean done;
    try {
      done = driver.waitFor(Math.max(0, left), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      StandaloneCluster.killTree(driver.toHandle());
      awaitDeath();
      Thread.currentThread().interrupt();
      throw cluster.refuse("interrupted while waiting for " + spec.mainClass() + "; the driver was killed", e);
    }
    if (!done) {
      StandaloneCluster.killTree(driver.toHandle());
      awaitDeath();
      throw cluster.refuse("spark-submit of " + spec.mainClass() + " " + spec.args() + " did not finish within "
          + spec.timeout().toSeconds() + " s (timeout of its SubmitSpec); the driver (pid " + driver.pid()
          + ") was killed. Raise the timeout if the machine is slow, or read why it hung:\n--- driver stdout (tail) ---\n"
          + Logs.tail(stdout, 20) + "\n--- driver stderr (tail) ---\n" + Logs.tail(stderr, 60) + "\n"
          + cluster.diagnostics());
    }
    Instant end = finished == null ? Instant.now() : finished;
    SubmitResult r = new SubmitResult(driver.exitValue(), Logs.read(stdout), Logs.read(stderr),
        Duration.between(started, end), stdout, stderr);
    return r;
  }
}
