package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.heuristics.MaskMismatchException;
import org.mcposterior.jobs.score.Fixtures;
import org.mcposterior.jobs.score.ScoreJob;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.randomness.MaskMode;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The scoring API in Spark local mode: equal to the {@code score} job for the same seed, lazy
 * until the caller acts, refusing bad input when {@code score} is called, and BatchBALD / EPIG
 * refusing samples of independent masks.
 */
class PosteriorScorerTest {
  static SparkSession spark;
  @TempDir static Path dir;
  static MultiLayerNetwork net;
  static Path model;
  static float[][] x;
  static Path poolFile;
  static Dataset<Row> pool;
  static Dataset<Row> pool3;
  static int runs;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    net = Networks.tabularMlp(7);
    model = Fixtures.save(net, dir, "mlp.zip");
    x = Fixtures.features(11, 150, 12);
    poolFile = Fixtures.parquetPool(spark, dir, "pool", x, 3);
    pool = frame(x, 0, x.length);
    // The Parquet copy's very partitions (the same round-robin of the same rows), so the sampler
    // sees the same batches: float GEMMs of other batch shapes round differently (about 1e-8),
    // which ScoreJobTest's partition-invariance test allows for at 1e-6.
    pool3 = pool.repartition(3);
  }

  /** An in-memory DataFrame of rows [from, to) of {@code x}, ids "ex-i" (as Fixtures.parquetPool). */
  static Dataset<Row> frame(float[][] x, int from, int to) {
    return Fixtures.frame(spark, x, from, to);
  }

  static ScorerSettingsBuilder settings() {
    return ScorerSettings.builder().iterations(10).seed(5);
  }

  /** Runs the score job on the Parquet copy of the pool; returns its --out. */
  static Path job(ScorerSettings s, int topK, Path target) throws Exception {
    Path out = dir.resolve("out-" + (runs++));
    ScoreSettings.Builder b = ScoreSettings.builder().model(model.toString()).pool(poolFile.toString())
        .out(out.toString()).topK(topK).scorer(s);
    if (target != null) {
      b.target(target.toString());
    }
    ScoreJob.run(spark, b.build());
    return out;
  }

  static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : rows) {
      m.put(r.getString(r.fieldIndex("id")), r);
    }
    return m;
  }

  @Test
  void aDataFrameGivesTheScoresOfTheScoreJobForTheSameSeed() throws Exception {
    for (int shards : new int[] {1, 3}) {
      ScorerSettings s = settings().iterationShards(shards).writeSamples(true).heuristic("power_bald").build();
      Dataset<Row> api = PosteriorScorer.of(net, s).score(pool3);
      Dataset<Row> written = spark.read().parquet(job(s, 7, null).resolve("scores").toString());
      assertArrayEquals(written.schema().fieldNames(), api.schema().fieldNames());
      Map<String, Row> a = byId(api.collectAsList());
      Map<String, Row> j = byId(written.collectAsList());
      assertEquals(150, a.size());
      assertEquals(j.keySet(), a.keySet());
      for (String id : j.keySet()) {
        Row p = a.get(id), q = j.get(id);
        String what = id + " with " + shards + " shard(s)";
        assertEquals(q.getInt(q.fieldIndex("predicted_class")), p.getInt(p.fieldIndex("predicted_class")), what);
        for (String c : PosteriorScorer.SCORES) {
          assertEquals(q.getDouble(q.fieldIndex(c)), p.getDouble(p.fieldIndex(c)), 1e-9, c + " of " + what);
        }
        assertEquals(q.getDouble(q.fieldIndex("priority")), p.getDouble(p.fieldIndex("priority")), 1e-9, what);
        List<Double> pp = p.getList(p.fieldIndex("probabilities"));
        List<Double> qp = q.getList(q.fieldIndex("probabilities"));
        assertEquals(qp.size(), pp.size());
        for (int c = 0; c < pp.size(); c++) {
          assertEquals(qp.get(c), pp.get(c), 1e-9, "probability " + c + " of " + what);
        }
        assertEquals(q.getList(q.fieldIndex("samples")).toString(), p.getList(p.fieldIndex("samples")).toString(),
            "samples of " + what);
      }
    }
  }

  /** Counts the jobs Spark starts; Spark's listener bus is asynchronous, so readers wait for it. */
  static final class JobCounter extends SparkListener {
    final AtomicInteger started = new AtomicInteger();

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      started.incrementAndGet();
    }

    int now() throws Exception {
      spark.sparkContext().listenerBus().waitUntilEmpty();
      return started.get();
    }
  }

  @Test
  void noSparkJobRunsAfterScoreReturnsUntilTheCallerActs() throws Exception {
    JobCounter jobs = new JobCounter();
    spark.sparkContext().addSparkListener(jobs);
    try {
      for (ScorerSettings s : List.of(settings().build(), settings().partitions(4).iterationShards(2).build())) {
        for (Dataset<Row> input : List.of(pool, spark.read().parquet(poolFile.toString()))) {
          PosteriorScorer scorer = PosteriorScorer.of(net, s);
          int before = jobs.now();
          Dataset<Row> scores = scorer.score(input);
          int validated = jobs.now();
          assertTrue(validated > before, "validation runs its aggregates inside score()");
          Dataset<Row> kept = scores.filter("bald >= 0").select("id", "bald", "priority");
          Thread.sleep(200);
          assertEquals(validated, jobs.now(), "no job between score() and an action (" + s + ")");
          assertEquals(150, kept.count());
          assertTrue(jobs.now() > validated, "the action runs the sampling");
        }
      }
    } finally {
      spark.sparkContext().removeSparkListener(jobs);
    }
  }

  @Test
  void badInputIsRefusedWhenScoreIsCalled() {
    PosteriorScorer scorer = PosteriorScorer.of(net, settings().build());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> scorer.score(pool.withColumnRenamed("features", "pixels")));
    assertTrue(e.getMessage().contains("no column 'features'") && e.getMessage().contains("pixels"), e.getMessage());

    float[][] short_ = Fixtures.features(3, 5, 11);
    e = assertThrows(InvalidInputException.class, () -> scorer.score(frame(short_, 0, 5)));
    assertTrue(e.getMessage().contains("length other than the model's 12"), e.getMessage());

    e = assertThrows(InvalidInputException.class, () -> scorer.score(pool.union(pool.limit(2))));
    assertTrue(e.getMessage().contains("duplicated id"), e.getMessage());

    float[][] nan = Fixtures.features(3, 5, 12);
    nan[2][4] = Float.NaN;
    e = assertThrows(InvalidInputException.class, () -> scorer.score(frame(nan, 0, 5)));
    assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("ex-2"), e.getMessage());
    assertEquals(4, PosteriorScorer.of(net, settings().skipInvalid(true).build()).score(frame(nan, 0, 5)).count(),
        "or skipped when asked");

    e = assertThrows(InvalidInputException.class, () -> scorer.score(pool.withColumn("id",
        org.apache.spark.sql.functions.lit(null).cast("string"))));
    assertTrue(e.getMessage().contains("null id"), e.getMessage());

    e = assertThrows(InvalidInputException.class, () -> PosteriorScorer.of(deterministicMlp(), settings().build()));
    assertTrue(e.getMessage().contains("no dropout") && e.getMessage().contains("--dropconnect"), e.getMessage());

    assertThrows(InvalidSettingsException.class, () -> settings().iterations(0).build());
    assertThrows(InvalidSettingsException.class, () -> settings().heuristic("bold").build());
  }

  static MultiLayerNetwork deterministicMlp() {
    MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
        .weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(12).nOut(8).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
            .activation(Activation.SOFTMAX).build())
        .build());
    m.init();
    return m;
  }

  static List<Row> rows(Path out, String name) {
    return spark.read().parquet(out.resolve(name).toString()).orderBy("rank").collectAsList();
  }

  static void assertSameTopK(List<Row> expected, List<Row> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i), a = actual.get(i);
      assertEquals(e.getInt(e.fieldIndex("rank")), a.getInt(a.fieldIndex("rank")));
      assertEquals(e.getString(e.fieldIndex("id")), a.getString(a.fieldIndex("id")), "rank " + (i + 1));
      assertEquals(e.getDouble(e.fieldIndex("priority")), a.getDouble(a.fieldIndex("priority")), 1e-9);
      assertEquals(e.getDouble(e.fieldIndex("bald")), a.getDouble(a.fieldIndex("bald")), 1e-9);
      assertEquals(e.getString(e.fieldIndex("heuristic")), a.getString(a.fieldIndex("heuristic")));
    }
  }

  @Test
  void topKBatchBaldAndEpigEqualTheScoreJobsTopK() throws Exception {
    ScorerSettings bald = settings().build();
    PosteriorScorer scorer = PosteriorScorer.of(net, bald);
    assertSameTopK(rows(job(bald, 7, null), "top_k"), scorer.topK(scorer.score(pool3), 7).collectAsList());

    ScorerSettings bb = settings().heuristic("batch_bald").candidates(12).build();
    PosteriorScorer b = PosteriorScorer.of(net, bb);
    assertSameTopK(rows(job(bb, 4, null), "top_k"), b.batchBald(pool3, b.score(pool3), 4).collectAsList());

    Path targetFile = Fixtures.parquetPool(spark, dir, "target", Fixtures.features(23, 20, 12), 1);
    ScorerSettings ep = settings().heuristic("epig").candidates(12).build();
    PosteriorScorer e = PosteriorScorer.of(net, ep);
    Dataset<Row> target = spark.read().parquet(targetFile.toString());
    assertSameTopK(rows(job(ep, 4, targetFile), "top_k"), e.epig(pool3, target, e.score(pool3), 4).collectAsList());
  }

  @Test
  void batchBaldAndEpigRefuseSamplesOfIndependentMasks() {
    PosteriorScorer scorer = PosteriorScorer.of(net, settings().candidates(12).build());
    ValidatedPool p = scorer.validate(pool, "pool", null);
    Dataset<Row> scores = scorer.score(p).scores();
    MaskMismatchException e = assertThrows(MaskMismatchException.class,
        () -> scorer.joint(p, null, scores, 4, MaskMode.INDEPENDENT, Heuristic.BATCH_BALD));
    assertTrue(e.getMessage().contains("BatchBALD pool") && e.getMessage().contains("independent"), e.getMessage());
    ValidatedPool t = scorer.validate(frame(Fixtures.features(23, 20, 12), 0, 20), "target", null);
    e = assertThrows(MaskMismatchException.class,
        () -> scorer.joint(p, t, scores, 4, MaskMode.INDEPENDENT, Heuristic.EPIG));
    assertTrue(e.getMessage().contains("EPIG") && e.getMessage().contains("independent"), e.getMessage());
  }

  @Test
  void selectingFromWrittenSamplesRefusesIndependentMasksAndMatchesResamplingUnderConsistentOnes() {
    PosteriorScorer independent = PosteriorScorer.of(net, settings().writeSamples(true).candidates(12).build());
    Dataset<Row> scores = independent.score(pool3).cache();
    Dataset<Row> target = independent.score(frame(Fixtures.features(23, 20, 12), 0, 20));
    MaskMismatchException e = assertThrows(MaskMismatchException.class,
        () -> independent.batchBaldFromSamples(scores, 4));
    assertTrue(e.getMessage().contains("independent masks"), e.getMessage());
    e = assertThrows(MaskMismatchException.class, () -> independent.epigFromSamples(scores, target, 4));
    assertTrue(e.getMessage().contains("independent masks"), e.getMessage());
    InvalidInputException none = assertThrows(InvalidInputException.class,
        () -> independent.batchBaldFromSamples(scores.drop("samples"), 4));
    assertTrue(none.getMessage().contains("writeSamples(true)"), none.getMessage());

    PosteriorScorer consistent = PosteriorScorer.of(net, settings().writeSamples(true).candidates(12)
        .maskMode(MaskMode.CONSISTENT).build());
    Dataset<Row> cs = consistent.score(pool3).cache();
    List<Row> fromSamples = consistent.batchBaldFromSamples(cs, 4).collectAsList();
    List<Row> resampled = consistent.batchBald(pool3, cs, 4).collectAsList();
    assertEquals(4, fromSamples.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(resampled.get(i).getString(1), fromSamples.get(i).getString(1), "pick " + (i + 1));
    }
  }
}
