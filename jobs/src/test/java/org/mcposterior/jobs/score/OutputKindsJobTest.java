package org.mcposterior.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.size;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.heuristics.InvalidHeuristicArgumentException;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.OutputKindException;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Output kinds end to end, in Spark local mode: a segmentation network (per-pixel sigmoid, and
 * softmax over channels), a multi-label, a regression and a detection network (a tiny
 * Yolo2OutputLayer), each scored through the API and through {@code score}, which agree; the
 * scores equal values computed here by hand from the samples the run wrote; the layout of what is
 * scored equals DL4J's own output (a near-zero dropout makes the MC mean DL4J's deterministic
 * output); heuristics that mean nothing for a kind, and kinds that contradict the output, are
 * refused before any work.
 */
class OutputKindsJobTest {
  static SparkSession spark;
  @TempDir static Path dir;
  static int runs;
  static final int T = 6;
  static final int N = 8;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session(java.util.Map.of("spark.sql.shuffle.partitions", "2"));
  }

  // ------------------------------------------------------------------ networks

  static MultiLayerNetwork segmentation(int channels, Activation a, LossFunction loss) {
    return Networks.segmentation(17, channels, a, loss);
  }

  static MultiLayerNetwork dense(int outputs, Activation a, LossFunction loss) {
    return Networks.denseOutput(17, outputs, a, loss);
  }

  static MultiLayerNetwork detection() {
    return Networks.tinyYolo(17);
  }

  // ------------------------------------------------------------------ runs

  record Case(String name, MultiLayerNetwork net, int width, Path model, Path pool, float[][] x) {}

  static Case prepare(String name, MultiLayerNetwork net, int width) throws Exception {
    return prepareIn(dir, name, net, width);
  }

  static Case prepareIn(Path where, String name, MultiLayerNetwork net, int width) throws Exception {
    float[][] x = Fixtures.features(name.hashCode(), N, width);
    return new Case(name, net, width, Fixtures.save(net, where, name + ".zip"), Fixtures.parquetPool(spark, where,
        name + "-pool", x, 2), x);
  }

  /** Runs {@code score} as the command line parses it; returns --out. */
  static Path score(Case c, String... extra) throws Exception {
    Path out = dir.resolve("out-" + (runs++));
    List<String> args = new java.util.ArrayList<>(List.of("--model", c.model().toString(), "--pool",
        c.pool().toString(), "--out", out.toString(), "--iterations", String.valueOf(T), "--seed", "3", "--top-k",
        "3", "--write-samples"));
    args.addAll(List.of(extra));
    ScoreJob.run(spark, Cli.settings(args.toArray(new String[0])));
    return out;
  }

  static Map<String, Row> byId(Dataset<Row> scores) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : scores.withColumn("__rows", size(col("samples"))).withColumn("__flat", flatten(col("samples")))
        .collectAsList()) {
      m.put(r.getString(r.fieldIndex("id")), r);
    }
    return m;
  }

  /** The job's scores, checked equal (every column, nulls included) to the API's on the same pool. */
  static Map<String, Row> jobAndApi(Case c, OutputKind expected, String... extra) throws Exception {
    Path out = score(c, extra);
    JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
    assertEquals(expected.label(), summary.get("output").get("kind").asText(), c.name());
    Map<String, Row> job = byId(spark.read().parquet(out.resolve("scores").toString()));
    ScorerSettings s = Cli.settings(withPaths(c, out, extra)).scorer();
    PosteriorScorer scorer = PosteriorScorer.of(c.net(), s);
    assertEquals(expected, scorer.outputView().kind(), c.name());
    Map<String, Row> api = byId(scorer.score(Fixtures.frame(spark, c.x(), 0, N)));
    assertEquals(job.keySet(), api.keySet());
    assertEquals(N, job.size());
    for (String id : job.keySet()) {
      Row a = api.get(id), j = job.get(id);
      for (String col : List.of("predicted_class", "probabilities", "bald", "entropy", "variance", "margin",
          "certainty", "priority", "mean")) {
        Object av = a.get(a.fieldIndex(col)), jv = j.get(j.fieldIndex(col));
        if (av instanceof Double ad) {
          assertEquals((Double) jv, ad, 1e-9, col + " of " + id + " (" + c.name() + ")");
        } else if (av == null || jv == null) {
          assertEquals(jv, av, col + " of " + id + " (" + c.name() + ")");
        } else if (av instanceof Integer) {
          assertEquals(jv, av, col + " of " + id);
        } else {
          double[] ea = doubles(j, col), aa = doubles(a, col);
          assertEquals(ea.length, aa.length, col);
          for (int i = 0; i < ea.length; i++) {
            assertEquals(ea[i], aa[i], 1e-9, col + "[" + i + "] of " + id);
          }
        }
      }
    }
    return job;
  }

  static String[] withPaths(Case c, Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--model", c.model().toString(), "--pool",
        c.pool().toString(), "--out", out.toString() + "-api", "--iterations", String.valueOf(T), "--seed", "3",
        "--write-samples"));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  static double[] doubles(Row r, String col) {
    List<Object> l = r.getList(r.fieldIndex(col));
    double[] d = new double[l.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ((Number) l.get(i)).doubleValue();
    }
    return d;
  }

  /** The samples column of a row as [rows][T]. */
  static double[][] samples(Row r) {
    int rows = r.getInt(r.fieldIndex("__rows"));
    double[] flat = doubles(r, "__flat");
    double[][] s = new double[rows][flat.length / rows];
    for (int o = 0; o < rows; o++) {
      System.arraycopy(flat, o * s[o].length, s[o], 0, s[o].length);
    }
    return s;
  }

  /** DL4J's own output of example i, flattened in C order. */
  static double[] dl4j(Case c, int i, int... shape) {
    long[] s = new long[shape.length + 1];
    s[0] = 1;
    for (int k = 0; k < shape.length; k++) {
      s[k + 1] = shape[k];
    }
    INDArray out = c.net().output(Nd4j.create(c.x()[i]).reshape(s), false);
    return out.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
  }

  /** The mean probabilities (or regression means) of a near-deterministic API run, by id. */
  static Map<String, Row> nearDeterministic(Case c, String... extra) {
    ScorerSettings s = Cli.settings(withPaths(c, dir.resolve("unused"), extra)).scorer().toBuilder()
        .dropout(1e-6).writeSamples(false).build();
    Map<String, Row> m = new HashMap<>();
    for (Row r : PosteriorScorer.of(c.net(), s).score(Fixtures.frame(spark, c.x(), 0, N)).collectAsList()) {
      m.put(r.getString(r.fieldIndex("id")), r);
    }
    return m;
  }

  // ------------------------------------------------------------------ scores by hand

  /**
   * The five scores of class distributions {@code p[c * P + pos][t]} (C classes, P positions), each
   * per position and then averaged over the positions; natural logs, population variance averaged
   * over the classes.
   */
  static double[] byHand(double[][] p, int classes) {
    int positions = p.length / classes;
    int t = p[0].length;
    double bald = 0, entropy = 0, variance = 0, margin = 0, certainty = 0;
    for (int pos = 0; pos < positions; pos++) {
      double[] m = new double[classes];
      double expected = 0, var = 0;
      for (int c = 0; c < classes; c++) {
        double s = 0, ss = 0;
        for (int k = 0; k < t; k++) {
          double v = p[c * positions + pos][k];
          s += v;
          ss += v * v;
          expected -= v > 0 ? v * Math.log(v) / t : 0;
        }
        m[c] = s / t;
        var += Math.max(0, ss / t - m[c] * m[c]) / classes;
      }
      double h = 0;
      for (double v : m) {
        h -= v > 0 ? v * Math.log(v) : 0;
      }
      double[] sorted = m.clone();
      java.util.Arrays.sort(sorted);
      bald += Math.max(0, h - expected) / positions;
      entropy += h / positions;
      variance += var / positions;
      margin += (sorted[classes - 1] - sorted[classes - 2]) / positions;
      certainty += sorted[classes - 1] / positions;
    }
    return new double[] {bald, entropy, variance, margin, certainty};
  }

  static void assertScores(Row r, double[] expected, boolean[] exist, String what) {
    String[] names = {"bald", "entropy", "variance", "margin", "certainty"};
    for (int i = 0; i < names.length; i++) {
      Object v = r.get(r.fieldIndex(names[i]));
      if (exist[i]) {
        assertEquals(expected[i], (Double) v, 1e-9, names[i] + " of " + what);
      } else {
        assertNull(v, names[i] + " means nothing here and is null: " + what);
      }
    }
  }

  static final boolean[] ALL = {true, true, true, true, true};

  // ------------------------------------------------------------------ tests

  @Test
  void aPerPixelSigmoidMapIsTwoClassesPerPixelNotOneDistribution() throws Exception {
    Case c = prepare("seg-sigmoid", segmentation(1, Activation.SIGMOID, LossFunction.XENT), 16);
    Map<String, Row> rows = jobAndApi(c, OutputKind.PER_POSITION, "--input-shape", "1,4,4");
    Map<String, Row> det = nearDeterministic(c, "--input-shape", "1,4,4");
    for (int i = 0; i < N; i++) {
      Row r = rows.get("ex-" + i);
      double[][] s = samples(r);
      assertEquals(32, s.length, "[2 classes x 16 pixels] rows");
      for (int o = 0; o < 16; o++) {
        for (int k = 0; k < T; k++) {
          assertEquals(1 - s[16 + o][k], s[o][k], 1e-6, "class 0 is 1 - p");
          assertTrue(s[16 + o][k] > 0 && s[16 + o][k] < 1);
        }
      }
      assertScores(r, byHand(s, 2), ALL, r.getString(0));
      assertNull(r.get(r.fieldIndex("predicted_class")), "16 predictions, no one class");
      assertEquals(16, doubles(r, "probabilities").length, "p per pixel");
      assertEquals(r.getDouble(r.fieldIndex("bald")), r.getDouble(r.fieldIndex("priority")), 0.0);
      double[] want = dl4j(c, i, 1, 4, 4);
      double[] got = doubles(det.get("ex-" + i), "probabilities");
      for (int o = 0; o < 16; o++) {
        assertEquals(want[o], got[o], 1e-4, "pixel " + o + " equals DL4J's sigmoid");
      }
    }
    // The report shows a BALD map per pick, not histograms of 32 "classes".
    String html = lastReport("seg");
    assertTrue(html.contains("bald per pixel") && html.contains("output kind is per-position"), "a map per pick");
    assertFalse(html.contains("two most probable classes"), "no class histograms");
  }

  /** The report of the last score run. */
  static String lastReport(String name) throws Exception {
    Path out = dir.resolve("out-" + (runs - 1));
    return Files.readString(org.mcposterior.jobs.report.ReportJob.run(spark,
        org.mcposterior.jobs.report.ReportSettings.of(out.toString(), dir.resolve(name + ".html").toString(), false,
            null, List.of())).out());
  }

  @Test
  void aSoftmaxOverChannelsIsAClassDistributionPerPixel() throws Exception {
    Case c = prepare("seg-softmax", segmentation(3, Activation.SOFTMAX, LossFunction.MCXENT), 16);
    Map<String, Row> rows = jobAndApi(c, OutputKind.PER_POSITION, "--input-shape", "1,4,4", "--heuristic", "margin");
    Map<String, Row> det = nearDeterministic(c, "--input-shape", "1,4,4", "--heuristic", "margin");
    for (int i = 0; i < N; i++) {
      Row r = rows.get("ex-" + i);
      double[][] s = samples(r);
      assertEquals(48, s.length, "[3 channels x 16 pixels] rows");
      for (int pos = 0; pos < 16; pos++) {
        for (int k = 0; k < T; k++) {
          assertEquals(1.0, s[pos][k] + s[16 + pos][k] + s[32 + pos][k], 1e-5, "a distribution over the channels");
        }
      }
      double[] want = byHand(s, 3);
      assertScores(r, want, ALL, r.getString(0));
      assertEquals(-want[3], r.getDouble(r.fieldIndex("priority")), 1e-9, "margin: lowest first");
      double[] d = dl4j(c, i, 1, 4, 4);
      double[] got = doubles(det.get("ex-" + i), "probabilities");
      for (int o = 0; o < 48; o++) {
        assertEquals(d[o], got[o], 1e-4, "channel-major [3, 16] equals DL4J's output");
      }
    }
  }

  /**
   * --reduction decides how the 16 per-pixel scores of a [3 channels x 4 x 4] map become one, as
   * baal's reduction: the same samples (same seed) give per-pixel scores whose sum is 16 times
   * their mean (the variance, reduced over the 3 classes too, 48 times), whose maximum is at least
   * their mean; the summary records the choice; none is refused before any work, since 16 scores
   * per example cannot rank it.
   */
  @Test
  void theReductionOverPositionsIsTheUsersChoice() throws Exception {
    Case c = prepare("seg-reduction", segmentation(3, Activation.SOFTMAX, LossFunction.MCXENT), 16);
    Map<String, Row> mean = jobAndApi(c, OutputKind.PER_POSITION, "--input-shape", "1,4,4");
    Map<String, Row> sum = jobAndApi(c, OutputKind.PER_POSITION, "--input-shape", "1,4,4", "--reduction", "sum");
    Map<String, Row> max = jobAndApi(c, OutputKind.PER_POSITION, "--input-shape", "1,4,4", "--reduction", "max");
    for (String id : mean.keySet()) {
      for (String score : List.of("bald", "entropy", "variance", "margin", "certainty")) {
        double m = mean.get(id).getDouble(mean.get(id).fieldIndex(score));
        double s = sum.get(id).getDouble(sum.get(id).fieldIndex(score));
        double x = max.get(id).getDouble(max.get(id).fieldIndex(score));
        double factor = score.equals("variance") ? 48 : 16;
        assertEquals(factor * m, s, 1e-9 * Math.max(1, Math.abs(s)), score + " of " + id + ": sum over the pixels");
        assertTrue(x >= m - 1e-12, score + " of " + id + ": the largest pixel's score is at least their mean");
      }
    }
    Path out = score(c, "--input-shape", "1,4,4", "--reduction", "sum");
    JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
    assertEquals("sum", summary.get("settings").get("reduction").asText());
    org.mcposterior.spark.InvalidSettingsException e = assertThrows(org.mcposterior.spark.InvalidSettingsException.class,
        () -> PosteriorScorer.of(c.net(), ScorerSettings.builder().inputShape(List.of(1, 4, 4))
            .reduction(org.mcposterior.heuristics.Reduction.NONE).build()));
    assertTrue(e.getMessage().contains("--reduction none") && e.getMessage().contains("16 positions"), e.getMessage());
  }

  @Test
  void independentSigmoidsAreScoredPerLabel() throws Exception {
    Case c = prepare("multi-label", dense(4, Activation.SIGMOID, LossFunction.XENT), 6);
    Map<String, Row> rows = jobAndApi(c, OutputKind.MULTI_LABEL, "--heuristic", "entropy");
    Map<String, Row> det = nearDeterministic(c, "--heuristic", "entropy");
    for (int i = 0; i < N; i++) {
      Row r = rows.get("ex-" + i);
      double[][] s = samples(r);
      assertEquals(8, s.length);
      // By hand: each label a Bernoulli variable (p, and the float 1 - p the run wrote as class 0),
      // binary entropies, then the mean over labels.
      double bald = 0, entropy = 0, variance = 0;
      for (int l = 0; l < 4; l++) {
        double m = 0, mq = 0, ss = 0, eh = 0;
        for (int k = 0; k < T; k++) {
          double p = s[4 + l][k];
          double q = s[l][k];
          assertEquals(1 - p, q, 1e-6);
          m += p / T;
          mq += q / T;
          ss += p * p / T;
          eh += (-p * Math.log(p) - q * Math.log(q)) / T;
        }
        double h = -m * Math.log(m) - mq * Math.log(mq);
        bald += Math.max(0, h - eh) / 4;
        entropy += h / 4;
        variance += Math.max(0, ss - m * m) / 4; // var(1 - p) = var(p): the mean over the two classes
      }
      assertScores(r, new double[] {bald, entropy, variance, 0, 0}, new boolean[] {true, true, true, false, false},
          r.getString(0));
      assertEquals(entropy, r.getDouble(r.fieldIndex("priority")), 1e-9);
      assertNull(r.get(r.fieldIndex("predicted_class")));
      double[] d = dl4j(c, i, 6);
      double[] got = doubles(det.get("ex-" + i), "probabilities");
      assertEquals(4, got.length, "p per label");
      for (int l = 0; l < 4; l++) {
        assertEquals(d[l], got[l], 1e-4, "label " + l + " equals DL4J's sigmoid");
      }
    }
  }

  @Test
  void regressionIsScoredByTheVarianceOfItsPlainValues() throws Exception {
    Case c = prepare("regression", dense(3, Activation.IDENTITY, LossFunction.MSE), 6);
    // Two iteration shards: the plain-value moments merge across shards like any others.
    Map<String, Row> rows = jobAndApi(c, OutputKind.REGRESSION, "--heuristic", "variance", "--iteration-shards", "2");
    Map<String, Row> det = nearDeterministic(c, "--heuristic", "variance");
    boolean outsideUnit = false;
    for (int i = 0; i < N; i++) {
      Row r = rows.get("ex-" + i);
      double[][] s = samples(r);
      assertEquals(3, s.length, "the three outputs as they are");
      double variance = 0;
      double[] mean = new double[3];
      for (int o = 0; o < 3; o++) {
        double ss = 0;
        for (int k = 0; k < T; k++) {
          mean[o] += s[o][k] / T;
          ss += s[o][k] * s[o][k] / T;
          outsideUnit |= s[o][k] < 0 || s[o][k] > 1;
        }
        variance += Math.max(0, ss - mean[o] * mean[o]) / 3;
      }
      assertScores(r, new double[] {0, 0, variance, 0, 0}, new boolean[] {false, false, true, false, false},
          r.getString(0));
      assertEquals(variance, r.getDouble(r.fieldIndex("priority")), 1e-9);
      assertNull(r.get(r.fieldIndex("predicted_class")));
      assertNull(r.get(r.fieldIndex("probabilities")));
      double[] m = doubles(r, "mean");
      for (int o = 0; o < 3; o++) {
        assertEquals(mean[o], m[o], 1e-9);
      }
      double[] d = dl4j(c, i, 6);
      double[] got = doubles(det.get("ex-" + i), "mean");
      for (int o = 0; o < 3; o++) {
        assertEquals(d[o], got[o], 1e-4 * Math.max(1, Math.abs(d[o])), "output " + o + " equals DL4J's");
      }
    }
    assertTrue(outsideUnit, "values outside [0, 1] are scored as they are (never softmaxed or refused)");
    String html = lastReport("regression");
    assertTrue(html.contains("variance per output"), "picks by the variance of their outputs");
    assertFalse(html.contains("two most probable classes"));
  }

  @Test
  void detectionScoresTheClassDistributionOfEveryBoxAndCell() throws Exception {
    Case c = prepare("detection", detection(), 8);
    Map<String, Row> rows = jobAndApi(c, OutputKind.DETECTION, "--input-shape", "2,2,2", "--heuristic", "certainty");
    Map<String, Row> det = nearDeterministic(c, "--input-shape", "2,2,2", "--heuristic", "certainty");
    for (int i = 0; i < N; i++) {
      Row r = rows.get("ex-" + i);
      double[][] s = samples(r);
      assertEquals(24, s.length, "[3 classes x 2 boxes x 2 x 2 cells]");
      for (int pos = 0; pos < 8; pos++) {
        for (int k = 0; k < T; k++) {
          assertEquals(1.0, s[pos][k] + s[8 + pos][k] + s[16 + pos][k], 1e-5, "YoloUtils' softmax over the classes");
        }
      }
      double[] want = byHand(s, 3);
      assertScores(r, want, ALL, r.getString(0));
      assertEquals(-want[4], r.getDouble(r.fieldIndex("priority")), 1e-9);
      // DL4J's output [16, 2, 2]: box b's class c at channel b * 8 + 5 + c.
      double[] d = dl4j(c, i, 2, 2, 2);
      double[] got = doubles(det.get("ex-" + i), "probabilities");
      for (int cl = 0; cl < 3; cl++) {
        for (int b = 0; b < 2; b++) {
          for (int cell = 0; cell < 4; cell++) {
            assertEquals(d[(b * 8 + 5 + cl) * 4 + cell], got[(cl * 2 + b) * 4 + cell], 1e-4,
                "class " + cl + " box " + b + " cell " + cell);
          }
        }
      }
    }
    String html = lastReport("detection");
    assertTrue(html.contains("box 1, bald per cell"), "a map per anchor box");
  }

  @Test
  void heuristicsAndKindsThatMeanNothingAreRefusedBeforeAnyWork() throws Exception {
    MultiLayerNetwork regression = dense(3, Activation.IDENTITY, LossFunction.MSE);
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> PosteriorScorer.of(regression, ScorerSettings.builder().build()));
    assertTrue(e.getMessage().contains("heuristic bald") && e.getMessage().contains("regression")
        && e.getMessage().contains("variance, random") && e.getMessage().contains("output layer 1 (OutputLayer)"), e.getMessage());
    MultiLayerNetwork multi = dense(4, Activation.SIGMOID, LossFunction.XENT);
    e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> PosteriorScorer.of(multi, ScorerSettings.builder().heuristic("margin").build()));
    assertTrue(e.getMessage().contains("multi-label"), e.getMessage());
    MultiLayerNetwork seg = segmentation(1, Activation.SIGMOID, LossFunction.XENT);
    e = assertThrows(InvalidHeuristicArgumentException.class, () -> PosteriorScorer.of(seg,
        ScorerSettings.builder().heuristic("batch_bald").inputShape(List.of(1, 4, 4)).build()));
    assertTrue(e.getMessage().contains("per-position") && e.getMessage().contains("one class distribution per"
        + " example"), e.getMessage());
    OutputKindException k = assertThrows(OutputKindException.class, () -> PosteriorScorer.of(multi,
        ScorerSettings.builder().outputKind(OutputKind.BINARY).build()));
    assertTrue(k.getMessage().contains("binary") && k.getMessage().contains("[4]"), k.getMessage());
    // Through the command line: refused, and nothing written.
    Case c = prepare("refused", multi, 6);
    Path out = dir.resolve("refused-out");
    assertThrows(OutputKindException.class, () -> ScoreJob.run(spark, Cli.settings("--model", c.model().toString(),
        "--pool", c.pool().toString(), "--out", out.toString(), "--output-kind", "binary")));
    assertFalse(Files.exists(out.resolve("scores")), "refused before any work");
    // As a user runs it: one paragraph naming the heuristic and the kind, exit 1, nothing written.
    Path world = Files.createDirectories(dir.resolve("cli-world"));
    Case r = prepareIn(world, "cli-regression", regression, 6);
    Launcher cli = new Launcher(Files.createDirectories(dir.resolve("cli-cwd")),
        Files.createDirectories(dir.resolve("cli-logs")), Launcher.FAST_START);
    cli.refused(world, 1, List.of("heuristic bald", "regression", "output layer 1 (OutputLayer)", "--heuristic"),
        "score", "--model", r.model().toString(), "--pool", r.pool().toString(), "--out",
        world.resolve("out").toString(), "--iterations", "4");
    // The option overrides: the same sigmoids read as plain values.
    jobAndApi(c, OutputKind.REGRESSION, "--output-kind", "regression", "--heuristic", "variance");
  }
}
