package org.mcposterior.evaluation;

import java.util.Arrays;

/**
 * An equal-width histogram over {@code [lower, upper]}: bin {@code i} holds the values in {@code
 * [lower + i w, lower + (i + 1) w)} with {@code w = (upper - lower) / bins}; the last bin also holds
 * {@code upper}. Values outside the range and NaN are not in any bin and are counted apart.
 *
 * <p>Immutable. Built by {@link #of(double[], int)} (range from the data), {@link #of(double[], int,
 * double, double)} (given range) or a {@link HistogramAccumulator} (mergeable, for Spark).
 */
public final class Histogram {
  private final double lower;
  private final double upper;
  private final long[] counts;
  private final long outOfRange;
  private final long nan;

  Histogram(double lower, double upper, long[] counts, long outOfRange, long nan) {
    this.lower = lower;
    this.upper = upper;
    this.counts = counts.clone();
    this.outOfRange = outOfRange;
    this.nan = nan;
  }

  /**
   * The histogram of {@code values} with {@code bins} equal-width bins from their minimum to their
   * maximum (NaN ignored; when all values are equal, or none is finite, the range is {@code [v - 0.5, v + 0.5]}
   * or {@code [0, 1]}).
   */
  public static Histogram of(double[] values, int bins) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    double[] range = range(min, max);
    return of(values, bins, range[0], range[1]);
  }

  /** The histogram of {@code values} with {@code bins} equal-width bins over {@code [lower, upper]}. */
  public static Histogram of(double[] values, int bins, double lower, double upper) {
    HistogramAccumulator acc = new HistogramAccumulator(bins, lower, upper);
    for (double v : values) {
      acc.add(v);
    }
    return acc.result();
  }

  /**
   * A usable histogram range from an observed minimum and maximum: {@code [min, max]} when {@code
   * min < max}, {@code [v - 0.5, v + 0.5]} when both equal {@code v}, and {@code [0, 1]} when
   * nothing finite was seen ({@code min > max}).
   */
  public static double[] range(double min, double max) {
    if (!(min <= max) || !Double.isFinite(min) || !Double.isFinite(max)) {
      return new double[] {0, 1};
    }
    if (min == max) {
      return new double[] {min - 0.5, max + 0.5};
    }
    return new double[] {min, max};
  }

  public double lower() {
    return lower;
  }

  public double upper() {
    return upper;
  }

  public int bins() {
    return counts.length;
  }

  /** The count of bin {@code i}. */
  public long count(int i) {
    return counts[i];
  }

  /** A copy of the bin counts. */
  public long[] counts() {
    return counts.clone();
  }

  /** The left edge of bin {@code i} ({@code i = bins()} gives {@code upper}). */
  public double edge(int i) {
    return i == counts.length ? upper : lower + (upper - lower) * i / counts.length;
  }

  /** The values counted in bins. */
  public long total() {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }

  /** Finite values outside {@code [lower, upper]} (including infinities). */
  public long outOfRange() {
    return outOfRange;
  }

  /** NaN values seen. */
  public long nan() {
    return nan;
  }

  /**
   * The mean of the binned values with each value at its bin's centre; within half a bin width of
   * the true mean of the binned values. NaN when the histogram is empty.
   */
  public double mean() {
    long total = total();
    if (total == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int i = 0; i < counts.length; i++) {
      s += counts[i] * (0.5 * (edge(i) + edge(i + 1)));
    }
    return s / total;
  }

  @Override
  public String toString() {
    return "Histogram[" + lower + ", " + upper + "] " + Arrays.toString(counts);
  }
}
