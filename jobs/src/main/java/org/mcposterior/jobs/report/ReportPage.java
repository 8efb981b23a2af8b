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
  record Content(long scored, Histogram[] distributions, Dataset<Row> topAll, List<Row> top,
      Map<String, Integer> topLabels, double picksAccuracy, Calibration mc, Calibration deterministic,
      List<CoveragePoint> coverageByEntropy, List<CoveragePoint> coverageByBald, List<String> pickKeys,
      List<Integer> imageShape, Map<String, float[]> features, Map<String, float[][]> pickSamples,
      String samplesSource, OutputKind kind, int[] rawShape, int[] scoredShape) {}

  /**
   * The page's HTML. {@code labelled}: the report was given a label column; {@code t0} and
   * {@code timings}: when the report started and its phases so far, for the closing line.
   */
  static String render(ReportSettings r, ScoreSettings s, Map<String, Object> summary, String id, boolean labelled,
      Content content, long t0, Map<String, Double> timings, String master) {
    long scored = content.scored();
    Histogram[] dist = content.distributions();
    Dataset<Row> topAll = content.topAll();
    List<Row> top = content.top();
    Map<String, Integer> topLabels = content.topLabels();
    double picksAccuracy = content.picksAccuracy();
    Calibration mcCal = content.mc();
    Calibration detCal = content.deterministic();
    List<CoveragePoint> covEntropy = content.coverageByEntropy();
    List<CoveragePoint> covBald = content.coverageByBald();
    List<String> pickKeys = content.pickKeys();
    int picks = pickKeys.size();
    List<Integer> imageShape = content.imageShape();
    Map<String, float[]> features = content.features();
    Map<String, float[][]> pickSamples = content.pickSamples();
    String source = content.samplesSource();
    HtmlPage page = new HtmlPage("mcposterior report: " + r.scores());
    page.heading("Run");
    page.keyValues(runSummary(summary));
    page.heading("Scores over the whole pool (" + scored + " examples)");
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
    if (mcCal != null) {
      page.heading("Against the labels (" + r.labelColumn() + ")");
      page.table(List.of("", "examples", "accuracy", "ECE", "NLL (nats)"), List.of(
          List.of("MC mean (" + s.scorer().iterations() + " iterations)", Long.toString(mcCal.count()), pct(mcCal.accuracy()),
              fmt(mcCal.ece()), fmt(mcCal.nll())),
          List.of("deterministic network", Long.toString(detCal.count()), pct(detCal.accuracy()), fmt(detCal.ece()),
              fmt(detCal.nll())),
          List.of("top " + topAll.count() + " picks by " + s.scorer().heuristic(), "", pct(picksAccuracy), "", "")));
      page.charts(List.of(
          new BarChart("accuracy: pool vs picks", "accuracy", List.of("pool (MC)", "pool (deterministic)", "picks"),
              new double[] {mcCal.accuracy(), detCal.accuracy(), picksAccuracy}),
          new ReliabilityChart("reliability (" + mcCal.bins().size() + " bins)", List.of(
              new ReliabilityChart.Entry("MC mean", mcCal), new ReliabilityChart.Entry("deterministic", detCal))),
          new LineChart("accuracy vs coverage (most uncertain set aside)", "coverage", "accuracy", List.of(
              curve("by entropy", covEntropy), curve("by BALD", covBald)))));
    }
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
    if (picks > 0 && !content.kind().hasOnePrediction()) {
      PositionMaps.render(page, content, r.bins(), s.scorer().probabilities(), s.scorer().inputShape());
    } else if (picks > 0) {
      page.heading("Posterior of the first " + picks + " picks");
      page.paragraph("Histograms (" + r.bins() + " bins) of the " + s.scorer().iterations() + " posterior samples of each pick's"
          + " two most probable classes, " + source + "; the dashed line is the mean.");
      for (int i = 0; i < picks; i++) {
        String k = pickKeys.get(i);
        float[][] smp = pickSamples.get(k);
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
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    StringBuilder phases = new StringBuilder();
    timings.forEach((k, v) -> phases.append(phases.length() == 0 ? "" : ", ").append(k)
        .append(String.format(Locale.ROOT, " %.1f s", v)));
    page.paragraph(String.format(Locale.ROOT, "Report made in %.1f s (%s) by mcposterior report on %s.", seconds,
        phases, master));
    return page.render();
  }

  private static Map<String, Object> runSummary(Map<String, Object> summary) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<?, ?> settings = (Map<?, ?>) summary.get("settings");
    m.put("model", settings.get("model"));
    m.put("model fingerprint", summary.get("model_fingerprint"));
    m.put("pool", settings.get("pool") + " (" + settings.get("format") + ")");
    m.put("seed", summary.get("seed"));
    m.put("heuristic / top-k", settings.get("heuristic") + " / " + settings.get("top_k"));
    m.put("iterations / masks", settings.get("iterations") + " / " + settings.get("mode"));
    m.put("dropout / dropconnect", (settings.get("dropout") == null ? "each layer's own" : settings.get("dropout"))
        + " / " + (settings.get("dropconnect") == null ? "off" : settings.get("dropconnect") + " on "
        + settings.get("dropconnect_layers")));
    m.put("counts", summary.get("counts"));
    m.put("plan", summary.get("plan"));
    m.put("timings (s)", summary.get("timings"));
    Object eps = summary.get("example_iterations_per_second");
    m.put("throughput", eps instanceof Number n ? String.format(Locale.ROOT, "%,.0f example-iterations/s", n.doubleValue())
        : String.valueOf(eps));
    m.put("spark", summary.get("spark"));
    m.put("all settings", settings);
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
