package org.mcposterior.jobs.cluster;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code spark-submit --master yarn --deploy-mode cluster} whose client JVM is running: in
 * cluster mode the client only submits and then reports the application's state until it ends
 * ({@code spark.yarn.submit.waitAppCompletion=true}), so its exit code is YARN's verdict on the
 * application, and the driver's own output is in the ApplicationMaster container's log
 * ({@link YarnCluster#driverLog}). Thread-safe.
 */
public final class YarnSubmission {

  /** What the client logs once YARN has accepted the application. */
  private static final Pattern APP_ID = Pattern.compile("Submitted application (application_\\d+_\\d+)");

  private final YarnCluster cluster;
  private final SubmitSpec spec;
  private final SubmitterProcess client;

  YarnSubmission(YarnCluster cluster, SubmitSpec spec, SubmitterProcess client) {
    this.cluster = cluster;
    this.spec = spec;
    this.client = client;
  }

  public boolean isAlive() {
    return client.isAlive();
  }

  public Duration elapsed() {
    return client.elapsed();
  }

  /** The client's standard error so far (Spark's log: submission, application reports). */
  public String stderrSoFar() {
    return client.stderrText();
  }

  /** YARN's application id, once the client has logged the submission. */
  public Optional<String> appId() {
    return appId(stderrSoFar());
  }

  /** The application id in a client's log ({@code Submitted application application_...}), if it is there. */
  static Optional<String> appId(String clientLog) {
    Matcher m = APP_ID.matcher(clientLog);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Waits for the client to exit, at most the spec's timeout from the start.
   *
   * @throws ClusterException on timeout, after killing the client, with the tails of its log and the driver's
   */
  public Result await() {
    boolean done;
    try {
      done = client.awaitExit(spec.timeout());
    } catch (InterruptedException e) {
      client.kill();
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while waiting for spark-submit; the client was killed", e);
    }
    if (!done) {
      client.kill();
      cluster.noteTrouble();
      throw new ClusterException("spark-submit " + spec.args() + " did not finish within " + spec.timeout().toSeconds()
          + " s; the client was killed.\n--- client stderr (tail) ---\n" + Logs.tail(stderrSoFar(), 40)
          + "\n--- driver log (tail) ---\n" + appId().map(id -> Logs.tail(cluster.driverLog(id), 60)).orElse("(no app id)"));
    }
    Duration elapsed = client.runTime();
    String err = client.stderrText();
    String id = appId(err).orElse(null);
    return new Result(client.exitValue(), client.stdoutText(), err, id == null ? "" : cluster.driverLog(id), id,
        elapsed);
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
