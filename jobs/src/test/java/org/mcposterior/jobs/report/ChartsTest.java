package org.mcposterior.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.evaluation.Histogram;

/** The SVG text of each chart (the browser test checks what is drawn). */
class ChartsTest {

  static int marks(String svg) {
    Matcher m = Pattern.compile("class=\"mark[\" ]").matcher(svg);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void histogramDrawsOneBarPerNonEmptyBinWithHeightsInProportion() {
    Histogram h = Histogram.of(new double[] {0.1, 0.1, 0.6, 0.9}, 4, 0, 1);
    String svg = new HistogramChart("h <1>", "value", h, 0.425).svg();
    assertEquals(3, marks(svg)); // bins 0, 2, 3
    assertTrue(svg.contains("h &lt;1&gt;"));
    assertTrue(svg.contains("class=\"marker\""));
    Matcher m = Pattern.compile("<rect class=\"mark\"[^>]*height=\"([0-9.]+)\"").matcher(svg);
    assertTrue(m.find());
    double tall = Double.parseDouble(m.group(1));
    assertTrue(m.find());
    double low = Double.parseDouble(m.group(1));
    assertEquals(2.0, tall / low, 0.02);
  }

  @Test
  void axisNumbersStayShort() {
    assertEquals("0", Svg.num(0));
    assertEquals("0.25", Svg.num(0.25));
    assertEquals("1200", Svg.num(1200));
    assertEquals("180k", Svg.num(180_000));
    assertEquals("1.6M", Svg.num(1_600_000));
    assertEquals("0.00020", Svg.num(2e-4));
    assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, Svg.ticks(0, 1), 1e-12);
    assertArrayEquals(new double[] {0, 20, 40, 60, 80, 100}, Svg.ticks(0, 100), 1e-9); // span / 5 = 20: step 2 x 10
    assertArrayEquals(new double[] {-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6}, Svg.ticks(-0.7, 0.6), 1e-12); // 0.26: step 2 x 0.1
  }

  @Test
  void lineWithBandOverSeeds() {
    double[] x = {1, 2, 3};
    LineChart.Series s = LineChart.Series.overSeeds("acc", x, new double[][] {{0.5, 0.6, 0.7}, {0.7, 0.8, 0.9}});
    assertArrayEquals(new double[] {0.6, 0.7, 0.8}, s.y(), 1e-12);
    assertEquals(0.6 - Math.sqrt(0.02), s.lower()[0], 1e-12); // sd of {0.5, 0.7} = sqrt(0.02)
    String svg = new LineChart("curve", "labels", "accuracy", List.of(s, LineChart.Series.of("b", x, x)), 0, 1).svg();
    assertTrue(svg.contains("class=\"mark band\""));
    assertEquals(2 + 1 + 6, marks(svg)); // two lines, one band, six points
    assertThrows(IllegalArgumentException.class, () -> LineChart.Series.of("bad", x, new double[2]));
  }

  @Test
  void reliabilityAndBars() {
    Calibration c = Calibration.of(new double[][] {{0.9, 0.1}, {0.6, 0.4}, {0.45, 0.55}}, new int[] {0, 1, 1}, 5);
    String rel = new ReliabilityChart("rel", List.of(new ReliabilityChart.Entry("mc", c))).svg();
    assertEquals(1 + 3, marks(rel));
    assertTrue(rel.contains("ECE"));
    String bars = new BarChart("acc", "accuracy", List.of("pool", "picks"), new double[] {0.8, 0.4}).svg();
    assertEquals(2, marks(bars));
  }

  @Test
  void pageIsSelfContainedAndWrittenSafely(@TempDir Path dir) throws Exception {
    String html = new HtmlPage("t & t").paragraph("<script>").table(List.of("a"), List.of(List.of("1"))).render();
    assertTrue(html.contains("Content-Security-Policy"));
    assertTrue(html.contains("&lt;script&gt;"));
    assertFalse(html.contains("<script"));
    Path out = dir.resolve("r.html");
    ReportFile.write(out, html, false);
    String written = Files.readString(out);
    assertTrue(written.startsWith(html), "the page, then its manifest line");
    assertTrue(written.substring(html.length()).matches("\\n?<!-- mcposterior-page version=1 run=[0-9a-f-]{36}"
        + " sha256=[0-9a-f]{64} -->\\n"), written.substring(html.length()));
    assertEquals(null, ReportFile.problem(out));
    assertThrows(ReportPathException.class, () -> ReportFile.write(out, "other", false));
    assertEquals(written, Files.readString(out));
    ReportFile.write(out, "new", true);
    assertTrue(Files.readString(out).startsWith("new\n<!-- mcposterior-page "));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count()); // no temporary sibling left
    }
    assertThrows(ReportPathException.class, () -> ReportFile.write(dir.resolve("no/r.html"), "x", false));
  }
}
