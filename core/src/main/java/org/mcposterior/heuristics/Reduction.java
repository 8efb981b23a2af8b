package org.mcposterior.heuristics;

/**
 * How per-position scores of outputs with extra dimensions ({@code [N, C, d1, .., T]}, e.g. one
 * BALD value per pixel) become one score per example, as baal's {@code reduction} argument. For
 * plain classification ({@code [N, C, T]}) there is one position and every reduction is the
 * identity.
 */
public enum Reduction {
  /** No reduction: valid only with a single position; more than one is refused. */
  NONE,
  /** Arithmetic mean over positions. */
  MEAN,
  /** Sum over positions. */
  SUM,
  /** Maximum over positions (NaN if any is NaN). */
  MAX,
  /** Minimum over positions (NaN if any is NaN). */
  MIN;

  /**
   * Reduces {@code values[0 .. length)}.
   *
   * @throws InvalidHeuristicArgumentException for {@link #NONE} with {@code length != 1}
   */
  public double reduce(double[] values, int length) {
    switch (this) {
      case NONE:
        requireSingle(length, "scores");
        return values[0];
      case MEAN:
      case SUM: {
        double s = 0;
        for (int i = 0; i < length; i++) {
          s += values[i];
        }
        return this == SUM ? s : s / length;
      }
      case MAX: {
        double m = values[0];
        for (int i = 1; i < length; i++) {
          m = Math.max(m, values[i]);
        }
        return m;
      }
      case MIN: {
        double m = values[0];
        for (int i = 1; i < length; i++) {
          m = Math.min(m, values[i]);
        }
        return m;
      }
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Reduces the values {@code values[i]} with {@code keep[i]} true, {@code i < length}: the same
   * reductions over the kept positions only (MEAN divides by their number). The hook for outputs
   * whose positions are not all real, e.g. the masked (padding) time steps of a sequence: the
   * per-position loops of {@code MomentView} call {@link #reduce(double[], int)} today and call this
   * one when a per-example position mask is passed. No kept position gives NaN (the example has
   * no score, and ranks last).
   *
   * @throws InvalidHeuristicArgumentException for {@link #NONE} with more than one kept position,
   *     or a mask shorter than {@code length}
   */
  public double reduce(double[] values, boolean[] keep, int length) {
    if (keep.length < length) {
      throw new InvalidHeuristicArgumentException("position mask of " + keep.length + " values for " + length
          + " positions: expected one flag per position");
    }
    int kept = 0;
    double s = 0;
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    int last = -1;
    for (int i = 0; i < length; i++) {
      if (keep[i]) {
        kept++;
        s += values[i];
        max = Math.max(max, values[i]);
        min = Math.min(min, values[i]);
        last = i;
      }
    }
    if (this == NONE) {
      requireSingle(kept, "kept scores");
    }
    if (kept == 0) {
      return Double.NaN;
    }
    switch (this) {
      case NONE:
        return values[last];
      case MEAN:
        return s / kept;
      case SUM:
        return s;
      case MAX:
        return max;
      case MIN:
        return min;
      default:
        throw new AssertionError(this);
    }
  }

  /** Refuses {@link #NONE} when there is more than one value to reduce. */
  void requireSingle(int positions, String what) {
    if (this == NONE && positions != 1) {
      throw new InvalidHeuristicArgumentException("reduction NONE leaves " + positions + " " + what
          + " per example (one per position of the extra output dimensions): expected exactly 1 to rank by."
          + " Fix: choose Reduction.MEAN, SUM, MAX or MIN");
    }
  }

  /** The reduction named {@code name} (case-insensitive): none, mean, sum, max, min. */
  public static Reduction byName(String name) {
    for (Reduction r : values()) {
      if (r.name().equalsIgnoreCase(name)) {
        return r;
      }
    }
    throw new InvalidHeuristicArgumentException("unknown reduction '" + name
        + "': expected one of none, mean, sum, max, min");
  }
}
