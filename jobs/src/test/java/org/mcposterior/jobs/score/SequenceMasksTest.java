package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.Main;
import org.mcposterior.spark.InvalidInputException;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Variable-length sequence pools (issue 17): a sequence network's pool may hold examples shorter
 * than the input shape's time length (a whole number of steps; flat in the layer's layout, or
 * nested); they are padded at the end of time and sampled with DL4J's features mask, so the mean
 * probabilities equal DL4J's {@code output(x, false, mask, null)} on the padded rows when the
 * dropout is tiny, and a per-time-step output's scores are reduced over the real steps only
 * (checked by hand from the written samples, 1e-9). An example's samples do not depend on its
 * neighbours or their lengths. Every malformed sequence, and a network that cannot take masks with a
 * pool that needs them, is refused on the driver before any sampling, naming the example and the fix.
 */
class SequenceMasksTest {
  static final int F = 3, T = 7, C = 4;
  /** Real steps of the examples ex-0 .. ex-5: full, shorter, a single step. */
  static final int[] STEPS = {7, 3, 5, 1, 7, 2};
  static SparkSession spark;
  @TempDir static Path dir;
  static MultiLayerNetwork perStep;
  static Path perStepModel;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session(java.util.Map.of("spark.sql.shuffle.partitions", "2"));
    perStep = Networks.lstmPerStep(41);
    perStepModel = Fixtures.save(perStep, dir, "per-step.zip");
  }

  /** Example i: {@code STEPS[i]} steps of F seeded values, flat in the layout (NCW: [F, k]; NWC: [k, F]). */
  static float[][] ragged(long seed) {
    float[][] x = new float[STEPS.length][];
    for (int i = 0; i < x.length; i++) {
      x[i] = Fixtures.features(seed + i, 1, F * STEPS[i])[0];
    }
    return x;
  }

  /** The padded DL4J batch of {@code x} and its features mask [n, T]. */
  static INDArray[] padded(float[][] x, boolean nwc) {
    INDArray in = Nd4j.zeros(DataType.FLOAT, nwc ? new long[] {x.length, T, F} : new long[] {x.length, F, T});
    INDArray mask = Nd4j.zeros(DataType.FLOAT, x.length, T);
    for (int i = 0; i < x.length; i++) {
      int k = x[i].length / F;
      for (int t = 0; t < k; t++) {
        mask.putScalar(i, t, 1);
        for (int f = 0; f < F; f++) {
          if (nwc) {
            in.putScalar(new long[] {i, t, f}, x[i][t * F + f]);
          } else {
            in.putScalar(new long[] {i, f, t}, x[i][f * k + t]);
          }
        }
      }
    }
    return new INDArray[] {in, mask};
  }

  static Map<String, Row> byId(Dataset<Row> scores) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : scores.collectAsList()) {
      m.put(r.getString(r.fieldIndex("id")), r);
    }
    return m;
  }

  /** The samples column as [outputs][iterations]. */
  static double[][] samples(Row r) {
    List<Object> rows = r.getList(r.fieldIndex("samples"));
    double[][] s = new double[rows.size()][];
    for (int o = 0; o < s.length; o++) {
      // an inner array comes back as a Scala sequence (on both Scala lines)
      scala.collection.Seq<?> it = (scala.collection.Seq<?>) rows.get(o);
      s[o] = new double[it.length()];
      for (int t = 0; t < s[o].length; t++) {
        s[o][t] = ((Number) it.apply(t)).doubleValue();
      }
    }
    return s;
  }

  /** The per-step samples [C x T][iterations] cut to the first k steps: [C x k][iterations]. */
  static double[][] realSteps(double[][] s, int k) {
    double[][] cut = new double[C * k][];
    for (int c = 0; c < C; c++) {
      for (int t = 0; t < k; t++) {
        cut[c * k + t] = s[c * T + t];
      }
    }
    return cut;
  }

  /** The mean probabilities equal DL4J's output with the mask on the padded rows (tiny dropout). */
  static void assertDl4jWithMask(MultiLayerNetwork net, float[][] x, boolean nwc, Map<String, Row> rows) {
    INDArray[] pm = padded(x, nwc);
    INDArray expected = net.output(pm[0], false, pm[1], null);
    for (int i = 0; i < x.length; i++) {
      double[] p = OutputKindsJobTest.doubles(rows.get("ex-" + i), "probabilities");
      double[] e = expected.slice(i).dup('c').data().asDouble();
      assertEquals(e.length, p.length, "ex-" + i);
      for (int o = 0; o < e.length; o++) {
        assertEquals(e[o], p[o], 1e-3, "ex-" + i + " output " + o + " (" + STEPS[i] + " steps)");
      }
    }
  }

  /**
   * Through {@code score}: a Parquet pool of flat NCW sequences of 1 to 7 steps on a per-time-step
   * network; the probabilities equal DL4J's masked output, and every score is the mean over the
   * example's real steps (not over all 7, which differs for the shorter ones).
   */
  @Test
  void aRaggedPoolScoresThroughTheCommandLineAsDl4jWithTheMask() throws Exception {
    float[][] x = ragged(50);
    Path pool = Fixtures.parquetPool(spark, dir, "ragged-ncw", x, 2);
    Path out = dir.resolve("out-ragged");
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), new String[] {"score",
        "--model", perStepModel.toString(), "--pool", pool.toString(), "--out", out.toString(), "--iterations", "4",
        "--dropout", "1e-5", "--input-shape", F + "," + T, "--write-samples", "--seed", "5", "--top-k", "2"});
    assertEquals(0, code, err.toString());
    String summary = Files.readString(out.resolve("summary.json"));
    assertTrue(summary.contains("\"padded_sequences\" : 4"), summary);
    Map<String, Row> rows = byId(spark.read().parquet(out.resolve("scores").toString()));
    assertEquals(STEPS.length, rows.size());
    assertDl4jWithMask(perStep, x, false, rows);
    boolean maskMattered = false;
    for (int i = 0; i < x.length; i++) {
      Row r = rows.get("ex-" + i);
      double[][] s = samples(r);
      assertEquals(C * T, s.length);
      OutputKindsJobTest.assertScores(r, OutputKindsJobTest.byHand(realSteps(s, STEPS[i]), C), OutputKindsJobTest.ALL,
          "ex-" + i);
      double overAll = OutputKindsJobTest.byHand(s, C)[1];
      maskMattered |= STEPS[i] < T && Math.abs(overAll - r.getDouble(r.fieldIndex("entropy"))) > 1e-3;
    }
    assertTrue(maskMattered, "a shorter example's entropy over all 7 steps differs from the one over its real steps");
  }

  /**
   * Through the API, MC dropout on and the iterations in two shards (the merge path): every score
   * of every example is recomputed by hand over its real steps; and an example's samples are the
   * same among neighbours of other lengths as alone or with other neighbours.
   */
  @Test
  void scoresCountRealStepsOnlyAndSamplesDoNotDependOnNeighbours() {
    float[][] x = ragged(60);
    org.mcposterior.spark.ScorerSettingsBuilder b = ScorerSettings.builder().iterations(6).seed(9).dropout(0.3).writeSamples(true)
        .inputShape(List.of(F, T));
    PosteriorScorer sharded = PosteriorScorer.of(perStep, b.iterationShards(2).batchSize(4).build());
    Map<String, Row> all = byId(sharded.score(Fixtures.frame(spark, x, 0, x.length)));
    for (int i = 0; i < x.length; i++) {
      Row r = all.get("ex-" + i);
      double[][] s = samples(r);
      OutputKindsJobTest.assertScores(r, OutputKindsJobTest.byHand(realSteps(s, STEPS[i]), C), OutputKindsJobTest.ALL,
          "ex-" + i);
      assertTrue(r.getDouble(r.fieldIndex("bald")) > 0, "dropout 0.3 gives BALD > 0: ex-" + i);
    }
    // ex-1 (3 steps) and ex-4 (7 steps) with other neighbours, other batches, one shard
    PosteriorScorer alone = PosteriorScorer.of(perStep, b.iterationShards(1).batchSize(64).build());
    Map<String, Row> few = byId(alone.score(Fixtures.frame(spark, x, 1, 5)));
    for (String id : List.of("ex-1", "ex-3", "ex-4")) {
      double[][] together = samples(all.get(id));
      double[][] apart = samples(few.get(id));
      for (int o = 0; o < together.length; o++) {
        assertEquals(java.util.Arrays.toString(together[o]), java.util.Arrays.toString(apart[o]), id + " output " + o);
      }
    }
  }

  /**
   * Through the API, sequences as arrays of time steps (NWC, time-major) of a sequence-to-one
   * network (LastTimeStep): the probabilities equal DL4J's masked output, which here differs from
   * its output on the padded rows without the mask.
   */
  @Test
  void nestedTimeStepsOfAnyLengthScoreAsDl4jWithTheMask() {
    MultiLayerNetwork net = Networks.lstm(42, RNNFormat.NWC);
    float[][] x = ragged(70);
    PosteriorScorer scorer = PosteriorScorer.of(net,
        ScorerSettings.builder().iterations(3).seed(3).dropout(1e-5).inputShape(List.of(T, F)).build());
    Map<String, Row> rows = byId(scorer.score(nested(x, F, List.of())));
    assertDl4jWithMask(net, x, true, rows);
    INDArray[] pm = padded(x, true);
    double differs = net.output(pm[0], false, pm[1], null).sub(net.output(pm[0], false)).amaxNumber().doubleValue();
    assertTrue(differs > 1e-3, "the mask changes DL4J's output here: " + differs);
  }

  /** Rows ex-i of {@code x} as arrays of time steps of {@code width} values, plus the given extra rows. */
  static Dataset<Row> nested(float[][] x, int width, List<Row> extra) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      List<List<Double>> steps = new ArrayList<>();
      for (int t = 0; t < x[i].length / width; t++) {
        List<Double> step = new ArrayList<>();
        for (int f = 0; f < width; f++) {
          step.add((double) x[i][t * width + f]);
        }
        steps.add(step);
      }
      rows.add(RowFactory.create("ex-" + i, steps));
    }
    rows.addAll(extra);
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.createArrayType(
            DataTypes.DoubleType)), true)));
    return spark.createDataFrame(rows, schema);
  }

  static void assertRefused(PosteriorScorer scorer, Dataset<Row> pool, String... parts) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> scorer.score(pool));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
    }
    assertEquals(1, e.getMessage().strip().split("\n").length, "one paragraph: " + e.getMessage());
  }

  /**
   * Refused on the driver, naming the example, its size and the fix: too many steps, a flat array
   * that is not a whole number of steps, an empty sequence, a nested step of the wrong width, and a
   * shorter sequence for a network that cannot take masks (a ComputationGraph), which still
   * scores a pool of full-length sequences.
   */
  @Test
  void malformedSequencesAndUnmaskableNetworksAreRefusedBeforeAnyWork() {
    ScorerSettings s = ScorerSettings.builder().iterations(2).seed(3).dropout(0.2).inputShape(List.of(T, F)).build();
    PosteriorScorer scorer = PosteriorScorer.of(Networks.lstm(43, RNNFormat.NWC), s);
    float[][] x = ragged(80);
    x[2] = new float[(T + 1) * F];
    assertRefused(scorer, Fixtures.frame(spark, x, 0, x.length), "1 row(s) with more time steps than the network's 7",
        "'ex-2' with 24 values (8 steps)", "truncate or split");
    x = ragged(80);
    x[4] = new float[20];
    assertRefused(scorer, Fixtures.frame(spark, x, 0, x.length), "not a whole number of time steps of 3 features",
        "'ex-4' with 20 values");
    x[4] = new float[0];
    assertRefused(scorer, Fixtures.frame(spark, x, 0, x.length), "empty sequence", "'ex-4'", "drop the empty rows");
    Row wide = RowFactory.create("wide", List.of(List.of(0.1, 0.2, 0.3, 0.4), List.of(0.5, 0.6, 0.7, 0.8)));
    assertRefused(scorer, nested(ragged(80), F, List.of(wide)), "time steps do not have the network's 3 features",
        "'wide' with 4 values in each time step");

    ScorerSettings ncw = ScorerSettings.builder().iterations(2).seed(3).dropout(0.2).inputShape(List.of(F, T)).build();
    PosteriorScorer graph = PosteriorScorer.of(Networks.lstmGraph(44), ncw);
    assertRefused(graph, Fixtures.frame(spark, ragged(90), 0, STEPS.length),
        "4 row(s) shorter than the network's 7 time steps, e.g. example 'ex-1' with 3 steps", "ComputationGraph",
        "pad such sequences");
    float[][] full = Fixtures.features(91, 3, F * T);
    assertEquals(3, graph.score(Fixtures.frame(spark, full, 0, full.length)).filter("bald >= 0").count());
  }

  /**
   * {@code report} on a run that wrote no samples resamples its picks: shorter ones padded and
   * masked as the run sampled them, among full-length ones.
   */
  @Test
  void theReportResamplesPicksOfEveryLength() throws Exception {
    Path pool = Fixtures.parquetPool(spark, dir, "ragged-report", ragged(110), 1);
    Path out = dir.resolve("out-report");
    StringWriter err = new StringWriter();
    assertEquals(0, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), new String[] {"score",
        "--model", perStepModel.toString(), "--pool", pool.toString(), "--out", out.toString(), "--iterations", "3",
        "--input-shape", F + "," + T, "--top-k", "6"}), err.toString());
    Path html = dir.resolve("ragged-report.html");
    assertEquals(0, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), new String[] {"report",
        "--scores", out.toString(), "--out", html.toString(), "--picks", "6"}), err.toString());
    String page = Files.readString(html);
    assertTrue(page.contains("resampled for these examples"), "the picks were resampled");
    // per-step maps over the real steps only: ex-1 has 3 of 7, ex-3 one; ex-0 is full length
    assertTrue(page.contains("ex-1: bald per position (3; 3 of 7 time steps real, 4 padded positions left out)"), page);
    assertTrue(page.contains("ex-3: bald per position (1; 1 of 7 time steps real, 6 padded positions left out)"), page);
    assertTrue(page.contains("ex-0: bald per position (7)"), page);
  }

  /**
   * {@code sample} takes full-length sequences only: a ragged input is refused in one paragraph
   * that names the first shorter example and points to {@code score --write-samples}, writing nothing.
   */
  @Test
  void sampleRefusesShorterSequencesInOneParagraph() {
    Path input = Fixtures.parquetPool(spark, dir, "ragged-sample", ragged(130), 1);
    Path out = dir.resolve("out-sample");
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), new String[] {"sample",
        "--model", perStepModel.toString(), "--input", input.toString(), "--out", out.toString(), "--iterations", "2",
        "--input-shape", F + "," + T});
    assertTrue(code != 0);
    String msg = err.toString().strip();
    assertTrue(msg.contains("4 row(s) shorter than the network's 7 time steps, e.g. example 'ex-1' with 3 steps")
        && msg.contains("score --write-samples"), msg);
    assertEquals(1, msg.split("\n").length, "one paragraph: " + msg);
    assertTrue(!Files.exists(out), "nothing written for a refused input");
  }

  /** The command line refuses a malformed sequence pool in one paragraph, writing nothing. */
  @Test
  void theCommandLineRefusesASequenceTooLong() {
    float[][] x = ragged(100);
    x[3] = new float[9 * F];
    Path pool = Fixtures.parquetPool(spark, dir, "too-long", x, 1);
    Path out = dir.resolve("out-too-long");
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), new String[] {"score",
        "--model", perStepModel.toString(), "--pool", pool.toString(), "--out", out.toString(), "--iterations", "2",
        "--input-shape", F + "," + T});
    assertTrue(code != 0);
    String msg = err.toString().strip();
    assertTrue(msg.contains("'ex-3' with 27 values (9 steps)") && msg.contains("(features, time: NCW)"), msg);
    assertEquals(1, msg.split("\n").length, "one paragraph: " + msg);
    assertTrue(!Files.exists(out), "nothing written for a refused pool");
  }
  /**
   * {@code report --label-col} on a ragged pool of a sequence-to-one classifier (NCW, LastTimeStep):
   * the deterministic pass reads a shorter row as the run did, padded and masked, so its
   * calibration equals the one of DL4J's masked output computed here (which differs from the one
   * without the mask); the shorter picks are listed, not drawn as images.
   */
  @Test
  void theLabelledReportRunsTheDeterministicPassWithTheMask() throws Exception {
    MultiLayerNetwork net = Networks.lstm(45, RNNFormat.NCW);
    Path model = Fixtures.save(net, dir, "lstm-ncw.zip");
    float[][] x = ragged(120);
    int[] labels = new int[x.length];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      labels[i] = i % C;
      List<Float> f = new ArrayList<>();
      for (float v : x[i]) {
        f.add(v);
      }
      rows.add(RowFactory.create("ex-" + i, f, labels[i]));
    }
    Path pool = dir.resolve("ragged-labelled");
    spark.createDataFrame(rows, DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType), false),
        DataTypes.createStructField("label", DataTypes.IntegerType, false)))).coalesce(1).write().parquet(pool.toString());
    Path out = dir.resolve("out-labelled");
    StringWriter err = new StringWriter();
    assertEquals(0, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), new String[] {"score",
        "--model", model.toString(), "--pool", pool.toString(), "--out", out.toString(), "--iterations", "2",
        "--input-shape", F + "," + T, "--top-k", "6"}), err.toString());
    Path html = dir.resolve("ragged-labelled.html");
    org.mcposterior.jobs.report.ReportJob.Result r = org.mcposterior.jobs.report.ReportJob.run(spark,
        org.mcposterior.jobs.report.ReportSettings.of(out.toString(), html.toString(), false, "label", List.of()));
    INDArray[] pm = padded(x, false);
    org.mcposterior.evaluation.Calibration masked = org.mcposterior.evaluation.Calibration.of(
        net.output(pm[0], false, pm[1], null).toDoubleMatrix(), labels);
    org.mcposterior.evaluation.Calibration unmasked = org.mcposterior.evaluation.Calibration.of(
        net.output(pm[0], false).toDoubleMatrix(), labels);
    assertEquals(x.length, r.deterministic().count());
    assertEquals(masked.nll(), r.deterministic().nll(), 1e-5, "deterministic NLL as DL4J's masked output");
    assertEquals(masked.ece(), r.deterministic().ece(), 1e-5);
    assertEquals(masked.accuracy(), r.deterministic().accuracy(), 1e-12);
    assertTrue(Math.abs(unmasked.nll() - masked.nll()) > 1e-4,
        "the mask changes the NLL here: " + unmasked.nll() + " vs " + masked.nll());
    assertTrue(Files.readString(html).contains("ex-1"), "the shorter picks are listed");
  }

}
