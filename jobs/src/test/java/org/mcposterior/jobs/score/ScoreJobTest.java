package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.heuristics.Reduction;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.mcposterior.jobs.testsupport.SharedSpark;

/** The scoring job in Spark local mode: outputs, agreement with the core, invariance to the work grid. */
class ScoreJobTest {
  static SparkSession spark;
  @TempDir static Path dir;
  static Path model;
  static Path pool;
  static float[][] x;
  static MultiLayerNetwork net;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    net = Networks.tabularMlp(7);
    model = Fixtures.save(net, dir, "mlp.zip");
    x = Fixtures.features(11, 150, 12);
    pool = Fixtures.parquetPool(spark, dir, "pool", x, 3);
  }

  static int runs;

  static Path score(String... extra) throws Exception {
    Path out = dir.resolve("out-" + (runs++));
    String[] base = {"--model", model.toString(), "--pool", pool.toString(), "--out", out.toString(), "--iterations", "10",
        "--seed", "5", "--top-k", "7"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    ScoreSettings s = Cli.settings(args);
    ScoreJob.run(spark, s);
    return out;
  }

  static Map<String, Row> scores(Path out) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("scores").toString()).collectAsList()) {
      m.put(r.getString(0), r);
    }
    return m;
  }

  /** A pool in a folder whose name has a space (Spark names its files percent-encoded: "a%20b"). */
  @Test
  void aPoolInAFolderWithASpace() throws Exception {
    Path spaced = Files.createDirectories(dir.resolve("my pools"));
    Path p = Fixtures.parquetPool(spark, spaced, "pool one", x, 2);
    Path out = dir.resolve("out-spaced");
    ScoreJob.run(spark, Cli.settings("--model", model.toString(), "--pool", p.toString(), "--out", out.toString(),
        "--iterations", "4", "--seed", "5", "--top-k", "3"));
    assertEquals(150, scores(out).size());
  }

  /** The API's reader checks the manifest first: an output that lost or gained a file is refused, never read. */
  @Test
  void theApiReadsOnlyAnOutputExactlyAsItsRunWroteIt() throws Exception {
    Path out = score();
    org.mcposterior.spark.ScoredOutput o = org.mcposterior.spark.ScoredOutput.read(spark, out.toString());
    assertEquals(150, o.scores().count());
    assertEquals(7, o.topK().count());
    assertEquals(new ObjectMapper().readTree(out.resolve("manifest.json").toFile()).get("run").asText(), o.runId());

    Files.writeString(out.resolve("top_k/notes.txt"), "mine");
    var added = org.junit.jupiter.api.Assertions.assertThrows(org.mcposterior.spark.InvalidInputException.class,
        () -> org.mcposterior.spark.ScoredOutput.read(spark, out.toString()));
    assertTrue(added.getMessage().contains("top_k/notes.txt, which the run did not write"), added.getMessage());
    Files.delete(out.resolve("top_k/notes.txt"));
    try (var parts = Files.list(out.resolve("scores"))) {
      Files.delete(parts.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow());
    }
    var lost = org.junit.jupiter.api.Assertions.assertThrows(org.mcposterior.spark.InvalidInputException.class,
        () -> org.mcposterior.spark.ScoredOutput.read(spark, out.toString()));
    assertTrue(lost.getMessage().contains("is missing"), lost.getMessage());
  }

  @Test
  void writesScoresTopKAndSummary() throws Exception {
    Path out = score();
    Map<String, Row> s = scores(out);
    assertEquals(150, s.size());
    List<Row> top = spark.read().parquet(out.resolve("top_k").toString()).orderBy("rank").collectAsList();
    assertEquals(7, top.size());
    // The top-k are the 7 highest BALD scores, ties by id.
    List<Row> expected = spark.read().parquet(out.resolve("scores").toString())
        .orderBy(org.apache.spark.sql.functions.col("bald").desc(), org.apache.spark.sql.functions.col("id").asc())
        .limit(7).collectAsList();
    for (int i = 0; i < 7; i++) {
      assertEquals(i + 1, top.get(i).getInt(top.get(i).fieldIndex("rank")));
      assertEquals(expected.get(i).getString(0), top.get(i).getString(top.get(i).fieldIndex("id")));
    }
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("succeeded", summary.get("status").asText());
    assertEquals(150, summary.get("counts").get("scored").asLong());
    assertEquals(5, summary.get("seed").asLong());
    assertEquals(org.mcposterior.models.Network.of(net).fingerprint(), summary.get("model_fingerprint").asText());
    assertTrue(summary.get("example_iterations_per_second").asDouble() > 0);
    assertEquals(10, summary.get("settings").get("iterations").asInt());
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary output left");
    }
  }

  @Test
  void scoresEqualTheInProcessCoreSampler() throws Exception {
    Map<String, Row> job = scores(score());
    long[] keys = new long[x.length];
    float[] flat = new float[x.length * 12];
    for (int i = 0; i < x.length; i++) {
      keys[i] = KeyedRandom.exampleKey("ex-" + i);
      System.arraycopy(x[i], 0, flat, i * 12, 12);
    }
    INDArray input = Nd4j.create(flat, new long[] {x.length, 12}, 'c');
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults().withSeed(5))) {
      Samples samples = s.predictOnBatch(input, keys, 10);
      PosteriorScores ps = PosteriorScores.of(MomentsBatch.of(samples, Probabilities.AUTO), Reduction.MEAN);
      for (int i = 0; i < x.length; i++) {
        Row r = job.get("ex-" + i);
        assertEquals(ps.bald(i), r.getDouble(r.fieldIndex("bald")), 1e-6, "bald of ex-" + i);
        assertEquals(ps.entropy(i), r.getDouble(r.fieldIndex("entropy")), 1e-6);
        assertEquals(ps.variance(i), r.getDouble(r.fieldIndex("variance")), 1e-6);
        assertEquals(ps.margin(i), r.getDouble(r.fieldIndex("margin")), 1e-6);
        assertEquals(ps.certainty(i), r.getDouble(r.fieldIndex("certainty")), 1e-6);
        assertEquals(ps.predictedClass(i), r.getInt(r.fieldIndex("predicted_class")));
      }
    }
  }

  @Test
  void sameScoresWhateverThePartitionsAndShardsAndBitwiseOnRerun() throws Exception {
    Map<String, Row> reference = scores(score("--partitions", "1", "--iteration-shards", "1"));
    for (String[] grid : new String[][] {{"3", "1"}, {"7", "1"}, {"1", "2"}, {"3", "5"}, {"7", "2"}}) {
      Map<String, Row> other = scores(score("--partitions", grid[0], "--iteration-shards", grid[1]));
      assertEquals(reference.keySet(), other.keySet());
      for (String id : reference.keySet()) {
        for (String c : PosteriorScorer.SCORES) {
          Row a = reference.get(id), b = other.get(id);
          assertEquals(a.getDouble(a.fieldIndex(c)), b.getDouble(b.fieldIndex(c)), 1e-6,
              c + " of " + id + " with partitions/shards " + grid[0] + "/" + grid[1]);
        }
      }
    }
    Map<String, Row> again = scores(score("--partitions", "3", "--iteration-shards", "5"));
    Map<String, Row> again2 = scores(score("--partitions", "3", "--iteration-shards", "5"));
    assertEquals(again, again2, "a rerun with identical settings is bitwise equal");
  }
}
