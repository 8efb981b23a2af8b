package org.mcposterior.learning;

import org.mcposterior.randomness.KeyedRandom;

/**
 * The seeds of one active-learning step, one per purpose, derived from (run seed, step, purpose)
 * only: the same for every heuristic, so two curves of one seed train the same network on the same
 * labelled set, and differ only by what their heuristics picked.
 *
 * <p>{@code seed(s, k, p) = mix64(mix64(s * 0x9E3779B97F4A7C15 + k) ^ (0xD1B54A32D192ED03 * p))}
 * with SplitMix64's finaliser ({@link KeyedRandom#mix64}) and {@code p} the purpose's number.
 */
public enum StepSeeds {
  /** Training's minibatch order and training masks. */
  TRAINING(1),
  /** The MC-mean evaluation's masks. */
  EVALUATION(2),
  /** The query: the scoring masks, and random and power sampling's keyed draws. */
  QUERY(3);

  private final int number;

  StepSeeds(int number) {
    this.number = number;
  }

  /** The seed of this purpose at step {@code step} of a run of seed {@code seed}. */
  public long of(long seed, int step) {
    return KeyedRandom.mix64(KeyedRandom.mix64(seed * 0x9E3779B97F4A7C15L + step) ^ (0xD1B54A32D192ED03L * number));
  }
}
