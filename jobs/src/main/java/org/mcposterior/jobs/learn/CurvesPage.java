package org.mcposterior.jobs.learn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcposterior.jobs.report.HtmlPage;
import org.mcposterior.jobs.report.LineChart;
import org.mcposterior.training.CurveSummary;

/**
 * The learning-curve page of a {@code learn} run, in the report's page format: one curve per
 * heuristic, the mean over seeds with a band of one standard deviation, for test accuracy, NLL
 * and ECE (deterministic and MC mean) and the accuracy on the labelled set.
 */
final class CurvesPage {
  private static final Map<String, String> TITLES = new LinkedHashMap<>();

  static {
    TITLES.put("test_accuracy", "Test accuracy (dropout off)");
    TITLES.put("mc_accuracy", "Test accuracy of the MC mean");
    TITLES.put("test_nll", "Test NLL, deterministic (nats)");
    TITLES.put("mc_nll", "Test NLL, MC mean (nats)");
    TITLES.put("test_ece", "Test ECE, deterministic");
    TITLES.put("mc_ece", "Test ECE, MC mean");
    TITLES.put("labelled_accuracy", "Accuracy on the labelled set");
  }

  private CurvesPage() {}

  /**
   * @param curves heuristic -> metric -> summary over seeds
   */
  static String html(LearnSettings s, Map<String, Map<String, CurveSummary>> curves, Map<String, Object> summary) {
    HtmlPage page = new HtmlPage("mcposterior learn: active learning on Fashion-MNIST");
    page.paragraph(String.format(Locale.ROOT, "%s network, %s posterior%s, T = %d; pool %,d, initial %d (balanced),"
        + " %d steps of %d; seeds %s; test images %,d. Lines: mean over seeds; bands: one standard deviation.",
        s.network(), s.posterior(), s.posterior().equals("dropconnect") ? " (weight drop " + s.weightDrop() + ")" : "",
        s.iterations(), s.poolSize(), s.initial(), s.steps(), s.query(), s.seeds(), s.testSize()));
    List<String> header = List.of("heuristic", "seeds", "test accuracy at " + s.budget(), "sd", "test NLL", "MC NLL", "test ECE",
        "MC ECE", "labelled-set accuracy");
    List<List<String>> rows = new ArrayList<>();
    curves.forEach((h, m) -> rows.add(List.of(h, Integer.toString(last(m.get("test_accuracy").seeds())),
        f(m.get("test_accuracy").last()), f(last(m.get("test_accuracy").sd())),
        f(m.get("test_nll").last()), f(m.get("mc_nll").last()), f(m.get("test_ece").last()), f(m.get("mc_ece").last()),
        f(m.get("labelled_accuracy").last()))));
    page.heading("At the final budget").table(header, rows);
    Object reach = summary.get("labels_to_reach_random");
    if (reach != null) {
      page.paragraph("Labels each heuristic needs to reach Random's mean test accuracy at " + s.budget() + " labels"
          + " (null: not within the budget): " + reach);
    }
    page.heading("Learning curves").row();
    for (Map.Entry<String, String> metric : TITLES.entrySet()) {
      List<LineChart.Series> series = new ArrayList<>();
      curves.forEach((h, m) -> {
        CurveSummary c = m.get(metric.getKey());
        double[] x = new double[c.labels().length], lo = new double[x.length], hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          x[i] = c.labels()[i];
          lo[i] = c.mean()[i] - c.sd()[i];
          hi[i] = c.mean()[i] + c.sd()[i];
        }
        series.add(LineChart.Series.withBand(h, x, c.mean(), lo, hi));
      });
      page.chart(new LineChart(metric.getValue(), "labelled examples", metric.getKey(), series));
    }
    page.endRow();
    return page.render();
  }

  private static int last(int[] a) {
    return a[a.length - 1];
  }

  private static double last(double[] a) {
    return a[a.length - 1];
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
