package org.mcposterior.heuristics;

import org.mcposterior.stats.Probabilities;

/**
 * Least confidence: {@code max_c m_c}, the largest class probability of the mean prediction
 * {@code m = mean_t p_t}, in {@code [1/C, 1]}. Smallest first (Lewis and Gale 1994, "A Sequential
 * Algorithm for Training Text Classifiers"; baal's {@code Certainty}).
 *
 * <p>Computed from {@link org.mcposterior.stats.Moments}; from samples by way of their moments,
 * so both paths agree to 1e-9. Outputs with extra dimensions get one value per position, reduced with
 * the reduction (default {@link Reduction#MEAN}). Immutable and thread-safe.
 */
public final class Certainty extends MomentHeuristicBase {

  /** With {@link Reduction#MEAN} over positions and {@link Probabilities#AUTO}. */
  public Certainty() {
    this(Reduction.MEAN, Probabilities.AUTO);
  }

  public Certainty(Reduction reduction, Probabilities probabilities) {
    super(reduction, probabilities);
  }

  @Override
  public String name() {
    return "certainty";
  }

  @Override
  public Order order() {
    return Order.LOWEST_FIRST;
  }

  @Override
  double compute(MomentView view) {
    return view.certainty(reduction());
  }
}
