package org.mcposterior.heuristics;

import org.mcposterior.stats.Probabilities;

/**
 * Margin sampling: {@code m(1) - m(2)}, the gap between the two largest class probabilities of
 * the mean prediction {@code m = mean_t p_t}, in {@code [0, 1]}. Smallest first: a small gap is
 * an example the model cannot decide between two classes (Scheffer, Decomain and Wrobel 2001,
 * "Active Hidden Markov Models for Information Extraction"; baal's {@code Margin}).
 *
 * <p>Computed from {@link org.mcposterior.stats.Moments}; from samples by way of their moments,
 * so both paths agree to 1e-9. Outputs with extra dimensions get one value per position, reduced with
 * the reduction (default {@link Reduction#MEAN}). Immutable and thread-safe.
 */
public final class Margin extends MomentHeuristicBase {

  /** With {@link Reduction#MEAN} over positions and {@link Probabilities#AUTO}. */
  public Margin() {
    this(Reduction.MEAN, Probabilities.AUTO);
  }

  public Margin(Reduction reduction, Probabilities probabilities) {
    super(reduction, probabilities);
  }

  @Override
  public String name() {
    return "margin";
  }

  @Override
  public Order order() {
    return Order.LOWEST_FIRST;
  }

  @Override
  double compute(MomentView view) {
    return view.margin(reduction());
  }
}
