package org.mcposterior.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The pages as a person sees them: made by the real commands (score --report, report with labels,
 * sample --example), opened in a real headless Chromium. Every chart must have drawn marks with
 * non-empty geometry, every image must decode, the page must request nothing but itself, and a
 * full-page screenshot is kept in {@code target/report-screenshots/}.
 */
class ReportBrowserTest {
  static final Path SCREENSHOTS = Path.of("target", "report-screenshots");
  static final String CHECK = "JSON.stringify({charts: Array.from(document.querySelectorAll('svg.chart')).map(s => {"
      + " const marks = Array.from(s.querySelectorAll('.mark'));"
      + " const drawn = marks.filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;"
      + " const r = s.getBoundingClientRect();"
      + " return {kind: s.dataset.kind, title: s.querySelector('title').textContent, marks: marks.length, drawn: drawn,"
      + " width: r.width, height: r.height}; }),"
      + " images: Array.from(document.images).map(i => ({w: i.naturalWidth, h: i.naturalHeight, done: i.complete}))})";

  static SparkSession spark;
  @TempDir static Path dir;
  static Path model;
  static Path pool;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    model = ReportFixtures.cnn(dir);
    pool = ReportFixtures.imagePool(spark, dir, "pool", 300);
  }

  /** Opens the page, checks it, keeps a screenshot; returns the check's result. */
  static JsonNode look(Browser b, Path page, String name) throws Exception {
    String html = Files.readString(page);
    assertTrue(html.contains("http-equiv=\"Content-Security-Policy\" content=\"" + HtmlPage.CSP + "\""), "strict CSP");
    assertFalse(html.contains("<script"), "no script");
    Matcher urls = Pattern.compile("(https?:)?//[a-zA-Z0-9.-]+").matcher(html.replace("http://www.w3.org/2000/svg", ""));
    assertFalse(urls.find(), () -> "no external reference, found " + urls.group());
    b.open(page);
    JsonNode r = new ObjectMapper().readTree(b.evaluate(CHECK).asText());
    b.screenshot(SCREENSHOTS.resolve(name + ".png"));
    assertTrue(Files.size(SCREENSHOTS.resolve(name + ".png")) > 10_000, "a screenshot with content");
    List<String> requests = b.requests();
    assertEquals(1, requests.stream().filter(u -> u.startsWith("file:")).count(), () -> "only the page: " + requests);
    for (String u : requests) {
      assertTrue(u.startsWith("file:") || u.startsWith("data:"), () -> "the page requested " + u);
    }
    assertTrue(r.get("charts").size() > 0, "charts on " + name);
    for (JsonNode c : r.get("charts")) {
      assertTrue(c.get("drawn").asInt() > 0, () -> "chart '" + c.get("title").asText() + "' drew nothing: " + c);
      assertEquals(c.get("marks").asInt(), c.get("drawn").asInt(), () -> "every mark has geometry: " + c);
      assertTrue(c.get("width").asDouble() > 100 && c.get("height").asDouble() > 100, () -> "chart is laid out: " + c);
    }
    for (JsonNode i : r.get("images")) {
      assertTrue(i.get("done").asBoolean() && i.get("w").asInt() > 0, () -> "image decoded: " + i);
    }
    return r;
  }

  static long count(JsonNode r, String kind) {
    long n = 0;
    for (JsonNode c : r.get("charts")) {
      n += c.get("kind").asText().equals(kind) ? 1 : 0;
    }
    return n;
  }

  @Test
  void reportsAndSamplePagesDrawEverythingAndFetchNothing() throws Exception {
    Path out = dir.resolve("scored");
    Path scoreReport = dir.resolve("score-report.html");
    ReportFixtures.Run score = ReportFixtures.cli("score", "--model", model.toString(), "--pool", pool.toString(), "--out",
        out.toString(), "--input-shape", "1,8,8", "--iterations", "20", "--seed", "7", "--top-k", "30",
        "--report", scoreReport.toString());
    assertEquals(0, score.code(), score.err());
    assertTrue(Files.exists(scoreReport), "score --report wrote its page");

    Path labelled = dir.resolve("report.html");
    ReportFixtures.Run report = ReportFixtures.cli("report", "--scores", out.toString(), "--out", labelled.toString(),
        "--label-col", "label");
    assertEquals(0, report.code(), report.err());

    Path post = dir.resolve("post");
    ReportFixtures.Run sample = ReportFixtures.cli("sample", "--example", "mc-dropout", "--iterations", "2000", "--out",
        post.toString());
    assertEquals(0, sample.code(), sample.err());

    try (Browser b = new Browser(dir.resolve("chromium-profile"))) {
      JsonNode r = look(b, labelled, "report-labelled");
      assertEquals(5 + 20 * 2, count(r, "histogram"), "5 score distributions + 2 classes x 20 picks");
      assertEquals(1, count(r, "reliability"));
      assertEquals(1, count(r, "line"), "accuracy vs coverage");
      assertEquals(1, count(r, "bars"), "accuracy pool vs picks");
      assertEquals(20, r.get("images").size(), "the 20 picks drawn as images");
      assertEquals(8, r.get("images").get(0).get("w").asInt());

      JsonNode s = look(b, scoreReport, "report-score");
      assertEquals(0, count(s, "reliability"), "no labels given: no calibration");
      assertEquals(5 + 40, count(s, "histogram"));

      JsonNode p = look(b, post.resolve("posterior.html"), "sample-mc-dropout");
      assertEquals(16, count(p, "histogram"), "8 inputs x 2 outputs");
    }
    String html = Files.readString(labelled);
    assertTrue(html.contains("ECE") && html.contains("deterministic network") && html.contains("resampled"), html.length() + "");
    assertNotNull(Browser.binary());
  }
}
