package org.mcposterior.jobs.learn;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.jobs.testsupport.SharedSpark;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.score.Fixtures;
import org.mcposterior.jobs.score.ScoreJob;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.learning.StepScorer;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.testsupport.Networks;

/**
 * A learning step's query through the API in memory picks what the {@code score} job writes: for
 * one step, the pool positions {@link ApiStepScorer} returns (network as an object, the unlabelled
 * pool a DataFrame of {@link InMemoryPool}) equal the ids of the job's {@code top_k}, in rank
 * order, for the same model (saved as a zip), pool (the same rows written as Parquet), seed and
 * settings: a per-example heuristic (BALD's ordered take) and a joint one (BatchBALD's candidates
 * resampled), the latter with MC DropConnect as {@code learn --posterior dropconnect} samples. Spark local mode, a small real DL4J network.
 */
class InMemoryQueryTest {
  static final int POOL = 160, QUERY = 7;
  static SparkSession spark;
  @TempDir static Path dir;
  static MultiLayerNetwork net;
  static Path model;
  static InMemoryPool pool;
  static int[] unlabelled;
  static Path parquet;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    net = Networks.tabularMlp(3);
    model = Fixtures.save(net, dir, "step.zip");
    pool = InMemoryPool.of(spark, Fixtures.features(17, POOL, 12));
    unlabelled = IntStream.range(0, POOL).filter(p -> p % 5 != 2).toArray(); // every fifth labelled already
    parquet = dir.resolve("unlabelled");
    pool.frame(unlabelled).write().parquet(parquet.toString());
  }

  @AfterAll
  static void tearDown() {
    pool.close();
  }

  /** The job's top_k ids, in rank order, as pool positions. */
  static int[] jobPicks(ScorerSettings settings, String name) throws Exception {
    Path out = dir.resolve(name);
    ScoreJob.run(spark, ScoreSettings.builder().model(model.toString()).pool(parquet.toString()).out(out.toString())
        .topK(QUERY).scorer(settings).build());
    List<Row> top = spark.read().parquet(out.resolve("top_k").toString()).orderBy(col("rank")).select(col("id"))
        .collectAsList();
    return top.stream().mapToInt(r -> InMemoryPool.position(r.getString(0))).toArray();
  }

  void check(ScorerSettings settings, String name) throws Exception {
    long querySeed = settings.seed();
    StepScorer<MultiLayerNetwork> scorer = pool.scorer(seed -> settings.toBuilder().seed(seed).build());
    int[] api = scorer.pick(net, unlabelled, QUERY, querySeed);
    int[] job = jobPicks(settings, name);
    assertEquals(QUERY, job.length);
    assertArrayEquals(job, api, settings.heuristic() + ": the API's picks in memory = the job's top_k");
  }

  @Test
  void bald() throws Exception {
    check(ScorerSettings.builder().iterations(10).seed(41).heuristic("bald").build(), "bald");
  }

  @Test
  void batchBaldWithDropConnectFromItsCandidates() throws Exception {
    check(ScorerSettings.builder().iterations(10).seed(42).heuristic("batch_bald").candidates(30)
        .dropConnect(0.3, List.of("Linear")).build(), "batch-bald");
  }
}
