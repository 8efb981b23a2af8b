package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.spark.ExecutorSamplersProbe;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Every way a pool can hold its features (array of float or double, ML vector, one column per
 * feature; Parquet, CSV, JSON) gives the same scores; images with --input-shape; samples output;
 * the joint heuristics; one model load per executor JVM.
 */
class FeatureFormatsTest {
  static SparkSession spark;
  @TempDir static Path dir;
  static Path model;
  static float[][] x;
  static Map<String, Row> reference;
  static int runs;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    model = Fixtures.save(Networks.tabularMlp(21), dir, "mlp.zip");
    x = Fixtures.features(22, 30, 12);
    Path pool = Fixtures.parquetPool(spark, dir, "pool", x, 2);
    reference = scores(run(pool, "parquet"));
  }

  static Path run(Path pool, String format, String... extra) throws Exception {
    Path out = dir.resolve("out-" + (runs++));
    List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--pool", pool.toString(), "--out",
        out.toString(), "--format", format, "--iterations", "8", "--seed", "3", "--top-k", "4"));
    args.addAll(List.of(extra));
    ScoreJob.run(spark, Cli.settings(args.toArray(new String[0])));
    return out;
  }

  static Map<String, Row> scores(Path out) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("scores").toString()).collectAsList()) {
      m.put(String.valueOf(r.get(0)), r);
    }
    return m;
  }

  static void assertSameScores(Map<String, Row> other, String what) {
    assertEquals(reference.keySet(), other.keySet(), what);
    for (String id : reference.keySet()) {
      Row a = reference.get(id), b = other.get(id);
      for (String c : PosteriorScorer.SCORES) {
        assertEquals(a.getDouble(a.fieldIndex(c)), b.getDouble(b.fieldIndex(c)), 1e-6, what + ": " + c + " of " + id);
      }
    }
  }

  private static Dataset<Row> frame(List<StructField> fields, java.util.function.IntFunction<Object[]> row) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      rows.add(RowFactory.create(row.apply(i)));
    }
    return spark.createDataFrame(rows, DataTypes.createStructType(fields));
  }

  @Test
  void doubleArraysVectorsAndColumnsGiveTheSameScores() throws Exception {
    Dataset<Row> doubles = frame(List.of(DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.DoubleType), false)), i -> {
          Double[] d = new Double[12];
          for (int j = 0; j < 12; j++) {
            d[j] = (double) x[i][j];
          }
          return new Object[] {"ex-" + i, d};
        });
    Path p1 = dir.resolve("doubles");
    doubles.write().parquet(p1.toString());
    assertSameScores(scores(run(p1, "parquet")), "array<double>");

    Dataset<Row> vectors = frame(List.of(DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("vec", SQLDataTypes.VectorType(), false)), i -> {
          double[] d = new double[12];
          for (int j = 0; j < 12; j++) {
            d[j] = x[i][j];
          }
          return new Object[] {"ex-" + i, Vectors.dense(d)};
        });
    Path p2 = dir.resolve("vectors");
    vectors.write().parquet(p2.toString());
    assertSameScores(scores(run(p2, "parquet", "--features-col", "vec")), "ML vector");

    List<StructField> cols = new ArrayList<>(List.of(DataTypes.createStructField("id", DataTypes.StringType, false)));
    StringBuilder names = new StringBuilder();
    for (int j = 0; j < 12; j++) {
      cols.add(DataTypes.createStructField("f" + j, DataTypes.DoubleType, false));
      names.append(j == 0 ? "" : ",").append("f").append(j);
    }
    Dataset<Row> wide = frame(cols, i -> {
      Object[] o = new Object[13];
      o[0] = "ex-" + i;
      for (int j = 0; j < 12; j++) {
        o[j + 1] = (double) x[i][j];
      }
      return o;
    });
    Path p3 = dir.resolve("csv");
    wide.coalesce(1).write().option("header", "true").csv(p3.toString());
    assertSameScores(scores(run(p3, "csv", "--feature-cols", names.toString())), "CSV columns");
    Path p4 = dir.resolve("json");
    doubles.write().json(p4.toString());
    assertSameScores(scores(run(p4, "json")), "JSON arrays");
  }

  @Test
  void imagesWithInputShapeAndSamplesOutput() throws Exception {
    Path cnnModel = Fixtures.save(Networks.smallCnn(5), dir, "cnn.zip");
    float[][] imgs = Fixtures.features(6, 12, 64);
    Path pool = Fixtures.parquetPool(spark, dir, "images", imgs, 2);
    Path out = dir.resolve("cnn-out");
    ScoreJob.run(spark, Cli.settings("--model", cnnModel.toString(), "--pool", pool.toString(), "--out", out.toString(),
        "--input-shape", "1,8,8", "--iterations", "6", "--write-samples", "--iteration-shards", "2", "--top-k", "2"));
    List<Row> rows = spark.read().parquet(out.resolve("scores").toString()).collectAsList();
    assertEquals(12, rows.size());
    Row r = rows.get(0);
    List<scala.collection.Seq<Float>> samples = r.getList(r.fieldIndex("samples"));
    assertEquals(3, samples.size(), "[outputs][iterations]");
    assertEquals(6, samples.get(0).size());
    double sum = 0;
    for (scala.collection.Seq<Float> o : samples) {
      sum += o.apply(0);
    }
    assertEquals(1.0, sum, 1e-5, "softmax samples of one iteration sum to 1");
  }

  @Test
  void modelIsDeserialisedOncePerExecutorJvm() throws Exception {
    int before = ExecutorSamplersProbe.modelLoads();
    Path pool = Fixtures.parquetPool(spark, dir, "many-partitions", x, 6);
    run(pool, "parquet", "--seed", "77");
    run(pool, "parquet", "--seed", "77", "--top-k", "5");
    assertEquals(1, ExecutorSamplersProbe.modelLoads() - before, "one load for 2 runs x 6 partitions in one JVM");
  }

  @Test
  void batchBaldAndEpigPickFromTheirCandidates() throws Exception {
    Path pool = Fixtures.parquetPool(spark, dir, "joint-pool", x, 2);
    Path out = run(pool, "parquet", "--heuristic", "batch_bald", "--candidates", "12", "--top-k", "4");
    List<Row> top = spark.read().parquet(out.resolve("top_k").toString()).orderBy("rank").collectAsList();
    assertEquals(4, top.size());
    List<String> balds = new ArrayList<>();
    for (Row r : spark.read().parquet(out.resolve("scores").toString())
        .orderBy(org.apache.spark.sql.functions.col("bald").desc(), org.apache.spark.sql.functions.col("id").asc())
        .limit(12).collectAsList()) {
      balds.add(r.getString(0));
    }
    for (Row r : top) {
      assertTrue(balds.contains(r.getString(r.fieldIndex("id"))), "picked among the 12 BALD candidates");
      assertEquals("batch_bald", r.getString(r.fieldIndex("heuristic")));
    }
    // BatchBALD with k = 1 picks the BALD argmax (with consistent masks in the main pass too, the
    // candidates' BALD is computed on the same samples the joint selection sees).
    Path one = run(pool, "parquet", "--heuristic", "batch_bald", "--candidates", "12", "--top-k", "1", "--mode",
        "consistent");
    String argmax = spark.read().parquet(one.resolve("scores").toString())
        .orderBy(org.apache.spark.sql.functions.col("bald").desc()).first().getString(0);
    assertEquals(argmax, spark.read().parquet(one.resolve("top_k").toString()).first().getString(1));

    Path target = Fixtures.parquetPool(spark, dir, "target", Fixtures.features(23, 10, 12), 1);
    Path epig = run(pool, "parquet", "--heuristic", "epig", "--target", target.toString(), "--candidates", "10",
        "--top-k", "3");
    List<Row> et = spark.read().parquet(epig.resolve("top_k").toString()).orderBy("rank").collectAsList();
    assertEquals(3, et.size());
    assertArrayEquals(new int[] {1, 2, 3}, et.stream().mapToInt(r -> r.getInt(r.fieldIndex("rank"))).toArray());
  }

  @Test
  void singleSigmoidOutputIsScoredAsTwoClasses() throws Exception {
    // The DropConnect reference: Conv2d(3->8, 10x10) -> ReLU -> Linear(8->1) -> sigmoid, MC DropConnect p = 0.9.
    org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = ReferenceNetworks.referenceDropConnectCnn(4);
    Path m = Fixtures.save(net, dir, "sigmoid.zip");
    Path pool = Fixtures.parquetPool(spark, dir, "sigmoid-pool", Fixtures.features(9, 10, 300), 1);
    Path out = dir.resolve("sigmoid-out");
    ScoreJob.run(spark, Cli.settings("--model", m.toString(), "--pool", pool.toString(), "--out", out.toString(),
        "--input-shape", "3,10,10", "--dropconnect", "0.9", "--iterations", "50", "--top-k", "3"));
    List<Row> rows = spark.read().parquet(out.resolve("scores").toString()).collectAsList();
    assertEquals(10, rows.size());
    for (Row r : rows) {
      List<Double> p = r.getList(r.fieldIndex("probabilities"));
      assertEquals(2, p.size(), "two classes: 1 - p and p");
      assertEquals(1.0, p.get(0) + p.get(1), 1e-6);
      assertTrue(r.getDouble(r.fieldIndex("bald")) >= 0);
    }
  }

  @Test
  void computationGraphModelsAreScoredToo() throws Exception {
    var graph = Networks.mergeGraph(8);
    Path m = dir.resolve("graph.zip");
    org.mcposterior.models.Network.of(graph).save(m);
    Path pool = Fixtures.parquetPool(spark, dir, "graph-pool", x, 2);
    Path out = dir.resolve("graph-out");
    ScoreJob.run(spark, Cli.settings("--model", m.toString(), "--pool", pool.toString(), "--out", out.toString(),
        "--iterations", "8", "--top-k", "3"));
    List<Row> rows = spark.read().parquet(out.resolve("scores").toString()).collectAsList();
    assertEquals(x.length, rows.size());
    assertTrue(rows.stream().anyMatch(r -> r.getDouble(r.fieldIndex("bald")) > 0), "MC dropout varies the graph's output");
  }

  @Test
  void numericIdsKeepTheirTypeAndKeyTheSameMasksAsTheirText() throws Exception {
    Dataset<Row> longs = frame(List.of(DataTypes.createStructField("id", DataTypes.LongType, false),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType), false)), i -> {
          Float[] f = new Float[12];
          for (int j = 0; j < 12; j++) {
            f[j] = x[i][j];
          }
          return new Object[] {(long) i, f};
        });
    Path p = dir.resolve("long-ids");
    longs.write().parquet(p.toString());
    Path out = run(p, "parquet");
    Dataset<Row> scores = spark.read().parquet(out.resolve("scores").toString());
    assertEquals(DataTypes.LongType, scores.schema().apply("id").dataType(), "the id column keeps its type");
    // ids 0..29 as longs key the same masks as the strings "0".."29" would: compare with a string-id run.
    Dataset<Row> strings = longs.selectExpr("cast(id as string) as id", "features");
    Path ps = dir.resolve("string-ids");
    strings.write().parquet(ps.toString());
    Map<String, Row> s1 = scores(out), s2 = scores(run(ps, "parquet"));
    for (String id : s1.keySet()) {
      assertEquals(s2.get(id).getDouble(s2.get(id).fieldIndex("bald")), s1.get(id).getDouble(s1.get(id).fieldIndex("bald")),
          1e-6, "id " + id);
    }
  }
}
