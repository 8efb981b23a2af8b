package org.mcposterior.heuristics;

import org.mcposterior.stats.Probabilities;

/**
 * BALD (Bayesian Active Learning by Disagreement): the mutual information between an example's
 * label and the model parameters,
 * {@code BALD = H(mean_t p_t) - mean_t H(p_t)} with {@code H(q) = -sum_c q_c ln q_c}, in nats.
 * Highest first. Equals 0 when every sample is the same distribution, and {@code ln 2} for two
 * confident samples that disagree on two classes. Never negative: rounding can leave {@code
 * -1e-17}, which is clamped to 0. In moments: {@code H(sum / n) + sumPLogP / n}.
 *
 * <p>References: Houlsby, Huszar, Ghahramani and Lengyel 2011, "Bayesian Active Learning for
 * Classification and Preference Learning", arXiv:1112.5745; Gal, Islam and Ghahramani 2017, "Deep
 * Bayesian Active Learning with Image Data", ICML, arXiv:1703.02910; baal's {@code BALD}.
 *
 * <p>Computed from {@link org.mcposterior.stats.Moments}; from samples by way of their moments,
 * so both paths agree to 1e-9. Outputs with extra dimensions get one value per position, reduced with
 * the reduction (default {@link Reduction#MEAN}). Immutable and thread-safe.
 */
public final class Bald extends MomentHeuristicBase {

  /** With {@link Reduction#MEAN} over positions and {@link Probabilities#AUTO}. */
  public Bald() {
    this(Reduction.MEAN, Probabilities.AUTO);
  }

  public Bald(Reduction reduction, Probabilities probabilities) {
    super(reduction, probabilities);
  }

  @Override
  public String name() {
    return "bald";
  }

  @Override
  public Order order() {
    return Order.HIGHEST_FIRST;
  }

  @Override
  double compute(MomentView view) {
    return view.bald(reduction());
  }
}
