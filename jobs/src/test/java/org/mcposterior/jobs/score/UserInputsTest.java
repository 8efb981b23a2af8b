package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.Main;
import org.mcposterior.spark.InvalidInputException;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Inputs users have (issue 17). Sequences: a pool row holds one sequence flat in DL4J's per-example
 * layout of the network's first recurrent layer, given with {@code --input-shape}: {@code
 * time,features} (time-major, as users usually hold them) for an NWC network, {@code
 * features,time} for an NCW one; the scores' mean probabilities then equal DL4J's own output on
 * the same sequences when the dropout is tiny. Embeddings: a network starting with an EmbeddingLayer takes one index per example (issue 17): a pool of
 * indices scores through {@code score} and the API, and a value that is no index of the
 * embedding (negative, past the vocabulary, fractional) is refused on the driver before any
 * sampling, naming the example, the value, the range and the fix. The run summary says what
 * {@code --dropout p} set on each layer (three dropout kinds here).
 */
class UserInputsTest {
  static final int VOCABULARY = 50;
  static SparkSession spark;
  @TempDir static Path dir;
  static MultiLayerNetwork net;
  static Path model;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session(java.util.Map.of("spark.sql.shuffle.partitions", "2"));
    // three dropout kinds, each with its own rate: --dropout p must set all three
    net = Networks.embeddingDropouts(21, VOCABULARY);
    model = Fixtures.save(net, dir, "embedding.zip");
  }

  private static float[][] indices(float... v) {
    float[][] x = new float[v.length][];
    for (int i = 0; i < v.length; i++) {
      x[i] = new float[] {v[i]};
    }
    return x;
  }

  private static int score(Path pool, Path out, StringWriter err) {
    return Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), new String[] {"score",
        "--model", model.toString(), "--pool", pool.toString(), "--out", out.toString(), "--iterations", "8",
        "--dropout", "0.2", "--top-k", "2"});
  }

  /** A pool of indices scores through the command line, and the summary says what --dropout set on each layer. */
  @Test
  void indicesScoreAndTheSummarySaysWhichDropoutsWereSet() throws Exception {
    Path pool = Fixtures.parquetPool(spark, dir, "good", indices(0, 7, 49, 3, 23, 11), 2);
    Path out = dir.resolve("out-good");
    StringWriter err = new StringWriter();
    assertEquals(0, score(pool, out, err), err.toString());
    assertEquals(6, spark.read().parquet(out.resolve("scores").toString()).filter("bald >= 0").count());
    JsonNode layers = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("stochastic_layers");
    assertEquals(3, layers.size(), layers.toString());
    String set = " on its input (set by the drop probability override; configured ";
    assertEquals("GaussianDropout stdev=0.5 (p=0.2)" + set + "GaussianDropout stdev=0.333333 (p=0.1))",
        layers.get("1 (DenseLayer)").asText());
    assertEquals("AlphaDropout p=0.2" + set + "AlphaDropout p=0.1)", layers.get("2 (DenseLayer)").asText());
    assertEquals("Dropout p=0.2" + set + "Dropout p=0.5)", layers.get("3 (OutputLayer)").asText());
  }

  @Test
  void aValueOutsideTheVocabularyIsRefusedByTheCommandLine() {
    for (float bad : new float[] {50, 2.5f}) {
      Path pool = Fixtures.parquetPool(spark, dir, "bad" + bad, indices(0, 7, bad, 3), 2);
      Path out = dir.resolve("out-bad" + bad);
      StringWriter err = new StringWriter();
      assertTrue(score(pool, out, err) != 0, "must be refused: " + bad);
      String msg = err.toString().strip();
      String shown = bad == Math.rint(bad) ? Long.toString((long) bad) : Float.toString(bad);
      for (String m : List.of("'ex-2'", " holds " + shown, "0 to 49", "embedding", "nIn 50")) {
        assertTrue(msg.contains(m), "message should mention '" + m + "': " + msg);
      }
      assertEquals(1, msg.split("\n").length, "one paragraph: " + msg);
      assertTrue(!Files.exists(out), "nothing written for a refused pool");
    }
  }

  static MultiLayerNetwork lstm(RNNFormat f) {
    return Networks.lstm(23, f);
  }

  /** A pool of sequences scores through the API in both formats; a wrong layout would change the probabilities. */
  @Test
  void sequencesScoreInTheNetworksOwnLayout() {
    for (RNNFormat f : RNNFormat.values()) {
      MultiLayerNetwork n = lstm(f);
      float[][] x = Fixtures.features(24, 6, 21);
      List<Integer> shape = f == RNNFormat.NWC ? List.of(7, 3) : List.of(3, 7);
      PosteriorScorer scorer = PosteriorScorer.of(n,
          ScorerSettings.builder().iterations(4).seed(3).dropout(1e-4).inputShape(shape).build());
      Map<String, Row> scores = new java.util.HashMap<>();
      for (Row r : scorer.score(Fixtures.frame(spark, x, 0, x.length)).collectAsList()) {
        scores.put(r.getString(r.fieldIndex("id")), r);
      }
      long[] batch = f == RNNFormat.NWC ? new long[] {x.length, 7, 3} : new long[] {x.length, 3, 7};
      INDArray expected = n.output(Nd4j.create(x).reshape('c', batch));
      for (int i = 0; i < x.length; i++) {
        List<Double> p = scores.get("ex-" + i).getList(scores.get("ex-" + i).fieldIndex("probabilities"));
        for (int c = 0; c < 4; c++) {
          assertEquals(expected.getDouble(i, c), p.get(c), 1e-3, f + " example " + i + " class " + c);
        }
      }
    }
  }

  /** A sequence as an array of time steps (array<array<double>>) is read in C order, as the flat array; ragged ones are refused. */
  @Test
  void sequencesAsArraysOfTimeSteps() {
    MultiLayerNetwork n = lstm(RNNFormat.NWC);
    float[][] x = Fixtures.features(25, 3, 21);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      List<List<Double>> steps = new java.util.ArrayList<>();
      for (int t = 0; t < 7; t++) {
        steps.add(List.of((double) x[i][3 * t], (double) x[i][3 * t + 1], (double) x[i][3 * t + 2]));
      }
      rows.add(org.apache.spark.sql.RowFactory.create("ex-" + i, steps));
    }
    org.apache.spark.sql.types.StructType schema = org.apache.spark.sql.types.DataTypes.createStructType(List.of(
        org.apache.spark.sql.types.DataTypes.createStructField("id", org.apache.spark.sql.types.DataTypes.StringType, true),
        org.apache.spark.sql.types.DataTypes.createStructField("features", org.apache.spark.sql.types.DataTypes
            .createArrayType(org.apache.spark.sql.types.DataTypes.createArrayType(
                org.apache.spark.sql.types.DataTypes.DoubleType)), true)));
    ScorerSettings settings = ScorerSettings.builder().iterations(2).seed(3).dropout(1e-4).inputShape(List.of(7, 3)).build();
    PosteriorScorer scorer = PosteriorScorer.of(n, settings);
    List<Row> nested = scorer.score(spark.createDataFrame(rows, schema)).orderBy("id").collectAsList();
    List<Row> flat = scorer.score(Fixtures.frame(spark, x, 0, x.length)).orderBy("id").collectAsList();
    for (int i = 0; i < x.length; i++) {
      assertEquals(flat.get(i).getList(flat.get(i).fieldIndex("probabilities")).toString(),
          nested.get(i).getList(nested.get(i).fieldIndex("probabilities")).toString(), "example " + i);
    }
    List<List<Double>> ragged = new java.util.ArrayList<>();
    for (int t = 0; t < 7; t++) {
      ragged.add(t == 2 ? List.of(0.1, 0.2) : t == 3 ? List.of(0.1, 0.2, 0.3, 0.4) : List.of(0.1, 0.2, 0.3));
    }
    rows.add(org.apache.spark.sql.RowFactory.create("ragged", ragged));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> scorer.score(spark.createDataFrame(rows, schema)));
    assertTrue(e.getMessage().contains("1 row(s) whose nested features arrays differ in length (first ids: ragged)"),
        e.getMessage());
  }

  @Test
  void theApiRefusesTheSameValuesWhenItValidates() {
    PosteriorScorer scorer = PosteriorScorer.of(net, ScorerSettings.builder().iterations(4).seed(3).dropout(0.2).build());
    assertEquals(VOCABULARY, scorer.indexBound());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> scorer.score(Fixtures.frame(spark, indices(4, 1, -1, 49.5f, 60), 0, 5)));
    assertTrue(e.getMessage().contains("3 row(s)") && e.getMessage().contains("'ex-2' holds -1"), e.getMessage());
    // the same network scores a pool of indices (every value an index, the largest included)
    Dataset<Row> scores = scorer.score(Fixtures.frame(spark, indices(4, 1, 0, 49, 23), 0, 5));
    assertEquals(5, scores.count());
    assertEquals(0, scores.filter("bald is null or isnan(bald) or bald < 0").count());
  }
}
