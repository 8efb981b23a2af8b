package org.mcposterior.jobs.report;

import java.util.ArrayList;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.stats.OutputKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.evaluation.CoveragePoint;
import org.mcposterior.evaluation.Histogram;
import org.mcposterior.jobs.score.ScoreSettings;

/**
 * The report's page laid out from what {@link ReportJob} computed: the run, the score
 * distributions, the statistics against the labels (when given), the top picks' table, and the
 * posterior histograms (and input images) of the first picks, then the report's own timings.
 */
final class ReportPage {
  private ReportPage() {}

  /**
   * What the page shows. {@code topAll} is the run's whole top-k output (counted only for the
   * labelled table); {@code top} its first rows in rank order.
   */
  record Content(long scored, Histogram[] distributions, ReportJob.Top picked, ReportJob.Labelled labelled,
      ReportJob.Picks picks, Output output) {

    Dataset<Row> topAll() {
      return picked.all();
    }

    List<Row> top() {
      return picked.first();
    }

    Map<String, Integer> topLabels() {
      return labelled.topLabels();
    }

    double picksAccuracy() {
      return labelled.picksAccuracy();
    }

    Calibration mc() {
      return labelled.mc();
    }

    Calibration deterministic() {
      return labelled.deterministic();
    }

    List<CoveragePoint> coverageByEntropy() {
      return labelled.coverageByEntropy();
    }

    List<CoveragePoint> coverageByBald() {
      return labelled.coverageByBald();
    }

    List<String> pickKeys() {
      return picks.keys();
    }

    List<Integer> imageShape() {
      return picks.imageShape();
    }

    Map<String, float[]> features() {
      return picks.features();
    }

    Map<String, float[][]> pickSamples() {
      return picks.samples();
    }

    String samplesSource() {
      return picks.source();
    }

    OutputKind kind() {
      return output.kind();
    }

    int[] rawShape() {
      return output.rawShape();
    }

    int[] scoredShape() {
      return output.scoredShape();
    }
  }

  /** What the run's output is: its kind, the network's output shape and the shape that was scored. */
  record Output(OutputKind kind, int[] rawShape, int[] scoredShape) {}

  /** The page's closing line: when the report started, its phases' timings, and the Spark master it ran on. */
  record Closing(long t0, Map<String, Double> timings, String master) {}

  /**
   * The page's HTML. {@code labelled}: the report was given a label column; {@code t0} and
   * {@code timings}: when the report started and its phases so far, for the closing line.
   */
  static String render(ReportSettings r, ScoreSettings s, Map<String, Object> summary, String id, boolean labelled,
      Content content, Closing closing) {
    HtmlPage page = new HtmlPage("mcposterior report: " + r.scores());
    run(page, summary);
    distributions(page, r, content);
    if (content.mc() != null) {
      againstLabels(page, r, s, content);
    }
    topPicks(page, r, s, id, labelled, content);
    int picks = content.pickKeys().size();
    if (picks > 0 && !content.kind().hasOnePrediction()) {
      PositionMaps.render(page, content, r.bins(), s.scorer().probabilities(), s.scorer().inputShape());
    } else if (picks > 0) {
      picksPosterior(page, r, s, content);
    }
    closingLine(page, closing.t0(), closing.timings(), closing.master());
    return page.render();
  }

  /** The run: what was scored and how ({@link #runSummary}), then the run's settings, one row each. */
  private static void run(HtmlPage page, Map<String, Object> summary) {
    page.heading("Run");
    page.keyValues(runSummary(summary));
    page.subheading("Settings");
    page.keyValues(RunTable.settingsRows((Map<?, ?>) summary.get("settings")));
  }

  /** One histogram per score the run's output kind has, binned over the whole pool. */
  private static void distributions(HtmlPage page, ReportSettings r, Content content) {
    Histogram[] dist = content.distributions();
    page.heading("Scores over the whole pool (" + content.scored() + " examples)");
    page.paragraph("Each score binned into " + r.bins() + " equal-width bins by a Spark aggregate on the executors.");
    List<Chart> distCharts = new ArrayList<>();
    List<Heuristic> columns = Heuristic.scored(); // in the order of ReportJob.SCORES and dist
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).fits(content.kind())) { // the others are null for this kind
        distCharts.add(new HistogramChart(columns.get(i).scoreColumn(), columns.get(i).scoreColumn(), dist[i],
            Double.NaN));
      }
    }
    page.charts(distCharts);
  }

  /** Accuracy, ECE and NLL of the MC mean, the deterministic network and the picks; reliability; coverage. */
  private static void againstLabels(HtmlPage page, ReportSettings r, ScoreSettings s, Content content) {
    Calibration mcCal = content.mc();
    Calibration detCal = content.deterministic();
    double picksAccuracy = content.picksAccuracy();
    page.heading("Against the labels (" + r.labelColumn() + ")");
    page.table(List.of("", "examples", "accuracy", "ECE", "NLL (nats)"), List.of(
        List.of("MC mean (" + s.scorer().iterations() + " iterations)", Long.toString(mcCal.count()), pct(mcCal.accuracy()),
            fmt(mcCal.ece()), fmt(mcCal.nll())),
        List.of("deterministic network", Long.toString(detCal.count()), pct(detCal.accuracy()), fmt(detCal.ece()),
            fmt(detCal.nll())),
        List.of("top " + content.topAll().count() + " picks by " + s.scorer().heuristic(), "", pct(picksAccuracy), "", "")));
    page.charts(List.of(
        new BarChart("accuracy: pool vs picks", "accuracy", List.of("pool (MC)", "pool (deterministic)", "picks"),
            new double[] {mcCal.accuracy(), detCal.accuracy(), picksAccuracy}),
        new ReliabilityChart("reliability (" + mcCal.bins().size() + " bins)", List.of(
            new ReliabilityChart.Entry("MC mean", mcCal), new ReliabilityChart.Entry("deterministic", detCal))),
        new LineChart("accuracy vs coverage (most uncertain set aside)", "coverage", "accuracy", List.of(
            curve("by entropy", content.coverageByEntropy()), curve("by BALD", content.coverageByBald())))));
  }

  /** The first rows of the top-k output: rank, id, priority, prediction, every score, and the label if given. */
  private static void topPicks(HtmlPage page, ReportSettings r, ScoreSettings s, String id, boolean labelled,
      Content content) {
    List<Row> top = content.top();
    Map<String, Integer> topLabels = content.topLabels();
    page.heading("Top picks by " + s.scorer().heuristic());
    List<String> header = new ArrayList<>(List.of("rank", id, "priority", "predicted"));
    header.addAll(ReportJob.SCORES);
    if (labelled) {
      header.add("label");
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(r.tableRows(), top.size()); i++) {
      Row t = top.get(i);
      List<String> cells = new ArrayList<>(List.of(String.valueOf(t.get(0)), String.valueOf(t.get(1)),
          fmt(t.getDouble(t.fieldIndex("priority"))), t.isNullAt(t.fieldIndex("predicted_class")) ? ""
              : String.valueOf(t.get(t.fieldIndex("predicted_class")))));
      for (String c : ReportJob.SCORES) {
        cells.add(t.isNullAt(t.fieldIndex(c)) ? "" : fmt(t.getDouble(t.fieldIndex(c))));
      }
      if (labelled) {
        Integer y = topLabels.get(String.valueOf(t.get(1)));
        cells.add(y == null ? "" : y + (y == t.getInt(t.fieldIndex("predicted_class")) ? "" : " (wrong)"));
      }
      rows.add(cells);
    }
    page.table(header, rows);
  }

  /** For a class output: each of the first picks' input image and the histograms of its two most probable classes. */
  private static void picksPosterior(HtmlPage page, ReportSettings r, ScoreSettings s, Content content) {
    int picks = content.pickKeys().size();
    page.heading("Posterior of the first " + picks + " picks");
    page.paragraph("Histograms (" + r.bins() + " bins) of the " + s.scorer().iterations() + " posterior samples of each pick's"
        + " two most probable classes, " + content.samplesSource() + "; the dashed line is the mean.");
    for (int i = 0; i < picks; i++) {
      pick(page, r, content, i);
    }
  }

  /** The {@code i}-th pick: its heading, its input as an image (when it has the image's shape), its histograms. */
  private static void pick(HtmlPage page, ReportSettings r, Content content, int i) {
    List<Integer> imageShape = content.imageShape();
    Map<String, float[]> features = content.features();
    Map<String, Integer> topLabels = content.topLabels();
    String k = content.pickKeys().get(i);
    float[][] smp = content.pickSamples().get(k);
    page.subheading("#" + (i + 1) + " " + k + (topLabels.containsKey(k) ? " (label " + topLabels.get(k) + ")" : ""));
    page.row();
    // a shorter sequence of a sequence pool (fewer values than the shape) is not drawn
    if (!imageShape.isEmpty() && features.containsKey(k)
        && features.get(k).length == imageShape.stream().mapToInt(Integer::intValue).reduce(1, (a, b) -> a * b)) {
      int c = imageShape.size() == 3 ? imageShape.get(0) : 1;
      int h = imageShape.get(imageShape.size() - 2);
      int w = imageShape.get(imageShape.size() - 1);
      page.image(Images.png(features.get(k), c, h, w), Math.max(84, 3 * w), "input " + k);
    }
    if (smp != null) {
      for (int cls : PickSamples.topClasses(smp, 2)) {
        double[] v = new double[smp[cls].length];
        double mean = 0;
        for (int t = 0; t < v.length; t++) {
          v[t] = smp[cls][t];
          mean += v[t];
        }
        page.figureChart(new HistogramChart(k + ": class " + cls, "p(class " + cls + ")",
            Histogram.of(v, r.bins()), mean / v.length), "class " + cls);
      }
    }
    page.endRow();
  }

  /** How long the report took, phase by phase, and where it ran. */
  private static void closingLine(HtmlPage page, long t0, Map<String, Double> timings, String master) {
    double seconds = (System.nanoTime() - t0) / 1e9;
    StringBuilder phases = new StringBuilder();
    timings.forEach((k, v) -> phases.append(phases.length() == 0 ? "" : ", ").append(k)
        .append(String.format(Locale.ROOT, " %.1f s", v)));
    page.paragraph(String.format(Locale.ROOT, "Report made in %.1f s (%s) by mcposterior report on %s.", seconds,
        phases, master));
  }

  /**
   * The run table: what ran (model, pool, heuristic, sampling), then every value of the run's
   * summary as a labelled row in its units ({@link RunTable}).
   */
  private static Map<String, Object> runSummary(Map<String, Object> summary) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<?, ?> settings = (Map<?, ?>) summary.get("settings");
    m.put("model", settings.get("model"));
    m.put("pool", settings.get("pool") + " (" + settings.get("format") + ")");
    m.put("heuristic / top-k", settings.get("heuristic") + " / " + settings.get("top_k"));
    m.put("iterations / masks", settings.get("iterations") + " / " + settings.get("mode"));
    m.put("dropout / dropconnect", (settings.get("dropout") == null ? "each layer's own" : settings.get("dropout"))
        + " / " + (settings.get("dropconnect") == null ? "off" : settings.get("dropconnect") + " on "
        + settings.get("dropconnect_layers")));
    m.putAll(RunTable.rows(summary));
    return m;
  }

  private static LineChart.Series curve(String name, List<CoveragePoint> c) {
    double[] x = new double[c.size()];
    double[] y = new double[c.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = c.get(i).coverage();
      y[i] = c.get(i).accuracy();
    }
    return LineChart.Series.of(name, x, y);
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}
