package org.mcposterior.heuristics;

import org.mcposterior.stats.Probabilities;

/**
 * Predictive entropy of the mean prediction, {@code H(m) = -sum_c m_c ln m_c} with {@code m =
 * mean_t p_t}, in nats, from 0 (certain) to {@code ln C} (uniform mean). Highest first. It uses the
 * mean only, so it mixes epistemic and aleatoric uncertainty (Shannon 1948; baal's {@code
 * Entropy}). Zero probabilities contribute 0 ({@code 0 ln 0 = 0}). In moments: {@code H(sum / n)}.
 *
 * <p>Computed from {@link org.mcposterior.stats.Moments}; from samples by way of their moments,
 * so both paths agree to 1e-9. Outputs with extra dimensions get one value per position, reduced with
 * the reduction (default {@link Reduction#MEAN}). Immutable and thread-safe.
 */
public final class Entropy extends MomentHeuristicBase {

  /** With {@link Reduction#MEAN} over positions and {@link Probabilities#AUTO}. */
  public Entropy() {
    this(Reduction.MEAN, Probabilities.AUTO);
  }

  public Entropy(Reduction reduction, Probabilities probabilities) {
    super(reduction, probabilities);
  }

  @Override
  public String name() {
    return "entropy";
  }

  @Override
  public Order order() {
    return Order.HIGHEST_FIRST;
  }

  @Override
  double compute(MomentView view) {
    return view.entropy(reduction());
  }
}
