package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.testsupport.Networks;

/**
 * {@code --out-table}: the scores go to a Delta or Iceberg table in one commit, each row with its
 * pick's rank, beside the usual {@code --out} folder; an existing table is replaced only with
 * {@code --overwrite} and only if a score run wrote it, in one new version of the table; a user's
 * own table and the pool's own table are never written, and every refusal comes before any work.
 */
class TableOutputTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static Path model;
  static Path pool;

  @BeforeAll
  static void setUp() throws Exception {
    spark = TableInputTest.tableSession(dir);
    spark.sql("CREATE DATABASE IF NOT EXISTS results LOCATION '" + dir.resolve("results-db").toUri() + "'");
    model = Fixtures.save(Networks.tabularMlp(7), dir, "mlp.zip");
    pool = Fixtures.parquetPool(spark, dir, "pool", Fixtures.features(11, 60, 12), 2);
  }

  static String[] args(Path out, String table, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("--model", model.toString(), "--pool", pool.toString(),
        "--out", out.toString(), "--iterations", "20", "--top-k", "6", "--seed", "3", "--out-table", table));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  static Map<String, Object> score(String... args) throws Exception {
    return ScoreJob.run(spark, Cli.settings(args));
  }

  static Map<String, String> properties(String table) {
    Map<String, String> m = new HashMap<>();
    for (Row r : spark.sql("SHOW TBLPROPERTIES " + table).collectAsList()) {
      m.put(r.getString(0), r.getString(1));
    }
    return m;
  }

  /** The table's rows equal the run's scores folder, and its ranks equal the run's top_k folder. */
  static void assertHoldsTheRun(String table, Path out) {
    List<Row> rows = spark.table(table).select("id", "bald", ScoresTable.RANK).collectAsList();
    Map<String, Double> scores = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("scores").toString()).select("id", "bald").collectAsList()) {
      scores.put(r.getString(0), r.getDouble(1));
    }
    Map<String, Integer> ranks = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("top_k").toString()).select("id", "rank").collectAsList()) {
      ranks.put(r.getString(0), r.getInt(1));
    }
    assertEquals(scores.size(), rows.size());
    for (Row r : rows) {
      assertEquals(scores.get(r.getString(0)), r.getDouble(1), r.getString(0));
      assertEquals(ranks.get(r.getString(0)), r.isNullAt(2) ? null : r.getInt(2), r.getString(0));
    }
    assertEquals(6, rows.stream().filter(r -> !r.isNullAt(2)).count());
  }

  @Test
  void scoresGoToADeltaTableAndAreReplacedInOneCommitOnlyWithOverwrite() throws Exception {
    Map<String, Object> first = score(args(dir.resolve("run1"), "results.scores", "--out-table-format", "delta"));
    assertHoldsTheRun("results.scores", dir.resolve("run1"));
    Map<String, String> props = properties("results.scores");
    assertEquals(ScoresTable.WRITER, props.get(ScoresTable.OWNER));
    assertTrue(props.get("mcposterior.summary").endsWith("run1/summary.json"), props.toString());
    assertEquals(Map.of("name", "results.scores", "version", "0"), first.get("table_written"));

    // Again without --overwrite: refused before any work; the table and the new --out are untouched.
    JobInputException again = assertThrows(JobInputException.class,
        () -> score(args(dir.resolve("run2"), "results.scores", "--out-table-format", "delta")));
    assertTrue(again.getMessage().contains("exists; pass --overwrite"), again.getMessage());
    assertFalse(Files.exists(dir.resolve("run2")));
    assertEquals(1, spark.sql("DESCRIBE HISTORY results.scores").count());

    // With --overwrite and other settings: one new version; the old scores stay readable at version 0.
    Map<String, Object> second = score(args(dir.resolve("run2"), "results.scores", "--out-table-format", "delta",
        "--overwrite", "--seed", "4", "--heuristic", "entropy"));
    assertHoldsTheRun("results.scores", dir.resolve("run2"));
    assertEquals("1", ((Map<?, ?>) second.get("table_written")).get("version"));
    assertEquals(2, spark.sql("DESCRIBE HISTORY results.scores").count());
    assertEquals("entropy", properties("results.scores").get("mcposterior.heuristic"));
    assertEquals(60, spark.sql("SELECT * FROM results.scores VERSION AS OF 0").count());
  }

  @Test
  void aUsersOwnTableIsNeverReplacedNorThePoolsOwnTable() throws Exception {
    spark.sql("CREATE TABLE results.mine (id STRING, note STRING) USING delta");
    spark.sql("INSERT INTO results.mine VALUES ('a', 'keep me')");
    JobInputException mine = assertThrows(JobInputException.class,
        () -> score(args(dir.resolve("never"), "results.mine", "--overwrite")));
    assertTrue(mine.getMessage().contains("was not written by a score run"), mine.getMessage());
    assertEquals(List.of("keep me"), spark.table("results.mine").select("note").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(2, spark.sql("DESCRIBE HISTORY results.mine").count(), "no new version of the user's table");

    // A table a score run wrote, then changed by someone: its property alone does not make it the run's to replace.
    score(args(dir.resolve("changed-run"), "results.changed", "--out-table-format", "delta"));
    spark.sql("INSERT INTO results.changed (id, bald) VALUES ('added by hand', 0.5)");
    JobInputException changed = assertThrows(JobInputException.class,
        () -> score(args(dir.resolve("never"), "results.changed", "--out-table-format", "delta", "--overwrite")));
    assertTrue(changed.getMessage().contains("is not the one the run's summary"), changed.getMessage());
    assertEquals(61, spark.table("results.changed").count(), "the changed table is kept as it is");

    Fixtures.frame(spark, Fixtures.features(11, 30, 12), 0, 30).write().format("delta")
        .saveAsTable("results.pool_table");
    String[] own = {"--model", model.toString(), "--pool", "results.pool_table", "--format", "table", "--out",
        dir.resolve("never").toString(), "--iterations", "10", "--out-table", "results.pool_table", "--overwrite"};
    JobInputException intoPool = assertThrows(JobInputException.class, () -> score(own));
    assertTrue(intoPool.getMessage().contains("is the table the run reads"), intoPool.getMessage());
    // The same table by another spelling of its name is the same table.
    own[own.length - 2] = "spark_catalog.results.pool_table";
    assertThrows(JobInputException.class, () -> score(own));
    assertFalse(Files.exists(dir.resolve("never")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void scoresGoToAnIcebergTableAndItsSnapshotIsRecorded() throws Exception {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake.results");
    Map<String, Object>[] run = new Map[1];
    java.util.Set<String> phases = JobPhasesTest.phasesOf(JobPhasesTest.jobsOf(spark, () -> {
      try {
        run[0] = score(args(dir.resolve("ice-run"), "lake.results.scores"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }));
    assertTrue(phases.containsAll(List.of("validate", "sample", "top-k", "table")), phases.toString());
    Map<String, Object> s = run[0];
    assertHoldsTheRun("lake.results.scores", dir.resolve("ice-run"));
    String snapshot = (String) ((Map<?, ?>) s.get("table_written")).get("version");
    assertEquals(Long.toString(spark.sql("SELECT snapshot_id FROM lake.results.scores.snapshots").first().getLong(0)),
        snapshot);
    assertEquals(ScoresTable.WRITER, properties("lake.results.scores").get(ScoresTable.OWNER));

    JobInputException noNamespace = assertThrows(JobInputException.class,
        () -> score(args(dir.resolve("never"), "lake.nowhere.scores")));
    assertTrue(noNamespace.getMessage().contains("namespace nowhere does not exist"), noNamespace.getMessage());
    JobSettingsException path = assertThrows(JobSettingsException.class,
        () -> Cli.settings(args(dir.resolve("never"), dir.resolve("t").toString())));
    assertTrue(path.getMessage().contains("is a path"), path.getMessage());
    assertFalse(Files.exists(dir.resolve("never")));
  }
}
