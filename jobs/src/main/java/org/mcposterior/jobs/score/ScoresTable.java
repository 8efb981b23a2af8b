package org.mcposterior.jobs.score;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.spark.CauseText;

/**
 * {@code --out-table}: the run's scores, each row with its {@code top_k_rank} (1 for the first
 * pick, null for an example not picked), written to a catalog table in one commit of the table's
 * format: {@code CREATE TABLE AS SELECT} for a new table, {@code REPLACE TABLE AS SELECT} for one
 * an earlier score run wrote (Delta and Iceberg replace a table in one commit: a reader sees the old
 * scores or the new ones, and a run killed while writing leaves the old ones).
 *
 * <p>The rules are those of {@code --out} ({@link OutputDir}), checked before any work ({@link
 * #check}): an existing table is replaced only with {@code --overwrite}, and only if its
 * properties say a score run wrote it ({@value #OWNER} = {@value #WRITER}): a user's own table is
 * never replaced. The pool's and the target's tables are never written. The table's properties
 * carry the run id, the heuristic, the model fingerprint and the path of the run's
 * {@code summary.json}, which is written in {@code --out} as always.
 */
final class ScoresTable {
  /** The table property that marks a table a score run wrote, and so may replace. */
  static final String OWNER = "mcposterior.written_by";
  static final String WRITER = "mcposterior score";
  /** The column added to the scores: the pick's rank in the top-k, null when not picked. */
  static final String RANK = "top_k_rank";

  private final String name;
  /** The name with each part in back quotes, for SQL. */
  private final String quoted;
  private final String format;
  private final boolean exists;

  private ScoresTable(String name, String quoted, String format, boolean exists) {
    this.name = name;
    this.quoted = quoted;
    this.format = format;
    this.exists = exists;
  }

  String name() {
    return name;
  }

  /**
   * Checks {@code --out-table} before any work: a table name; its catalog and namespace exist; its
   * format's library is here; it is not one of the run's input tables ({@code inputs}: the
   * qualified names of the pool and target tables read by name, and the locations of those read by
   * path); and when it exists, {@code --overwrite} is given, a score run wrote it, and its format
   * replaces a table in one commit.
   */
  static ScoresTable check(SparkSession spark, ScoreSettings s, List<String> inputs) {
    String name = s.outTable();
    List<String> parts = TableSource.parts(spark, name, "--out-table");
    List<String> full = TableSource.qualified(spark, parts);
    String catalog = full.get(0);
    if (full.size() < 3) {
      throw new JobInputException("--out-table " + name + " names no namespace in catalog " + catalog
          + "; expected catalog.namespace.table, e.g. " + catalog + ".db.scores");
    }
    String namespace = String.join(".", full.subList(1, full.size() - 1));
    String qualified = String.join(".", full);
    String quoted = TableSource.quote(parts);
    if (s.outTableFormat() != null) {
      TableSource.requireLibrary(spark, s.outTableFormat(), "--out-table");
    }
    boolean exists;
    try {
      if (!spark.catalog().databaseExists(catalog.equals("spark_catalog") ? namespace : catalog + "." + namespace)) {
        throw new JobInputException("--out-table " + name + ": namespace " + namespace + " does not exist in catalog "
            + catalog + "; create it (CREATE NAMESPACE " + catalog + "." + namespace + ") or name another");
      }
      exists = spark.catalog().tableExists(name);
    } catch (JobInputException e) {
      throw e;
    } catch (Exception e) { // AnalysisException: checked in Java's eyes
      throw new JobInputException("--out-table " + name + " cannot be looked up: " + CauseText.of(e)
          + "; expected a table name in a configured catalog (db.table, or catalog.db.table)", e);
    }
    String location = exists ? TableSource.describe(spark, quoted, "Location") : null;
    for (String input : inputs) {
      if (input.equalsIgnoreCase(qualified) || (location != null && sameLocation(input, location))) {
        throw new JobInputException("--out-table " + name + " is the table the run reads (" + input + "); a run"
            + " never writes into its own input: pass another --out-table");
      }
    }
    if (exists) {
      Map<String, String> props = properties(spark, quoted);
      String owner = props.get(OWNER);
      if (!s.overwrite()) {
        throw new JobInputException("--out-table " + name + " exists; pass --overwrite to replace it"
            + (WRITER.equals(owner) ? " (an earlier score run wrote it)" : ", which is only done for a table a score"
            + " run wrote") + ", or name another table");
      }
      if (!WRITER.equals(owner)) {
        throw new JobInputException("--out-table " + name + " exists and was not written by a score run (its"
            + " property " + OWNER + " is " + (owner == null ? "not set" : "'" + owner + "'") + "), so it is not"
            + " replaced even with --overwrite; name another table, or drop this one yourself if it is yours to"
            + " drop");
      }
      String provider = TableSource.describe(spark, quoted, "Provider");
      provider = provider == null ? "unknown" : provider.toLowerCase(Locale.ROOT);
      if (!ScoreSettings.OUT_TABLE_FORMATS.contains(provider)) {
        throw new JobInputException("--out-table " + name + " is a " + provider + " table, which cannot be replaced"
            + " in one commit; drop it yourself, or name a Delta or Iceberg table");
      }
      requireUnchanged(spark, name, full, quoted, provider, props);
    }
    return new ScoresTable(name, quoted, s.outTableFormat(), exists);
  }

  /**
   * Writes {@code scores} with the rank of each of {@code topK}'s rows ({@code rank} column) in
   * one commit, with {@code properties} (and {@link #OWNER}) as table properties.
   *
   * @return the table's version after the write (Delta version or Iceberg snapshot id), or null
   */
  String write(SparkSession spark, Dataset<Row> scores, Dataset<Row> topK, String id, Map<String, String> properties)
      throws Exception {
    String pickId = "__mcp_pick_id";
    Dataset<Row> ranks = topK.select(col(id).as(pickId), col("rank").as(RANK));
    Dataset<Row> rows = scores.join(ranks, scores.col(id).equalTo(ranks.col(pickId)), "left").drop(pickId);
    String view = "__mcp_scores_" + Long.toUnsignedString(System.nanoTime());
    StringBuilder props = new StringBuilder("'" + OWNER + "' = '" + WRITER + "'");
    for (Map.Entry<String, String> e : properties.entrySet()) {
      props.append(", ").append(literal(e.getKey())).append(" = ").append(literal(e.getValue()));
    }
    // SQL's CREATE [OR REPLACE] TABLE AS SELECT: one commit in Delta and Iceberg on both Spark lines (Delta 3.3's
    // DataFrameWriterV2.createOrReplace fails on Spark 3.5 with "does not support truncate in batch mode").
    rows.createOrReplaceTempView(view);
    try {
      spark.sql((exists ? "CREATE OR REPLACE TABLE " : "CREATE TABLE ") + quoted + (format == null ? "" : " USING "
          + format) + " TBLPROPERTIES (" + props + ") AS SELECT * FROM " + view);
    } finally {
      spark.catalog().dropTempView(view);
    }
    String provider = TableSource.describe(spark, quoted, "Provider");
    return provider == null || !ScoreSettings.OUT_TABLE_FORMATS.contains(provider.toLowerCase(Locale.ROOT)) ? null
        : TableSource.current(spark, provider.toLowerCase(Locale.ROOT), quoted, false);
  }

  /** {@code value} as a SQL string literal. */
  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static Map<String, String> properties(SparkSession spark, String name) {
    try {
      Map<String, String> m = new java.util.HashMap<>();
      for (Row r : spark.sql("SHOW TBLPROPERTIES " + name).collectAsList()) {
        m.put(r.getString(0), r.getString(1));
      }
      return m;
    } catch (Exception e) { // AnalysisException: checked in Java's eyes
      throw new JobInputException("--out-table " + name + "'s properties cannot be read: " + CauseText.of(e)
          + "; check that the table is readable here", e);
    }
  }

  /**
   * Refuses to replace a table a score run wrote if anything changed it since: its current version
   * must be the one the run's summary (the {@code mcposterior.summary} property) records having
   * written, under this table's name. A row a user added, a table cloned with its properties, or a
   * summary moved away leaves the table in place.
   */
  private static void requireUnchanged(SparkSession spark, String name, List<String> full, String quoted,
      String provider, Map<String, String> props) {
    String summary = props.get("mcposterior.summary");
    String why;
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(summary);
      Map<?, ?> m;
      try (java.io.InputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
        m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(in, Map.class);
      }
      Object written = m.get("table_written");
      String current = TableSource.current(spark, provider, quoted, false);
      if (written instanceof Map<?, ?> w && w.get("name") instanceof String n
          && TableSource.qualified(spark, TableSource.parts(spark, n, "--out-table")).equals(full)
          && current != null && current.equals(w.get("version"))) {
        return;
      }
      why = "its current version, " + current + ", is not the one the run's summary " + summary + " records"
          + " writing to this table (" + (written instanceof Map<?, ?> w ? w.get("version") + " of " + w.get("name")
          : "none") + "): something else changed or made it";
    } catch (Exception e) { // a missing or unreadable summary: nothing shows the table is the run's own
      why = "the run's summary " + summary + ", which records the version the run wrote, cannot be read ("
          + CauseText.of(e) + ")";
    }
    throw new JobInputException("--out-table " + name + " was written by a score run, but " + why + "; it is"
        + " not replaced even with --overwrite: name another table, or drop this one yourself if it is yours to"
        + " drop");
  }

  /** Whether two locations are one folder ({@code file:/a/b} and {@code /a/b/} are). */
  static boolean sameLocation(String a, String b) {
    return strip(a).equals(strip(b));
  }

  private static String strip(String location) {
    String l = location.replaceFirst("^file:(//)?", "");
    return l.endsWith("/") ? l.substring(0, l.length() - 1) : l;
  }
}
