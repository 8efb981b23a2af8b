package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.Main;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Bad input through the command line: each case exits non-zero with a message naming the value,
 * what was expected and the fix, and writes nothing to --out.
 */
class JobBadInputTest {
  static SparkSession spark;
  @TempDir static Path dir;
  static Path model;
  static Path pool;
  static int n;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    model = Fixtures.save(Networks.tabularMlp(3), dir, "mlp.zip");
    pool = Fixtures.parquetPool(spark, dir, "pool", Fixtures.features(1, 40, 12), 2);
  }

  /** Runs score with these arguments (plus --model/--pool/--out unless given) and checks the failure. */
  static String refused(String[] args, String... mentions) {
    Path out = dir.resolve("out-" + (n++));
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--model")) {
      all.addAll(List.of("--model", model.toString()));
    }
    if (!all.contains("--pool")) {
      all.addAll(List.of("--pool", pool.toString()));
    }
    all.addAll(List.of("--out", out.toString()));
    all.add(0, "score");
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), all.toArray(new String[0]));
    String msg = err.toString();
    assertNotEquals(0, code, "must fail: " + all);
    for (String m : mentions) {
      assertTrue(msg.contains(m), "message should mention '" + m + "': " + msg);
    }
    assertFalse(Files.exists(out), "nothing written to --out for " + all);
    assertEquals(1, msg.strip().split("\n").length, "one paragraph: " + msg);
    return msg;
  }

  static Path writePool(String name, StructType schema, List<Row> rows) {
    Path p = dir.resolve(name);
    spark.createDataFrame(rows, schema).write().parquet(p.toString());
    return p;
  }

  static Float[] f(int len, float v) {
    Float[] a = new Float[len];
    java.util.Arrays.fill(a, v);
    return a;
  }

  static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, true), true)));

  @Test
  void missingOrMisnamedColumns() {
    refused(new String[] {"--id-col", "key"}, "no column 'key'", "--id-col", "[id, features]");
    refused(new String[] {"--features-col", "pixels"}, "no column 'pixels'", "--features-col");
    refused(new String[] {"--feature-cols", "a,b"}, "no column 'a'");
  }

  @Test
  void wrongFeatureLengthOrModelInputSize() throws Exception {
    Path wide = Fixtures.parquetPool(spark, dir, "wide", Fixtures.features(2, 5, 20), 1);
    refused(new String[] {"--pool", wide.toString()}, "5 row(s)", "length other than the model's 12", "ex-0");
  }

  @Test
  void wrongType() {
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("features", DataTypes.StringType, true)));
    Path p = writePool("strings", schema, List.of(RowFactory.create("a", "1,2,3")));
    refused(new String[] {"--pool", p.toString()}, "type string", "array<float>");
  }

  @Test
  void nullOrNaNFeaturesFailOrAreSkipped() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(RowFactory.create("r" + i, f(12, 0.5f)));
    }
    rows.add(RowFactory.create("bad-nan", f(12, Float.NaN)));
    rows.add(RowFactory.create("bad-null", null));
    Path p = writePool("nan", SCHEMA, rows);
    refused(new String[] {"--pool", p.toString()}, "2 row(s) with null, NaN or infinite features", "bad-nan",
        "bad-null", "--on-invalid skip");
    Path out = dir.resolve("skipped");
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "score", "--model",
        model.toString(), "--pool", p.toString(), "--out", out.toString(), "--on-invalid", "skip", "--top-k", "3");
    assertEquals(0, code);
    assertEquals(10, spark.read().parquet(out.resolve("scores").toString()).count());
    String summary = Files.readString(out.resolve("summary.json"));
    assertTrue(summary.contains("\"skipped_invalid\" : 2"), summary);
  }

  @Test
  void duplicateAndNullIds() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(RowFactory.create(i < 3 ? "dup" : "u" + i, f(12, 0.1f)));
    }
    refused(new String[] {"--pool", writePool("dups", SCHEMA, rows).toString()}, "1 duplicated id(s)", "dup (3 times)");
    List<Row> nulls = new ArrayList<>(List.of(RowFactory.create(null, f(12, 0.1f)), RowFactory.create("x", f(12, 0.1f))));
    refused(new String[] {"--pool", writePool("nullids", SCHEMA, nulls).toString()}, "1 row(s) with a null id");
  }

  @Test
  void emptyPool() {
    refused(new String[] {"--pool", writePool("empty", SCHEMA, List.of()).toString()}, "is empty");
  }

  @Test
  void missingOrCorruptModel() throws Exception {
    refused(new String[] {"--model", dir.resolve("nope.zip").toString()}, "nope.zip", "does not exist");
    Path junk = dir.resolve("junk.zip");
    Files.writeString(junk, "garbage");
    refused(new String[] {"--model", junk.toString()}, "junk.zip", "not a zip");
  }

  @Test
  void badNumbers() {
    refused(new String[] {"--iterations", "0"}, "--iterations = 0");
    refused(new String[] {"--top-k", "0"}, "--top-k = 0");
    refused(new String[] {"--heuristic", "magic"}, "magic", "bald");
    refused(new String[] {"--dropout", "1.5"}, "--dropout = 1.5");
  }

  @Test
  void existingOutputIsRefusedAndAFailedOverwriteKeepsIt() throws Exception {
    Path out = dir.resolve("kept");
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "score", "--model",
        model.toString(), "--pool", pool.toString(), "--out", out.toString(), "--top-k", "3");
    assertEquals(0, code);
    String before = Files.readString(out.resolve("summary.json"));
    StringWriter err = new StringWriter();
    code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "score", "--model", model.toString(),
        "--pool", pool.toString(), "--out", out.toString());
    assertNotEquals(0, code);
    assertTrue(err.toString().contains("already exists") && err.toString().contains("--overwrite"), err.toString());
    // --overwrite with a run that fails after work started (bad heuristic target): previous output intact.
    Path bad = writePool("bad-for-overwrite", SCHEMA, List.of(RowFactory.create("a", f(12, Float.NaN))));
    code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "score", "--model",
        model.toString(), "--pool", bad.toString(), "--out", out.toString(), "--overwrite");
    assertNotEquals(0, code);
    assertEquals(before, Files.readString(out.resolve("summary.json")), "previous output intact");
    // and a successful --overwrite replaces it
    code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "score", "--model",
        model.toString(), "--pool", pool.toString(), "--out", out.toString(), "--overwrite", "--seed", "9", "--top-k", "3");
    assertEquals(0, code);
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"seed\" : 9"));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-") || p.getFileName().toString().contains(".old-")));
    }
  }
}
