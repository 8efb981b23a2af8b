package org.mcposterior.jobs.report;

import java.util.Locale;
import org.mcposterior.evaluation.Histogram;
import org.mcposterior.heuristics.Heuristics;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.stats.Moments;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stats.Samples;

/**
 * The picks of a run whose output is not one class distribution per example, shown by their
 * uncertainty at every position instead of class histograms: a map of BALD per pixel for a
 * segmentation output (channels first, {@code [C, H, W]}), one map per anchor box for detection,
 * and for the other kinds (multi-label, sequences, regression) a histogram of the per-label,
 * per-position or per-output score. The per-position scores come from core ({@link
 * PosteriorScores#perPosition}) on the pick's samples in the run's view.
 */
final class PositionMaps {
  private PositionMaps() {}

  static void render(HtmlPage page, ReportPage.Content c, int bins, Probabilities probabilities) {
    OutputKind kind = c.kind();
    int[] raw = c.rawShape();
    int[] scored = c.scoredShape();
    String score = Heuristics.uncertaintyScore(kind);
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
      double[] per = PosteriorScores.perPosition(m, score);
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
            : kind == OutputKind.REGRESSION ? "output" : "position") + " (" + per.length + ")", score,
            Histogram.of(per, bins), mean), score);
      }
      page.endRow();
    }
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
