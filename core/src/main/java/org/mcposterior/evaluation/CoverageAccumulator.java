package org.mcposterior.evaluation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates an accuracy-against-coverage curve: examples are counted, with whether their
 * prediction was right, into equal-width bins of their uncertainty score over {@code [lower,
 * upper]} (bin rule of {@link HistogramAccumulator}); the curve keeps the most certain examples
 * first, one bin at a time. Mergeable ({@link #combine}, integer counts, exact in any order), so a
 * Spark job reduces a pool on its executors. Not thread-safe.
 *
 * <p>Point {@code j} keeps bins {@code 0..j}: threshold = upper edge of bin {@code j}, kept = their
 * examples, coverage = kept / all counted, accuracy = right among kept. Bins with no example add
 * no point. Values outside the range or NaN are refused: choose the range from the data's minimum
 * and maximum first (a Spark aggregate), as {@link Histogram#range} does.
 */
public final class CoverageAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final HistogramAccumulator all;
  private final HistogramAccumulator right;

  public CoverageAccumulator(int bins, double lower, double upper) {
    all = new HistogramAccumulator(bins, lower, upper);
    right = new HistogramAccumulator(bins, lower, upper);
  }

  /** Counts one example with uncertainty {@code u} (in the range) and whether it was right. */
  public CoverageAccumulator add(double u, boolean correct) {
    if (all.binOf(u) < 0) {
      throw new InvalidEvaluationInputException("uncertainty " + u + " is outside the coverage range ["
          + all.result().lower() + ", " + all.result().upper() + "] or NaN");
    }
    all.add(u);
    if (correct) {
      right.add(u);
    }
    return this;
  }

  /** Adds {@code other} into this accumulator and returns {@code this}. */
  public CoverageAccumulator combine(CoverageAccumulator other) {
    if (other == this) {
      throw new InvalidEvaluationInputException("a coverage accumulator cannot be combined with itself");
    }
    all.combine(other.all);
    right.combine(other.right);
    return this;
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  /** The curve, most certain first, ending at coverage 1. Empty when nothing was counted. */
  public List<CoveragePoint> result() {
    Histogram a = all.result();
    Histogram r = right.result();
    long n = a.total();
    List<CoveragePoint> points = new ArrayList<>();
    long kept = 0;
    long ok = 0;
    for (int j = 0; j < a.bins(); j++) {
      if (a.count(j) == 0) {
        continue;
      }
      kept += a.count(j);
      ok += r.count(j);
      points.add(new CoveragePoint(a.edge(j + 1), kept, (double) kept / n, (double) ok / kept));
    }
    return List.copyOf(points);
  }

  /**
   * The curve of {@code uncertainty[i]} / {@code correct[i]} with {@code bins} bins over the data's
   * range ({@link Histogram#range}).
   */
  public static List<CoveragePoint> curve(double[] uncertainty, boolean[] correct, int bins) {
    if (uncertainty.length != correct.length) {
      throw new InvalidEvaluationInputException(uncertainty.length + " uncertainties but " + correct.length
          + " outcomes; expected one per example");
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double u : uncertainty) {
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    double[] range = Histogram.range(min, max);
    CoverageAccumulator acc = new CoverageAccumulator(bins, range[0], range[1]);
    for (int i = 0; i < uncertainty.length; i++) {
      acc.add(uncertainty[i], correct[i]);
    }
    return acc.result();
  }
}
