package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.jobs.score.Fixtures;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The README's "Scoring from Spark code" example runs as written: the lines between the markers
 * below are the README's block, and a second test keeps the two identical.
 */
class ReadmeExampleTest {
  static SparkSession spark;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
  }

  @Test
  void theReadmeExampleRuns() throws Exception {
    String poolPath = Fixtures.parquetPool(spark, dir, "pool", Fixtures.features(11, 150, 12), 3).toString();
    String modelPath = Fixtures.save(Networks.tabularMlp(7), dir, "model.zip").toString();
    String scoresPath = dir.resolve("scores").toString();
    // README:begin (README.md, "Scoring from Spark code", shows exactly these lines)
    Dataset<Row> pool = spark.read().parquet(poolPath);             // columns id, features (array<float>)
    MultiLayerNetwork net = MultiLayerNetwork.load(new File(modelPath), false);
    ScorerSettings settings = ScorerSettings.builder()
        .iterations(20).seed(7).heuristic("bald").build();          // every setting has a default
    PosteriorScorer scorer = PosteriorScorer.of(net, settings);     // refuses a model with nothing stochastic
    Dataset<Row> scores = scorer.score(pool);                       // validates the pool now, samples lazily
    scores.write().parquet(scoresPath);                             // the sampling runs here
    Dataset<Row> top = scorer.topK(spark.read().parquet(scoresPath), 100);    // rank 1..100 by priority
    Dataset<Row> batch = scorer.batchBald(pool, spark.read().parquet(scoresPath), 10); // or epig(pool, target, ..)
    // README:end
    List<Row> ranked = top.orderBy("rank").collectAsList();
    assertEquals(100, ranked.size());
    for (int i = 0; i < ranked.size(); i++) {
      assertEquals(i + 1, ranked.get(i).getInt(0));
    }
    assertEquals(150, spark.read().parquet(scoresPath).count());
    assertEquals(10, batch.count());
  }

  @Test
  void theReadmeShowsTheseVeryLines() throws Exception {
    String test = Files.readString(Path.of("src/test/java/org/mcposterior/spark/ReadmeExampleTest.java"));
    String readme = Files.readString(Path.of("../README.md"));
    int from = test.indexOf('\n', test.indexOf("// README:begin")) + 1;
    List<String> lines = test.substring(from, test.indexOf("    // README:end")).lines().map(l -> l.substring(4))
        .toList();
    int section = readme.indexOf("## Scoring from Spark code");
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    List<String> shown = readme.substring(start, readme.indexOf("```\n", start)).lines().toList();
    assertEquals(shown, lines, "README.md's example and this test's lines must be the same");
  }
}
