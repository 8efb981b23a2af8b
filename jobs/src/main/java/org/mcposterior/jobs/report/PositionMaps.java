package org.mcposterior.jobs.report;

import java.util.Locale;
import org.mcposterior.evaluation.Histogram;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.stats.Moments;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.OutputView;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stats.Samples;

/**
 * The picks of a run whose output is not one class distribution per example, shown by their
 * uncertainty at every position instead of class histograms: a map of BALD per pixel for a
 * segmentation output (channels first, {@code [C, H, W]}), one map per anchor box for detection,
 * and for the other kinds (multi-label, sequences, regression) a histogram of the per-label,
 * per-position or per-output score. The per-position scores come from core ({@link
 * PosteriorScores#perPosition}) on the pick's samples in the run's view. A pick that is a sequence
 * shorter than the run's time length (padded at the end and masked when sampled) is shown over its
 * real time steps only: its padded positions are left out, as its scores leave them out.
 */
final class PositionMaps {
  private PositionMaps() {}

  /**
   * @param inputShape the run's per-example input shape ({@code --input-shape}, possibly empty): with
   *     the pick's features it tells how many time steps of a shorter sequence are real
   */
  static void render(HtmlPage page, ReportPage.Content c, int bins, Probabilities probabilities,
      java.util.List<Integer> inputShape) {
    OutputKind kind = c.kind();
    int[] raw = c.rawShape();
    int[] scored = c.scoredShape();
    Heuristic uncertainty = Heuristic.uncertainty(kind);
    String score = uncertainty.scoreColumn();
    String unit = switch (kind) {
      case MULTI_LABEL -> "label";
      case DETECTION -> "anchor box and grid cell (class probabilities only; box coordinates and confidences are"
          + " not scored)";
      case REGRESSION -> "output";
      default -> "position";
    };
    page.heading("Uncertainty of the first " + c.pickKeys().size() + " picks, per " + (kind == OutputKind.MULTI_LABEL
        ? "label" : kind == OutputKind.REGRESSION ? "output" : "position"));
    page.paragraph("The output kind is " + kind.label() + ": each pick's " + score + " per " + unit + ", from the "
        + "posterior samples " + c.samplesSource() + ". " + (kind == OutputKind.REGRESSION ? "" : "Maps are scaled "
        + "from the pick's lowest (black) to its highest (white) value."));
    if (scored.length == 0) {
      page.paragraph("The run's summary does not say its output shape, so no map can be drawn.");
      return;
    }
    for (String k : c.pickKeys()) {
      float[][] smp = c.pickSamples().get(k);
      page.subheading(k);
      if (smp == null || smp.length == 0) {
        page.paragraph("no samples for this pick");
        continue;
      }
      int t = smp[0].length;
      float[] flat = new float[smp.length * t];
      for (int o = 0; o < smp.length; o++) {
        System.arraycopy(smp[o], 0, flat, o * t, t);
      }
      int[] shape = new int[scored.length + 2];
      shape[0] = 1;
      System.arraycopy(scored, 0, shape, 1, scored.length);
      shape[shape.length - 1] = t;
      Samples s = Samples.of(flat, shape);
      Moments m = kind == OutputKind.REGRESSION ? MomentsBatch.ofValues(s).example(0)
          : MomentsBatch.of(s, probabilities).example(0);
      double[] per = PosteriorScores.perPosition(m, uncertainty);
      int[] real = realSteps(kind, raw, inputShape, c.features().get(k));
      String padding = "";
      if (real != null) {
        // a shorter sequence: its padded (masked) steps are left out, as the run's scores leave them out
        boolean[] keep = OutputView.of(kind, raw, "the run's output").realPositions(real[0], real[1]);
        int kept = 0;
        for (boolean b : keep) {
          kept += b ? 1 : 0;
        }
        double[] cut = new double[kept];
        for (int p = 0, j = 0; p < per.length; p++) {
          if (keep[p]) {
            cut[j++] = per[p];
          }
        }
        padding = "; " + real[0] + " of " + real[1] + " time steps real, " + (per.length - kept)
            + " padded positions left out";
        per = cut;
      }
      page.row();
      if (kind == OutputKind.PER_POSITION && raw.length == 3) {
        image(page, per, 0, raw[1], raw[2], k + ": " + score + " per pixel " + range(per, 0, per.length));
      } else if (kind == OutputKind.DETECTION) {
        int cells = scored[2] * scored[3];
        for (int b = 0; b < scored[1]; b++) {
          image(page, per, b * cells, scored[2], scored[3], k + ": box " + b + ", " + score + " per cell "
              + range(per, b * cells, cells));
        }
      } else {
        double mean = 0;
        for (double v : per) {
          mean += v / per.length;
        }
        page.figureChart(new HistogramChart(k + ": " + score + " per " + (kind == OutputKind.MULTI_LABEL ? "label"
            : kind == OutputKind.REGRESSION ? "output" : "position") + " (" + per.length + padding + ")", score,
            Histogram.of(per, bins), mean), score);
      }
      page.endRow();
    }
  }

  /**
   * {@code {steps, timeSteps}} when the pick is a sequence shorter than the run's time length whose
   * output has positions in time (a per-time-step output of raw shape {@code [C, timeSteps]}, the
   * time length being one of the two dimensions of the input shape); null otherwise (a full-length
   * pick, an output without time positions, or unknown features).
   */
  static int[] realSteps(OutputKind kind, int[] raw, java.util.List<Integer> inputShape, float[] features) {
    if (features == null || kind == OutputKind.DETECTION || raw.length != 2 || inputShape.size() != 2
        || !inputShape.contains(raw[1])) {
      return null;
    }
    int timeSteps = raw[1];
    int width = inputShape.get(0) * inputShape.get(1) / timeSteps;
    if (features.length >= width * timeSteps || features.length == 0 || features.length % width != 0) {
      return null;
    }
    return new int[] {features.length / width, timeSteps};
  }

  private static void image(HtmlPage page, double[] v, int from, int h, int w, String caption) {
    float[] f = new float[h * w];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) v[from + i];
    }
    page.image(Images.png(f, 1, h, w), Math.max(84, 3 * w), caption);
  }

  private static String range(double[] v, int from, int n) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (int i = from; i < from + n; i++) {
      lo = Math.min(lo, v[i]);
      hi = Math.max(hi, v[i]);
    }
    return String.format(Locale.ROOT, "(%.4g to %.4g)", lo, hi);
  }
}
