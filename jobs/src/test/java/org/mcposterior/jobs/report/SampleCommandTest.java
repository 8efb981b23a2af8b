package org.mcposterior.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.evaluation.Histogram;
import org.mcposterior.evaluation.PosteriorSummary;
import org.mcposterior.jobs.testsupport.SharedSpark;

/** The {@code sample} command: the reference's two examples, its outputs, keyed masks shared with score, bad input. */
class SampleCommandTest {
  static SparkSession spark;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
  }

  /** id -> samples [outputs][T] of a sample or score output's Parquet. */
  static Map<String, float[][]> samples(Path parquet, String idCol) {
    Map<String, float[][]> m = new HashMap<>();
    for (Row r : spark.read().parquet(parquet.toString())
        .selectExpr(idCol, "size(samples)", "flatten(samples)").collectAsList()) {
      List<Float> flat = r.getList(2);
      int outputs = r.getInt(1);
      int t = flat.size() / outputs;
      float[][] a = new float[outputs][t];
      for (int o = 0; o < outputs; o++) {
        for (int k = 0; k < t; k++) {
          a[o][k] = flat.get(o * t + k);
        }
      }
      m.put(String.valueOf(r.get(0)), a);
    }
    return m;
  }

  static float[][] run(String name, String... args) throws Exception {
    Path out = dir.resolve(name);
    String[] all = new String[args.length + 3];
    all[0] = "sample";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--out";
    all[args.length + 2] = out.toString();
    ReportFixtures.Run r = ReportFixtures.cli(all);
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(out.resolve("posterior.html")) && Files.exists(out.resolve("summary.json")));
    return samples(out.resolve("samples"), "id").get("x0");
  }

  @Test
  void mcDropoutReferenceExampleHasShape8x2x10000AndItsHistogramMeanIsTheSampleMean() throws Exception {
    Path out = dir.resolve("mlp-1");
    float[][] x0 = run("mlp-1", "--example", "mc-dropout", "--seed", "1");
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("[8,2,10000]", summary.get("shape").toString());
    Map<String, float[][]> all = samples(out.resolve("samples"), "id");
    assertEquals(8, all.size());
    for (float[][] s : all.values()) {
      assertEquals(2, s.length);
      assertEquals(10000, s[0].length);
    }
    assertEquals(16, spark.read().parquet(out.resolve("stats").toString()).count());

    PosteriorSummary s1 = PosteriorSummary.of(x0[0], 0, 10000);
    double[] v = new double[10000];
    for (int t = 0; t < v.length; t++) {
      v[t] = x0[0][t];
    }
    Histogram h = Histogram.of(v, 50);
    assertEquals(10000, h.total());
    double halfBin = (h.upper() - h.lower()) / 100;
    assertTrue(Math.abs(h.mean() - s1.mean()) <= halfBin, () -> "histogram mean " + h.mean() + " vs " + s1.mean());
    assertEquals(s1.mean(), summary.get("stats").get(0).get("mean").asDouble(), 1e-12);
    assertTrue(s1.sd() > 0, "MC dropout samples vary");

    // the mean is a Monte-Carlo estimate: an independent run (other mask seed) agrees within its error
    float[][] other = run("mlp-2", "--example", "mc-dropout", "--seed", "2");
    PosteriorSummary s2 = PosteriorSummary.of(other[0], 0, 10000);
    double err = Math.hypot(s1.standardError(), s2.standardError());
    assertTrue(Math.abs(s1.mean() - s2.mean()) < 5 * err, () -> s1.mean() + " vs " + s2.mean() + " (error " + err + ")");
    assertFalse(java.util.Arrays.equals(x0[0], other[0]), "other seed, other masks");
    // and the same seed repeats the same samples
    assertArrayEquals(x0[0], run("mlp-1b", "--example", "mc-dropout", "--seed", "1")[0]);
  }

  @Test
  void dropConnectReferenceExampleHasShape1x1x10000() throws Exception {
    float[][] x0 = run("dc", "--example", "dropconnect");
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("dc").resolve("summary.json").toFile());
    assertEquals("[1,1,10000]", summary.get("shape").toString());
    assertEquals(0.9, summary.get("settings").get("dropconnect").asDouble(), 0);
    java.util.Set<Float> distinct = new java.util.HashSet<>();
    for (float p : x0[0]) {
      assertTrue(p > 0 && p < 1, "sigmoid output");
      distinct.add(p);
    }
    assertTrue(distinct.size() > 1, "DropConnect masks differ between iterations");
  }

  @Test
  void samplesOfAnIdAreTheScoreRunsSamplesOfThatId() throws Exception {
    Path model = ReportFixtures.cnn(dir);
    Path pool = ReportFixtures.imagePool(spark, dir, "pool-keyed", 40);
    Path scored = dir.resolve("scored-keyed");
    ReportFixtures.Run s = ReportFixtures.cli("score", "--model", model.toString(), "--pool", pool.toString(), "--out",
        scored.toString(), "--input-shape", "1,8,8", "--iterations", "30", "--seed", "9", "--write-samples",
        "--batch-size", "16");
    assertEquals(0, s.code(), s.err());
    Path few = dir.resolve("few.json");
    spark.read().parquet(pool.toString()).filter("id in ('img-0003', 'img-0017', 'img-0031')").coalesce(1).write()
        .json(few.toString());
    Path out = dir.resolve("post-keyed");
    ReportFixtures.Run r = ReportFixtures.cli("sample", "--model", model.toString(), "--input", few.toString(),
        "--format", "json", "--input-shape", "1,8,8", "--iterations", "30", "--seed", "9", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, float[][]> fromScore = samples(scored.resolve("scores"), "id");
    Map<String, float[][]> fromSample = samples(out.resolve("samples"), "id");
    assertEquals(3, fromSample.size());
    for (Map.Entry<String, float[][]> e : fromSample.entrySet()) {
      float[][] a = e.getValue();
      float[][] b = fromScore.get(e.getKey());
      assertEquals(b.length, a.length);
      for (int o = 0; o < a.length; o++) {
        assertArrayEquals(b[o], a[o], 1e-5f, "keyed masks: the same samples, to float rounding, for " + e.getKey());
      }
    }
  }

  @Test
  void badInputIsOneParagraphAndWritesNothing() throws Exception {
    Path out = dir.resolve("bad");
    // Wrong arguments are usage errors (exit 2); what reading finds is exit 1 (issue 8: one rule for every option).
    ReportFixtures.Run r = ReportFixtures.cli("sample", "--example", "lenet", "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--example lenet is not known") && r.err().contains("mc-dropout"), r.err());
    r = ReportFixtures.cli("sample", "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--model and --input"), r.err());
    assertFalse(Files.exists(out));
    Files.createDirectories(out);
    r = ReportFixtures.cli("sample", "--example", "mc-dropout", "--iterations", "10", "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("already exists"), r.err());
    try (var files = Files.list(out)) {
      assertEquals(0, files.count(), "the existing output is untouched");
    }
  }
}
