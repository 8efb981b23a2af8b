package org.mcposterior.jobs.testsupport;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session of jobs' tests: {@code local[2]}, no UI, 4 shuffle partitions. All
 * test classes of a test JVM share it (Surefire runs them one after the other in one JVM), so a
 * class starts in the time of its work, not of Spark's start-up; it is stopped when the JVM exits,
 * by Spark's own shutdown hook. A class takes it in its {@code @BeforeAll} with {@link #session()}
 * (or {@link #session(Map)} for other SQL settings) and never stops it.
 *
 * <p>Each call gives a new session of the one SparkContext ({@code newSession}: SQL settings and
 * temporary views of its own), with the fixture's SQL settings and then the class's, so no class
 * sees settings another class or a command run in process set. It is made the default and active
 * session, which the commands run in process pick up ({@code getOrCreate}) and leave running.
 * Should something stop the context, the next call starts a new one.
 *
 * <p>The context starts with Delta Lake's and Iceberg's SQL extensions (both are test dependencies
 * on either Spark line), a static setting: the table tests then set their catalogs per session
 * ({@code spark.sql.catalog.*} are session settings), and every other class runs as before.
 *
 * <p>A class that needs another master or a static setting (one fixed when the context starts,
 * such as {@code spark.executor.heartbeatInterval}) calls {@link #stop()} first and builds its own,
 * stopping it when done: only one SparkContext can run in a JVM.
 */
public final class SharedSpark {
  private static final Map<String, String> SQL = Map.of("spark.sql.shuffle.partitions", "4");
  private static SparkSession root;
  /** Delta's and Iceberg's SQL extensions: Delta's is needed to read a Delta table's history. */
  public static final String EXTENSIONS = "io.delta.sql.DeltaSparkSessionExtension,"
      + "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

  private SharedSpark() {}

  /** The shared session, with the fixture's SQL settings. */
  public static SparkSession session() {
    return session(Map.of());
  }

  /**
   * A session of the shared SparkContext with SQL settings of its own (Spark's {@code newSession}):
   * the fixture's, then {@code sqlConf} (runtime settings only).
   */
  public static synchronized SparkSession session(Map<String, String> sqlConf) {
    if (root == null || root.sparkContext().isStopped()) {
      SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("mcposterior-jobs-tests")
          .config("spark.ui.enabled", "false").config("spark.sql.extensions", EXTENSIONS);
      SQL.forEach(b::config);
      root = b.getOrCreate();
    }
    SparkSession s = root.newSession();
    SQL.forEach((k, v) -> s.conf().set(k, v));
    sqlConf.forEach((k, v) -> s.conf().set(k, v));
    SparkSession.setDefaultSession(s);
    SparkSession.setActiveSession(s);
    return s;
  }

  /** Stops the shared SparkContext, if one runs, for a class that must start Spark its own way. */
  public static synchronized void stop() {
    if (root != null) {
      root.stop();
      root = null;
    }
    SparkSession.clearDefaultSession();
    SparkSession.clearActiveSession();
  }
}
