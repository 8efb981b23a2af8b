package org.mcposterior.heuristics;

/**
 * Which end of a heuristic's scores is the most informative. Scores are returned in their natural
 * units (BALD in nats, margin as a probability difference), so the direction is stated here rather
 * than folded into the sign.
 */
public enum Order {
  /** Higher scores are more informative (BALD, entropy, variance, EPIG, random, power sampling). */
  HIGHEST_FIRST,
  /** Lower scores are more informative (margin, certainty). */
  LOWEST_FIRST;

  /**
   * The value a non-finite (NaN) score is replaced with: the least informative value there is,
   * {@code -infinity} for {@link #HIGHEST_FIRST} and {@code +infinity} for {@link #LOWEST_FIRST},
   * so such an example ranks after every other one (ties by index). Valid input never produces
   * NaN; this only makes rankings well defined if something upstream does.
   */
  public double leastInformative() {
    return this == HIGHEST_FIRST ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  /** {@code score}, or {@link #leastInformative()} if it is NaN. */
  public double sanitize(double score) {
    return Double.isNaN(score) ? leastInformative() : score;
  }
}
