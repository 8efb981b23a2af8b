package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.testsupport.SharedSpark;
import org.mcposterior.testsupport.Networks;

/**
 * Pools kept as tables, read by {@code score} as users keep them: a Delta Lake table by its folder
 * and by its catalog name, an Apache Iceberg table in a Hadoop catalog by name and by folder, and a
 * plain Parquet table of Spark's session catalog ({@code --format table}); each at its current
 * version and at an earlier one, with the version read recorded in the summary's settings. The
 * scores of a table pool equal those of the same rows as a Parquet folder, and a Delta folder that
 * also holds the files an overwrite removed is not misread: as Parquet it is refused, as Delta it
 * gives the current rows only.
 */
class TableInputTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static Path model;
  static float[][] x;

  /** The session's catalogs: Delta's in the session catalog, an Iceberg Hadoop catalog "lake" in a temporary folder. */
  static SparkSession tableSession(Path dir) {
    return SharedSpark.session(Map.of(
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.lake.type", "hadoop",
        "spark.sql.catalog.lake.warehouse", dir.resolve("lake").toUri().toString(),
        // Iceberg reads a table by path through this catalog; it is a Hive one unless configured.
        "spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.default_iceberg.type", "hadoop",
        "spark.sql.catalog.default_iceberg.warehouse", dir.resolve("default-iceberg").toUri().toString()));
  }

  @BeforeAll
  static void setUp() throws Exception {
    spark = tableSession(dir);
    spark.sql("CREATE DATABASE IF NOT EXISTS pools LOCATION '" + dir.resolve("pools-db").toUri() + "'");
    model = Fixtures.save(Networks.tabularMlp(7), dir, "mlp.zip");
    x = Fixtures.features(11, 80, 12);
  }

  static Map<String, Object> score(String... args) throws Exception {
    return ScoreJob.run(spark, Cli.settings(args));
  }

  static String[] args(String format, String pool, Path out, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("--model", model.toString(), "--pool", pool, "--format",
        format, "--out", out.toString(), "--iterations", "20", "--top-k", "5", "--seed", "3"));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  /** id -> BALD score of a run's scores folder. */
  static Map<String, Double> scores(Path out) {
    Map<String, Double> m = new TreeMap<>();
    for (Row r : spark.read().parquet(out.resolve("scores").toString()).select("id", "bald").collectAsList()) {
      m.put(r.getString(0), r.getDouble(1));
    }
    return m;
  }

  static Set<String> ids(int from, int to) {
    Set<String> s = new TreeSet<>();
    for (int i = from; i < to; i++) {
      s.add("ex-" + i);
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> block(Map<String, Object> summary, String key) {
    return (Map<String, Object>) summary.get(key);
  }

  @Test
  void aDeltaFolderIsReadAtItsCurrentVersionOrAGivenOneAndNotAsItsRawFiles() throws Exception {
    Path table = dir.resolve("delta-pool");
    Fixtures.frame(spark, x, 0, 40).write().format("delta").save(table.toString());
    Fixtures.frame(spark, x, 40, 70).write().format("delta").mode("overwrite").save(table.toString());

    // Its folder holds the files of both versions: read as Parquet, it would be 70 rows; it is refused.
    JobInputException asParquet = assertThrows(JobInputException.class,
        () -> score(args("parquet", table.toString(), dir.resolve("never"))));
    assertTrue(asParquet.getMessage().contains("pass --format delta"), asParquet.getMessage());
    assertFalse(Files.exists(dir.resolve("never")));

    Map<String, Object> current = score(args("delta", table.toString(), dir.resolve("delta-current")));
    assertEquals(ids(40, 70), scores(dir.resolve("delta-current")).keySet(), "the current version's rows only");
    assertEquals("1", block(current, "settings").get("pool_version"), "the version read, for a rerun");
    assertEquals(Map.of("provider", "delta", "by", "path", "version", "1"), block(block(current, "tables_read"),
        "pool"));

    Map<String, Object> v0 = score(args("delta", table.toString(), dir.resolve("delta-v0"), "--pool-version", "0"));
    assertEquals(ids(0, 40), scores(dir.resolve("delta-v0")).keySet());
    // The summary's settings read back give the run's rows, as report reads them; and report runs on it.
    ScoreSettings back = ScoreSettings.fromMap(block(v0, "settings"));
    assertEquals(40, TableSource.read(spark, back.format(), back.pool(), back.poolVersion(), "--pool",
        "--pool-version").rows().count());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = org.mcposterior.jobs.Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "report",
        "--scores", dir.resolve("delta-v0").toString(), "--out", dir.resolve("delta-v0.html").toString());
    assertEquals(0, code, err.toString());
    assertTrue(Files.readString(dir.resolve("delta-v0.html")).contains("(40 examples)"), "the page's scores heading");

    // The same rows as a Parquet folder score the same: the table is only another way in.
    Path parquet = dir.resolve("rows-40-70.parquet");
    Fixtures.frame(spark, x, 40, 70).write().parquet(parquet.toString());
    score(args("parquet", parquet.toString(), dir.resolve("parquet-current")));
    assertClose(scores(dir.resolve("parquet-current")), scores(dir.resolve("delta-current")));

    JobInputException missing = assertThrows(JobInputException.class,
        () -> score(args("delta", table.toString(), dir.resolve("never"), "--pool-version", "9")));
    assertTrue(missing.getMessage().contains("--pool-version 9") && missing.getMessage().contains("DESCRIBE HISTORY"),
        missing.getMessage());
    assertFalse(Files.exists(dir.resolve("never")));
  }

  @Test
  void aDeltaCatalogTableIsReadByName() throws Exception {
    Fixtures.frame(spark, x, 0, 30).write().format("delta").saveAsTable("pools.delta_named");
    Fixtures.frame(spark, x, 30, 50).write().format("delta").mode("append").saveAsTable("pools.delta_named");
    Map<String, Object> byTable = score(args("table", "pools.delta_named", dir.resolve("delta-named")));
    assertEquals(ids(0, 50), scores(dir.resolve("delta-named")).keySet());
    assertEquals("1", block(byTable, "settings").get("pool_version"));
    assertEquals("pools.delta_named", block(byTable, "settings").get("pool"), "a table name is not made a path");
    score(args("delta", "pools.delta_named", dir.resolve("delta-named-v0"), "--pool-version", "0"));
    assertEquals(ids(0, 30), scores(dir.resolve("delta-named-v0")).keySet());
  }

  @Test
  void anIcebergTableIsReadByNameOrFolderAtASnapshot() throws Exception {
    spark.sql("CREATE TABLE lake.db.pool (id STRING, features ARRAY<FLOAT>) USING iceberg");
    Fixtures.frame(spark, x, 0, 25).writeTo("lake.db.pool").append();
    String first = Long.toString(spark.sql("SELECT snapshot_id FROM lake.db.pool.snapshots").first().getLong(0));
    Fixtures.frame(spark, x, 25, 45).writeTo("lake.db.pool").append();

    Map<String, Object> current = score(args("table", "lake.db.pool", dir.resolve("ice-current")));
    assertEquals(ids(0, 45), scores(dir.resolve("ice-current")).keySet());
    String latest = (String) block(current, "settings").get("pool_version");
    assertFalse(latest.equals(first), "the snapshot of the second append");
    assertEquals("iceberg", block(block(current, "tables_read"), "pool").get("provider"));

    score(args("iceberg", "lake.db.pool", dir.resolve("ice-first"), "--pool-version", first));
    assertEquals(ids(0, 25), scores(dir.resolve("ice-first")).keySet());
    Path folder = dir.resolve("lake").resolve("db").resolve("pool");
    Map<String, Object> byFolder = score(args("iceberg", folder.toString(), dir.resolve("ice-folder"),
        "--pool-version", first));
    assertEquals(ids(0, 25), scores(dir.resolve("ice-folder")).keySet());
    assertEquals(first, block(byFolder, "settings").get("pool_version"));
    assertClose(scores(dir.resolve("ice-first")), scores(dir.resolve("ice-folder")));
    // The same rows as a Parquet folder, given as --format iceberg: refused, and named.
    JobInputException parquetAsIceberg = assertThrows(JobInputException.class,
        () -> score(args("parquet", folder.toString(), dir.resolve("never"))));
    assertTrue(parquetAsIceberg.getMessage().contains("pass --format iceberg"), parquetAsIceberg.getMessage());
  }

  @Test
  void epigsTargetIsReadFromATableAtItsOwnVersion() throws Exception {
    Fixtures.frame(spark, x, 0, 30).write().format("delta").saveAsTable("pools.epig_pool");
    Fixtures.frame(spark, x, 50, 60).write().format("delta").saveAsTable("pools.epig_target");
    Fixtures.frame(spark, x, 60, 80).write().format("delta").mode("append").saveAsTable("pools.epig_target");
    Map<String, Object> s = score(args("table", "pools.epig_pool", dir.resolve("epig"), "--heuristic", "epig",
        "--target", "pools.epig_target", "--target-version", "0", "--top-k", "3"));
    assertEquals("0", block(s, "settings").get("target_version"));
    assertEquals("0", block(s, "settings").get("pool_version"));
    assertEquals(Map.of("provider", "delta", "by", "name", "version", "0"), block(block(s, "tables_read"), "target"));
    // The same rows as Parquet files (the target's version 0: 10 rows, not its current 30) pick the same examples.
    Path pool = dir.resolve("epig-pool.parquet");
    Path target = dir.resolve("epig-target.parquet");
    Fixtures.frame(spark, x, 0, 30).write().parquet(pool.toString());
    Fixtures.frame(spark, x, 50, 60).write().parquet(target.toString());
    score(args("parquet", pool.toString(), dir.resolve("epig-files"), "--heuristic", "epig", "--target",
        target.toString(), "--top-k", "3"));
    assertEquals(picks(dir.resolve("epig-files")), picks(dir.resolve("epig")));
  }

  /** The ids of a run's top-k, in rank order. */
  static List<String> picks(Path out) {
    return spark.read().parquet(out.resolve("top_k").toString()).orderBy("rank").select("id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void aPlainCatalogTableIsReadAsItIsAndHasNoVersions() throws Exception {
    Fixtures.frame(spark, x, 0, 20).write().format("parquet").saveAsTable("pools.plain");
    Map<String, Object> s = score(args("table", "pools.plain", dir.resolve("plain")));
    assertEquals(ids(0, 20), scores(dir.resolve("plain")).keySet());
    assertEquals(null, block(s, "settings").get("pool_version"));
    assertEquals("parquet", block(block(s, "tables_read"), "pool").get("provider"));
    JobInputException versioned = assertThrows(JobInputException.class,
        () -> score(args("table", "pools.plain", dir.resolve("never"), "--pool-version", "1")));
    assertTrue(versioned.getMessage().contains("keeps no versions"), versioned.getMessage());
  }

  @Test
  void aMisnamedTableOrAPathGivenAsATableNameIsOneParagraphBeforeAnyWork() throws Exception {
    JobInputException unknown = assertThrows(JobInputException.class,
        () -> score(args("table", "pools.no_such_table", dir.resolve("never"))));
    assertTrue(unknown.getMessage().startsWith("--pool pools.no_such_table cannot be found as a catalog table"),
        unknown.getMessage());
    JobInputException path = assertThrows(JobInputException.class,
        () -> score(args("table", dir.resolve("x").toString(), dir.resolve("never"))));
    assertTrue(path.getMessage().contains("--format table reads a catalog table by name"), path.getMessage());
    JobInputException notDelta = assertThrows(JobInputException.class,
        () -> score(args("delta", dir.resolve("no-such-folder").toString(), dir.resolve("never"))));
    assertTrue(notDelta.getMessage().contains("cannot be read as a delta table"), notDelta.getMessage());
    // A folder named without a / is a table name to Spark; the paragraph says how to name the folder.
    java.io.File cwdFolder = new java.io.File("delta-folder-in-cwd-" + ProcessHandle.current().pid());
    assertTrue(cwdFolder.mkdir());
    try {
      JobInputException bare = assertThrows(JobInputException.class,
          () -> score(args("delta", cwdFolder.getName(), dir.resolve("never"))));
      assertTrue(bare.getMessage().contains("pass ./" + cwdFolder.getName()), bare.getMessage());
    } finally {
      assertTrue(cwdFolder.delete());
    }
    JobSettingsException fileVersion = assertThrows(JobSettingsException.class,
        () -> Cli.settings(args("parquet", "p.parquet", dir.resolve("never"), "--pool-version", "3")));
    assertTrue(fileVersion.getMessage().contains("reads files, which have none"), fileVersion.getMessage());
    assertFalse(Files.exists(dir.resolve("never")));
  }

  static void assertClose(Map<String, Double> expected, Map<String, Double> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String id : expected.keySet()) {
      assertEquals(expected.get(id), actual.get(id), 1e-6, id);
    }
  }
}
