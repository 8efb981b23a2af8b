package org.mcposterior.heuristics;

import java.util.Objects;
import org.mcposterior.stats.Probabilities;

/**
 * Variance of the class probabilities over iterations, {@code var_t p_t[c] = mean_t p_t[c]^2 -
 * (mean_t p_t[c])^2} (population variance, numpy's {@code var}), reduced over the classes and
 * then over the positions of extra output dimensions. Highest first. In {@code [0, 1/4]} per class
 * before reduction; never negative (rounding is clamped to 0). In moments: {@code sumSq / n -
 * (sum / n)^2}.
 *
 * <p>Like baal's {@code Variance}, whose default reduction is the mean over classes (and over
 * every extra dimension): {@code new Variance()} is the mean over classes and positions. Unlike
 * baal, the variance is taken of the probabilities after {@link Probabilities} conversion (baal
 * takes it of the raw outputs), so that it is a moment-based score like the others.
 *
 * <p>Computed from {@link org.mcposterior.stats.Moments}; from samples by way of their moments,
 * so both paths agree to 1e-9. Immutable and thread-safe.
 */
public final class Variance extends MomentHeuristicBase {
  private final Reduction overClasses;

  /** Mean over classes, mean over positions, {@link Probabilities#AUTO}. */
  public Variance() {
    this(Reduction.MEAN, Reduction.MEAN, Probabilities.AUTO);
  }

  /**
   * @param overClasses how the per-class variances of a position become one value; not {@link
   *     Reduction#NONE} (there are always at least two classes)
   * @param overPositions how per-position values become one score per example
   * @throws InvalidHeuristicArgumentException if {@code overClasses} is {@link Reduction#NONE}
   */
  public Variance(Reduction overClasses, Reduction overPositions, Probabilities probabilities) {
    super(overPositions, probabilities);
    this.overClasses = Objects.requireNonNull(overClasses, "overClasses");
    if (overClasses == Reduction.NONE) {
      throw new InvalidHeuristicArgumentException("variance reduction over classes is NONE: expected one value"
          + " per example, and there are at least 2 classes. Fix: reduce over classes with MEAN (baal's"
          + " default), SUM, MAX or MIN");
    }
  }

  /** How the per-class variances of one position are reduced. */
  public Reduction overClasses() {
    return overClasses;
  }

  @Override
  public String name() {
    return "variance";
  }

  @Override
  public Order order() {
    return Order.HIGHEST_FIRST;
  }

  @Override
  double compute(MomentView view) {
    return view.variance(overClasses, reduction());
  }

  @Override
  public String toString() {
    return "Variance[overClasses=" + overClasses + ", overPositions=" + reduction() + ", probabilities="
        + probabilities() + "]";
  }
}
