package org.mcposterior.jobs.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code spark-submit --master yarn --deploy-mode cluster} whose client JVM is running: in
 * cluster mode the client only submits and then reports the application's state until it ends
 * ({@code spark.yarn.submit.waitAppCompletion=true}), so its exit code is YARN's verdict on the
 * application, and the driver's own output is in the ApplicationMaster container's log
 * ({@link YarnCluster#driverLog}). Thread-safe.
 */
public final class YarnSubmission {

  private final YarnCluster cluster;
  private final SubmitSpec spec;
  private final Process client;
  private final Instant started;
  private final Path stdout;
  private final Path stderr;
  private volatile Instant finished;

  YarnSubmission(YarnCluster cluster, SubmitSpec spec, Process client, Instant started, Path stdout, Path stderr) {
    this.cluster = cluster;
    this.spec = spec;
    this.client = client;
    this.started = started;
    this.stdout = stdout;
    this.stderr = stderr;
    client.onExit().thenRun(() -> finished = Instant.now());
  }

  public boolean isAlive() {
    return client.isAlive();
  }

  public Duration elapsed() {
    return Duration.between(started, Instant.now());
  }

  /** The client's standard error so far (Spark's log: submission, application reports). */
  public String stderrSoFar() {
    return Logs.read(stderr);
  }

  /** YARN's application id, once the client has logged the submission. */
  public Optional<String> appId() {
    return YarnCluster.appId(stderrSoFar());
  }

  /**
   * Waits for the client to exit, at most the spec's timeout from the start.
   *
   * @throws ClusterException on timeout, after killing the client, with the tails of its log and the driver's
   */
  public Result await() {
    long left = spec.timeout().minus(elapsed()).toMillis();
    boolean done;
    try {
      done = client.waitFor(Math.max(0, left), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      ProcessTrees.killTree(client.toHandle());
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while waiting for spark-submit; the client was killed", e);
    }
    if (!done) {
      ProcessTrees.killTree(client.toHandle());
      cluster.noteTrouble();
      throw new ClusterException("spark-submit " + spec.args() + " did not finish within " + spec.timeout().toSeconds()
          + " s; the client was killed.\n--- client stderr (tail) ---\n" + Logs.tail(stderrSoFar(), 40)
          + "\n--- driver log (tail) ---\n" + appId().map(id -> Logs.tail(cluster.driverLog(id), 60)).orElse("(no app id)"));
    }
    Instant end = finished == null ? Instant.now() : finished;
    String err = Logs.read(stderr);
    String id = YarnCluster.appId(err).orElse(null);
    return new Result(client.exitValue(), Logs.read(stdout), err, id == null ? "" : cluster.driverLog(id), id,
        Duration.between(started, end));
  }

  /**
   * What a finished submission left: the client's exit code and output, the application id and the
   * driver's log (the ApplicationMaster container's standard error; empty without an id).
   */
  public record Result(int exitCode, String stdout, String stderr, String driverLog, String appId, Duration elapsed) {

    /** Exit code, time, and the tails of the client's and the driver's logs, for assertion messages. */
    public String describe() {
      return String.format(Locale.ROOT, "spark-submit (YARN cluster mode) of %s exited with code %d after %.1f s%n"
          + "--- client stderr (tail) ---%n%s%n--- driver log (tail) ---%n%s", appId, exitCode,
          elapsed.toMillis() / 1000.0, Logs.tail(stderr, 30), Logs.tail(driverLog, 60));
    }
  }
}
