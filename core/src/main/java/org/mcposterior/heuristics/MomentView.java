package org.mcposterior.heuristics;

import org.mcposterior.stats.FastLog;
import org.mcposterior.stats.InvalidSamplesException;
import org.mcposterior.stats.Moments;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.OutputShape;

/**
 * The formulas of the moment-based heuristics, over one example's moments loaded into reusable
 * arrays. With {@code n} iterations, mean probability {@code m[c] = sum[c] / n} at a position and
 * {@code H(q) = -sum_c q_c ln q_c} (nats, {@code 0 ln 0 = 0}, logs by {@link FastLog}):
 * <ul>
 *   <li>entropy {@code = H(m)};
 *   <li>BALD {@code = H(m) - (1/n) sum_t H(p_t) = H(m) + sumPLogP / n}, clamped at 0 (it is a
 *       mutual information; rounding can leave {@code -1e-17});
 *   <li>variance of class {@code c} {@code = sumSq[c] / n - m[c]^2} (population variance, as
 *       numpy's {@code var}), clamped at 0;
 *   <li>margin {@code = m(1) - m(2)}, the two largest means; certainty {@code = m(1)}.
 * </ul>
 * Mutable and not thread-safe: one view per scoring call.
 */
final class MomentView {
  final int classes;
  final int positions;
  private long count;
  private final double[] sums;
  private final double[] squares;
  private final double[] plogp;
  private final double[] mean;
  private final double[] perPosition;
  private final double[] perClass;
  private final double[] meanEntropy;
  private boolean meanEntropyReady;
  private boolean[] keep;

  MomentView(OutputShape shape) {
    this.classes = shape.classes();
    this.positions = shape.positions();
    this.sums = new double[shape.size()];
    this.squares = new double[shape.size()];
    this.plogp = new double[positions];
    this.mean = new double[shape.size()];
    this.perPosition = new double[positions];
    this.perClass = new double[classes];
    this.meanEntropy = new double[positions];
  }

  /**
   * The positions the reductions over positions keep ({@link Reduction#reduce(double[], boolean[],
   * int)}), e.g. the real time steps of a padded sequence; null keeps every position.
   */
  void keep(boolean[] k) {
    if (k != null && k.length != positions) {
      throw new InvalidHeuristicArgumentException("position mask of " + k.length + " values for " + positions
          + " positions: expected one flag per position");
    }
    this.keep = k;
  }

  /** {@code perPosition} reduced by {@code r} over the kept positions. */
  private double reduced(Reduction r) {
    return keep == null ? r.reduce(perPosition, positions) : r.reduce(perPosition, keep, positions);
  }

  void load(MomentsBatch batch, int n) {
    count = batch.copyExample(n, sums, squares, 0, plogp, 0);
    computeMeans(n);
  }

  void load(Moments m) {
    count = m.count();
    m.copyTo(sums, squares, 0, plogp, 0);
    computeMeans(-1);
  }

  private void computeMeans(long example) {
    if (count == 0) {
      throw new InvalidSamplesException((example >= 0 ? "example " + example + " has" : "the moments have")
          + " T = 0 iterations: expected at least 1 to score. Fix: combine at least one shard of samples"
          + " into every example before scoring");
    }
    meanEntropyReady = false;
    double inv = 1.0 / count;
    for (int o = 0; o < mean.length; o++) {
      mean[o] = sums[o] * inv;
    }
  }

  /** {@code H(m)} at {@code pos}, in nats; computed once per loaded example. */
  double entropyOfMean(int pos) {
    if (!meanEntropyReady) {
      for (int p = 0; p < positions; p++) {
        double h = 0;
        for (int c = 0, o = p; c < classes; c++, o += positions) {
          double m = mean[o];
          if (m > 0) {
            h -= m * FastLog.log(m);
          }
        }
        meanEntropy[p] = h;
      }
      meanEntropyReady = true;
    }
    return meanEntropy[pos];
  }

  double bald(Reduction r) {
    for (int pos = 0; pos < positions; pos++) {
      perPosition[pos] = Math.max(0.0, entropyOfMean(pos) + plogp[pos] / count);
    }
    return reduced(r);
  }

  double entropy(Reduction r) {
    for (int pos = 0; pos < positions; pos++) {
      perPosition[pos] = entropyOfMean(pos);
    }
    return reduced(r);
  }

  double variance(Reduction overClasses, Reduction overPositions) {
    for (int pos = 0; pos < positions; pos++) {
      for (int c = 0, o = pos; c < classes; c++, o += positions) {
        double m = mean[o];
        perClass[c] = Math.max(0.0, squares[o] / count - m * m);
      }
      perPosition[pos] = overClasses.reduce(perClass, classes);
    }
    return reduced(overPositions);
  }

  double margin(Reduction r) {
    for (int pos = 0; pos < positions; pos++) {
      double first = Double.NEGATIVE_INFINITY;
      double second = Double.NEGATIVE_INFINITY;
      for (int c = 0, o = pos; c < classes; c++, o += positions) {
        double m = mean[o];
        if (m > first) {
          second = first;
          first = m;
        } else if (m > second) {
          second = m;
        }
      }
      perPosition[pos] = first - second;
    }
    return reduced(r);
  }

  double certainty(Reduction r) {
    for (int pos = 0; pos < positions; pos++) {
      double first = Double.NEGATIVE_INFINITY;
      for (int c = 0, o = pos; c < classes; c++, o += positions) {
        first = Math.max(first, mean[o]);
      }
      perPosition[pos] = first;
    }
    return reduced(r);
  }

  /**
   * The score {@code score} (one with a score column: bald, entropy, variance, margin, certainty)
   * at every position, before any reduction: each method above fills {@code perPosition} and then
   * reduces it, so the values are read back after a call (variance reduced over the classes by
   * their mean).
   */
  double[] perPosition(Heuristic score) {
    score.fillPerPosition(this);
    return perPosition.clone();
  }

  /** The class with the largest mean probability at {@code pos}; the lower class on ties. */
  int predictedClass(int pos) {
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (mean[c * positions + pos] > mean[best * positions + pos]) {
        best = c;
      }
    }
    return best;
  }

  /** Copies the mean probabilities (flat layout) into {@code dst[off ..]}. */
  void copyMeans(double[] dst, int off) {
    System.arraycopy(mean, 0, dst, off, mean.length);
  }
}
