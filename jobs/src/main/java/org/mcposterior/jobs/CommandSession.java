package org.mcposterior.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session a command runs in, opened in a {@code try}-with-resources block:
 *
 * <pre>{@code
 * try (CommandSession session = CommandSession.open("mcposterior score", master)) {
 *   ScoreJob.run(session.spark(), settings);
 * }
 * }</pre>
 *
 * <p>The session is the one already running in this JVM (a test's, or the caller's when a command
 * is called in-process), else a new one on the master spark-submit gave, else {@code master}, else
 * {@code local[*]}. Closing stops it only when this command started it: a session someone else
 * started is theirs to stop. A failure while stopping does not hide the command's own failure (it
 * is added to it as suppressed). Not thread-safe; one per command.
 */
public final class CommandSession implements AutoCloseable {
  private final SparkSession spark;
  private final boolean own;

  private CommandSession(SparkSession spark, boolean own) {
    this.spark = spark;
    this.own = own;
  }

  /**
   * The running session, or a new one named {@code appName} (see the class comment); {@code
   * spark.sql.shuffle.partitions} is 16 unless the Spark configuration sets it.
   *
   * @param master the {@code --master} option, or null
   */
  public static CommandSession open(String appName, String master) {
    return open(appName, master, Map.of());
  }

  /**
   * As {@link #open(String, String)}, with more settings that apply unless the Spark configuration
   * (spark-submit's {@code --conf}, {@code spark-defaults.conf}) sets them.
   */
  public static CommandSession open(String appName, String master, Map<String, String> defaults) {
    boolean own = SparkSession.getDefaultSession().isEmpty();
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (master != null) {
      b = b.master(master);
    } else if (!conf.contains("spark.master")) {
      b = b.master("local[*]");
    }
    b = b.config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "16"));
    for (Map.Entry<String, String> e : defaults.entrySet()) {
      b = b.config(e.getKey(), conf.get(e.getKey(), e.getValue()));
    }
    return new CommandSession(b.getOrCreate(), own);
  }

  public SparkSession spark() {
    return spark;
  }

  /** Stops the session if this command started it. */
  @Override
  public void close() {
    if (own) {
      spark.stop();
    }
  }
}
