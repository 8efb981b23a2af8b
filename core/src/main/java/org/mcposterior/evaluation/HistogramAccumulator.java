package org.mcposterior.evaluation;

import java.io.Serializable;

/**
 * Counts values into the equal-width bins of a {@link Histogram} with a fixed range, one value at a
 * time, and merges with another accumulator of the same bins ({@link #combine}) — the shape Spark's
 * {@code aggregate} takes, so a pool's distribution is reduced on the executors.
 *
 * <p>Bin of {@code x}: {@code floor((x - lower) / (upper - lower) * bins)}, with {@code x == upper}
 * in the last bin. Not thread-safe; {@code combine} adds {@code other} into {@code this}, leaves
 * {@code other} unchanged, refuses {@code this} itself and accumulators with other bins; an empty
 * accumulator is its identity. Counts are integers, so merging is exact in any order.
 */
public final class HistogramAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double lower;
  private final double upper;
  private final long[] counts;
  private long outOfRange;
  private long nan;

  /**
   * @param bins at least 1
   * @param lower finite
   * @param upper finite, greater than {@code lower}
   */
  public HistogramAccumulator(int bins, double lower, double upper) {
    if (bins < 1) {
      throw new InvalidEvaluationInputException("a histogram needs at least 1 bin, got " + bins);
    }
    if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
      throw new InvalidEvaluationInputException("a histogram range needs finite lower < upper, got ["
          + lower + ", " + upper + "]");
    }
    this.lower = lower;
    this.upper = upper;
    this.counts = new long[bins];
  }

  /** The bin {@code x} falls in, or -1 when it is NaN or outside {@code [lower, upper]}. */
  public int binOf(double x) {
    if (!(x >= lower && x <= upper)) {
      return -1;
    }
    int b = (int) Math.floor((x - lower) / (upper - lower) * counts.length);
    return Math.min(Math.max(b, 0), counts.length - 1);
  }

  /** Counts one value. */
  public HistogramAccumulator add(double x) {
    int b = binOf(x);
    if (b >= 0) {
      counts[b]++;
    } else if (Double.isNaN(x)) {
      nan++;
    } else {
      outOfRange++;
    }
    return this;
  }

  /** Adds {@code other}'s counts into this accumulator and returns {@code this}. */
  public HistogramAccumulator combine(HistogramAccumulator other) {
    if (other == this) {
      throw new InvalidEvaluationInputException("a histogram cannot be combined with itself (it would count twice)");
    }
    if (other.counts.length != counts.length || other.lower != lower || other.upper != upper) {
      throw new InvalidEvaluationInputException("histograms with different bins cannot be combined: "
          + counts.length + " bins over [" + lower + ", " + upper + "] and " + other.counts.length
          + " over [" + other.lower + ", " + other.upper + "]");
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    outOfRange += other.outOfRange;
    nan += other.nan;
    return this;
  }

  /** Whether nothing has been counted. */
  public boolean isEmpty() {
    if (outOfRange != 0 || nan != 0) {
      return false;
    }
    for (long c : counts) {
      if (c != 0) {
        return false;
      }
    }
    return true;
  }

  /** The histogram counted so far (a snapshot; the accumulator stays usable). */
  public Histogram result() {
    return new Histogram(lower, upper, counts, outOfRange, nan);
  }
}
