package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.Main;
import org.mcposterior.jobs.testsupport.SharedSpark;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.spark.ScorerSettings;

/**
 * ONNX models exported from PyTorch through the command line and the API, on the Spark line this
 * build runs: {@code sample} of the reference's own two examples gives baal's posterior (mean, sd
 * and quantiles of 10,000 iterations, within Monte-Carlo error), {@code score} and {@code report}
 * run an ONNX model like a DL4J one with the same keyed-randomness invariants (partitions, shards,
 * reruns), the API takes ONNX bytes and paths, and an unsupported op is refused before any work.
 * The models and baal's numbers are the committed fixtures of {@code core/src/test/resources/onnx}.
 */
class OnnxModelJobTest {
  static final Path FIXTURES = Path.of("..", "core", "src", "test", "resources", "onnx").toAbsolutePath().normalize();
  static SparkSession spark;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
  }

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  static JsonNode fixture(String name) throws Exception {
    return new ObjectMapper().readTree(FIXTURES.resolve(name + ".json").toFile());
  }

  static Path model(String name) {
    return FIXTURES.resolve(name + ".onnx");
  }

  /** The fixture's examples as JSON lines {@code {"id": "x<i>", "features": [...]}}. */
  static Path inputs(String name) throws Exception {
    JsonNode f = fixture(name);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < f.get("inputs").size(); i++) {
      lines.add("{\"id\": \"x" + i + "\", \"features\": " + f.get("inputs").get(i) + "}");
    }
    Path p = dir.resolve(name + "-inputs.json");
    Files.write(p, lines);
    return p;
  }

  /** id -> samples [outputs][T] of a sample output's Parquet. */
  static Map<String, float[][]> samples(Path parquet) {
    Map<String, float[][]> m = new HashMap<>();
    for (Row r : spark.read().parquet(parquet.toString()).selectExpr("id", "size(samples)", "flatten(samples)")
        .collectAsList()) {
      List<Float> flat = r.getList(2);
      int outputs = r.getInt(1);
      int t = flat.size() / outputs;
      float[][] a = new float[outputs][t];
      for (int o = 0; o < outputs; o++) {
        for (int k = 0; k < t; k++) {
          a[o][k] = flat.get(o * t + k);
        }
      }
      m.put(r.getString(0), a);
    }
    return m;
  }

  /**
   * Our {@code T} samples of each example and output against baal's statistics of its own 10,000:
   * means within 5 standard errors of a difference of two MC means; sds within 10 %; and each of
   * baal's quantiles {@code v_q} placed at level {@code q} of our samples ({@code #{x < v_q} / T <=
   * q + tol} and {@code #{x <= v_q} / T >= q - tol}, which holds for lumpy distributions too).
   */
  static void assertMatchesBaal(String name, Map<String, float[][]> ours) throws Exception {
    JsonNode baal = fixture(name).get("baal");
    int outputs = ours.get("x0").length;
    int checked = 0;
    for (int n = 0; n < ours.size(); n++) {
      float[][] s = ours.get("x" + n);
      for (int o = 0; o < outputs; o++) {
        int k = n * outputs + o;
        float[] v = s[o];
        int t = v.length;
        double mean = 0;
        for (float x : v) {
          mean += x;
        }
        mean /= t;
        double var = 0;
        for (float x : v) {
          var += (x - mean) * (x - mean);
        }
        double sd = Math.sqrt(var / t);
        double baalMean = baal.get("mean").get(k).asDouble();
        double baalSd = baal.get("sd").get(k).asDouble();
        double se = Math.sqrt(sd * sd / t + baalSd * baalSd / baal.get("iterations").asInt());
        String what = name + " example " + n + " output " + o;
        assertTrue(Math.abs(mean - baalMean) <= 5 * se + 1e-7, what + ": mean " + mean + ", baal " + baalMean);
        assertEquals(baalSd, sd, 0.1 * baalSd + 1e-7, what + ": sd");
        double tol = 5 * Math.sqrt(0.25 / t + 0.25 / baal.get("iterations").asInt());
        for (var q : (Iterable<Map.Entry<String, JsonNode>>) () -> baal.get("quantiles").fields()) {
          double level = Double.parseDouble(q.getKey());
          double value = q.getValue().get(k).asDouble();
          long below = 0;
          long atOrBelow = 0;
          for (float x : v) {
            below += x < value - 1e-6 ? 1 : 0;
            atOrBelow += x <= value + 1e-6 ? 1 : 0;
          }
          assertTrue((double) below / t <= level + tol && (double) atOrBelow / t >= level - tol, what + ": baal's "
              + level + " quantile " + value + " lies at " + below / (double) t + ".." + atOrBelow / (double) t
              + " of our samples");
          checked++;
        }
      }
    }
    assertTrue(checked >= 15, "quantiles compared: " + checked);
  }

  @Test
  void sampleOfTheReferenceMcDropoutMlpExportedFromPyTorchIsBaalsPosterior() throws Exception {
    Path out = dir.resolve("mlp-samples");
    Run r = cli("sample", "--model", model("baal_mlp").toString(), "--input", inputs("baal_mlp").toString(),
        "--format", "json", "--iterations", "10000", "--seed", "3", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, float[][]> s = samples(out.resolve("samples"));
    assertEquals(3, s.size());
    assertEquals(10_000, s.get("x0")[0].length);
    assertMatchesBaal("baal_mlp", s);
  }

  @Test
  void sampleOfTheReferenceDropConnectModelExportedFromPyTorchIsBaalsPosterior() throws Exception {
    Path out = dir.resolve("dummy-samples");
    Run r = cli("sample", "--model", model("baal_dummy").toString(), "--input", inputs("baal_dummy").toString(),
        "--format", "json", "--iterations", "10000", "--seed", "4", "--dropconnect", "0.9", "--dropconnect-layers",
        "Linear", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertMatchesBaal("baal_dummy", samples(out.resolve("samples")));
  }

  /** A pool of 90 examples of 10 features, in a Parquet folder of {@code partitions} files. */
  static Path pool(String name, int partitions) {
    float[][] x = Fixtures.features(21, 90, 10);
    return Fixtures.parquetPool(spark, dir, name, x, partitions);
  }

  static Map<String, double[]> scores(Path out) {
    Map<String, double[]> m = new HashMap<>();
    Dataset<Row> df = spark.read().parquet(out.resolve("scores").toString());
    List<String> cols = Arrays.stream(df.columns()).filter(c -> !c.equals("id") && !c.equals("samples")).sorted()
        .toList();
    for (Row r : df.collectAsList()) {
      double[] v = new double[cols.size()];
      for (int i = 0; i < v.length; i++) {
        Object o = r.get(r.fieldIndex(cols.get(i)));
        v[i] = o instanceof Number num ? num.doubleValue() : Double.NaN;
      }
      m.put(r.getString(r.fieldIndex("id")), v);
    }
    return m;
  }

  @Test
  void scoreAndReportRunAnOnnxModelWithTheKeyedInvariantsOfDl4jModels() throws Exception {
    Path model = model("baal_mlp");
    Path one = pool("pool-1", 1);
    Path three = pool("pool-3", 3);
    String[] common = {"--model", model.toString(), "--iterations", "40", "--seed", "8", "--top-k", "5",
        "--output-kind", "classes", "--probabilities", "logits"};
    Path a = dir.resolve("score-a");
    Path b = dir.resolve("score-b");
    Path c = dir.resolve("score-c");
    assertEquals(0, cli(concat("score", common, "--pool", one.toString(), "--out", a.toString())).code());
    Run rb = cli(concat("score", common, "--pool", three.toString(), "--out", b.toString(), "--iteration-shards", "4",
        "--batch-size", "7"));
    assertEquals(0, rb.code(), rb.err());
    assertEquals(0, cli(concat("score", common, "--pool", one.toString(), "--out", c.toString())).code());
    Map<String, double[]> sa = scores(a);
    Map<String, double[]> sb = scores(b);
    Map<String, double[]> sc = scores(c);
    assertEquals(90, sa.size());
    for (String id : sa.keySet()) {
      assertTrue(Arrays.equals(sa.get(id), sc.get(id)), "a rerun is bitwise equal for " + id);
      for (int i = 0; i < sa.get(id).length; i++) {
        double x = sa.get(id)[i];
        double y = sb.get(id)[i];
        // the same masks; the float samples may differ in the last bit where a batch of another size changes
        // the GEMM's blocking, hence 1e-6 and not bitwise (as for DL4J models, SampleCommandTest)
        assertTrue(Double.compare(x, y) == 0 || Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x)),
            "partitions, shards and batch size change nothing for " + id + ": " + x + " and " + y);
      }
    }
    // a different seed gives other samples: the ONNX Dropout nodes are MC sites
    Path d = dir.resolve("score-d");
    String[] other = common.clone();
    other[5] = "9";
    assertEquals(0, cli(concat("score", other, "--pool", one.toString(), "--out", d.toString())).code());
    assertNotEquals(Arrays.toString(sa.get("ex-0")), Arrays.toString(scores(d).get("ex-0")));
    Path report = dir.resolve("report-a.html");
    Run rr = cli("report", "--scores", a.toString(), "--out", report.toString(), "--picks", "3");
    assertEquals(0, rr.code(), rr.err());
    String page = Files.readString(report);
    assertTrue(page.contains("baal_mlp.onnx"), "the report page names the ONNX model it resampled");
  }

  private static String[] concat(String command, String[] common, String... more) {
    String[] all = new String[1 + common.length + more.length];
    all[0] = command;
    System.arraycopy(common, 0, all, 1, common.length);
    System.arraycopy(more, 0, all, 1 + common.length, more.length);
    return all;
  }

  @Test
  void theApiScoresAnOnnxModelFromItsBytesOrItsPath() throws Exception {
    ScorerSettings settings = ScorerSettings.builder().iterations(20).seed(2)
        .outputKind(org.mcposterior.stats.OutputKind.CLASSES).probabilities(org.mcposterior.stats.Probabilities.LOGITS)
        .build();
    Dataset<Row> pool = Fixtures.frame(spark, Fixtures.features(5, 12, 10), 0, 12);
    byte[] bytes = Files.readAllBytes(model("baal_mlp"));
    List<Row> fromBytes = PosteriorScorer.fromBytes(bytes, "baal_mlp.onnx", settings).score(pool).orderBy("id")
        .collectAsList();
    List<Row> fromPath = PosteriorScorer.fromPath(new org.apache.hadoop.fs.Path(model("baal_mlp").toUri()),
        spark.sparkContext().hadoopConfiguration(), settings).score(pool).orderBy("id").collectAsList();
    assertEquals(12, fromBytes.size());
    assertEquals(fromBytes, fromPath);
  }

  @Test
  void anOnnxModelWithAnUnsupportedOpIsRefusedBeforeAnyWork() throws Exception {
    Path out = dir.resolve("refused");
    float[][] x = Fixtures.features(3, 10, 6);
    Path p = Fixtures.parquetPool(spark, dir, "pool-6", x, 1);
    Run r = cli("score", "--model", model("unsupported_sin").toString(), "--pool", p.toString(), "--out",
        out.toString());
    assertNotEquals(0, r.code());
    String node = fixture("unsupported_sin").get("unsupported_node").asText();
    assertTrue(r.err().contains(node) && r.err().contains("Sin"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(out), "nothing written");
  }
}
