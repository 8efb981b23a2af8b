package org.mcposterior.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.models.Network;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.mcposterior.jobs.testsupport.SharedSpark;

/** The report's numbers against the same numbers computed directly, in the test, from collected data. */
class ReportJobTest {
  static SparkSession spark;
  @TempDir static Path dir;
  static Path model;
  static Path pool;
  static Path scored;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    model = ReportFixtures.cnn(dir);
    pool = ReportFixtures.imagePool(spark, dir, "pool", 150);
    scored = dir.resolve("scored");
    ReportFixtures.Run r = ReportFixtures.cli("score", "--model", model.toString(), "--pool", pool.toString(), "--out",
        scored.toString(), "--input-shape", "1,8,8", "--iterations", "25", "--seed", "3", "--top-k", "12",
        "--write-samples", "--iteration-shards", "2");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void resampledPicksAreTheRunsWrittenSamples() {
    ScoreSettings s = ReportJob.check(spark, ReportSettings.of(scored.toString(), dir.resolve("x.html").toString(), false,
        null, null)).settings();
    List<String> keys = new ArrayList<>();
    for (Row r : spark.read().parquet(scored.resolve("top_k").toString()).orderBy("rank").limit(6).collectAsList()) {
      keys.add(r.getString(1));
    }
    Map<String, float[][]> written = PickSamples.writtenSamples(spark.read().parquet(scored.resolve("scores").toString()),
        "id", keys);
    Map<String, float[][]> resampled = PickSamples.resample(spark, s, keys, PickSamples.pickFeatures(spark, s, keys));
    assertEquals(6, written.size());
    assertEquals(written.keySet(), resampled.keySet());
    for (String k : keys) {
      assertEquals(3, written.get(k).length);
      for (int c = 0; c < 3; c++) {
        assertEquals(25, written.get(k)[c].length);
        assertArrayEquals(written.get(k)[c], resampled.get(k)[c], 1e-5f, "keyed masks give the run's samples: " + k);
      }
    }
  }

  @Test
  void labelledStatisticsEqualTheDirectComputation() throws Exception {
    ReportJob.Result res = ReportJob.run(spark, ReportSettings.of(scored.toString(), dir.resolve("l.html").toString(),
        false, "label", null));
    assertEquals(150, res.scored());
    Map<String, Integer> labels = new HashMap<>();
    Map<String, float[]> features = new HashMap<>();
    for (Row r : spark.read().parquet(pool.toString()).collectAsList()) {
      labels.put(r.getString(0), r.getInt(2));
      List<Float> f = r.getList(1);
      float[] x = new float[f.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = f.get(i);
      }
      features.put(r.getString(0), x);
    }
    List<Row> scores = spark.read().parquet(scored.resolve("scores").toString()).select("id", "probabilities")
        .orderBy("id").collectAsList();
    double[][] mc = new double[scores.size()][];
    double[][] det = new double[scores.size()][];
    int[] y = new int[scores.size()];
    Network net = Network.load(model);
    for (int i = 0; i < scores.size(); i++) {
      String id = scores.get(i).getString(0);
      List<Double> p = scores.get(i).getList(1);
      mc[i] = p.stream().mapToDouble(Double::doubleValue).toArray();
      y[i] = labels.get(id);
      INDArray out = net.output(Nd4j.create(features.get(id), new long[] {1, 1, 8, 8}, 'c'))[0];
      det[i] = out.toDoubleVector();
    }
    Calibration expectMc = Calibration.of(mc, y);
    Calibration expectDet = Calibration.of(det, y);
    assertEquals(expectMc.count(), res.mc().count());
    assertEquals(expectMc.accuracy(), res.mc().accuracy(), 0);
    assertEquals(expectMc.ece(), res.mc().ece(), 1e-12);
    assertEquals(expectMc.nll(), res.mc().nll(), 1e-12);
    assertEquals(expectMc.bins().stream().map(b -> b.count()).toList(),
        res.mc().bins().stream().map(b -> b.count()).toList());
    assertEquals(expectDet.accuracy(), res.deterministic().accuracy(), 0);
    assertEquals(expectDet.ece(), res.deterministic().ece(), 1e-6);
    assertEquals(expectDet.nll(), res.deterministic().nll(), 1e-6);
    assertTrue(res.picksAccuracy() >= 0 && res.picksAccuracy() <= 1);
  }

  /**
   * The run table of the real page reads as a person reads it: labelled rows with units, the
   * run's settings one per row, and no Java map printed as Java prints it ({@code {rows=150, ...}}).
   */
  @Test
  void theRunTableIsLabelledRowsWithUnits() throws Exception {
    Path page = dir.resolve("run-table.html");
    ReportJob.run(spark, ReportSettings.of(scored.toString(), page.toString(), false, null, null));
    String html = Files.readString(page);
    String run = html.substring(html.indexOf("<h2>Run</h2>"), html.indexOf("<h2>", html.indexOf("<h2>Run</h2>") + 1));
    Matcher dump = Pattern.compile("\\{[^{}]*=[^{}]*\\}").matcher(run);
    assertTrue(!dump.find(), () -> "a map dump in the run table: " + dump.group());
    int settingsAt = run.indexOf("<h3>Settings</h3>");
    assertTrue(settingsAt > 0, "the run's settings have a table of their own");
    Map<String, String> rows = rows(run.substring(0, settingsAt));
    Map<String, String> settings = rows(run.substring(settingsAt));
    assertEquals("150", rows.get("rows read"), "a count with its label: " + rows);
    assertEquals("150", rows.get("examples scored"), rows.toString());
    assertEquals("12", rows.get("top-k picks written"), rows.toString());
    assertTrue(rows.getOrDefault("model load", "").matches("\\d+\\.\\d\\d s"), "a timing in seconds: " + rows);
    assertTrue(rows.getOrDefault("scoring", "").matches("\\d+\\.\\d\\d s"), rows.toString());
    assertTrue(rows.getOrDefault("throughput", "").matches("[\\d,]+ example-iterations/s"), rows.toString());
    assertTrue(rows.getOrDefault("driver peak heap", "").matches("\\d+\\.\\d [KMG]iB"), rows.toString());
    assertEquals("1 × 8 × 8", rows.get("input shape"), rows.toString());
    assertEquals("2", rows.get("iteration shards"), rows.toString());
    assertEquals("3", rows.get("seed"), rows.toString());
    assertEquals("25 passes", settings.get("iterations"), "a setting by its declared label, with its unit: " + settings);
    assertEquals("12 examples", settings.get("top k"), settings.toString());
    assertEquals("true", settings.get("samples written"), settings.toString());
  }

  /** The label and value of each row of the two-column tables in {@code html}. */
  private static Map<String, String> rows(String html) {
    Map<String, String> rows = new LinkedHashMap<>();
    Matcher row = Pattern.compile("<tr><th class=\"l\">([^<]*)</th><td class=\"l\">([^<]*)</td></tr>").matcher(html);
    while (row.find()) {
      rows.put(row.group(1), row.group(2));
    }
    return rows;
  }
}
