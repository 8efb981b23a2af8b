package org.mcposterior.heuristics;

import org.mcposterior.stats.Samples;

/**
 * An acquisition heuristic: scores every example of a pool from its posterior samples {@code [N,
 * C, d1.., T]} and ranks the pool, most informative first.
 *
 * <p>Conventions shared by every implementation:
 * <ul>
 *   <li>{@link #scores} returns one score per example in natural units (nats for the
 *       information-theoretic ones); {@link #order()} says which end is informative.
 *   <li>{@link #rank} lists every example index, most informative first; equal scores keep the
 *       lower index first; NaN scores are replaced by {@link Order#leastInformative()} and rank
 *       last. For deterministic heuristics {@code rank} is exactly {@link Ranking#rank} of the
 *       scores; batch-aware ones (BatchBALD) and stochastic ones (power sampling) document theirs.
 *   <li>{@link #select} returns the first {@code k} of {@link #rank}, computed without ranking
 *       the whole pool where possible.
 *   <li>Sample values are turned into probabilities with {@link
 *       org.mcposterior.stats.Probabilities} (by default {@code AUTO}: softmax over the classes of
 *       any sample vector that is not a distribution, as baal does).
 *   <li>Bad input (empty pool, {@code T = 0}, fewer than 2 classes, NaN, {@code k} out of range)
 *       is refused with a typed exception naming the value.
 * </ul>
 * Implementations are immutable and thread-safe; randomness comes from an explicit seed.
 */
public interface AcquisitionHeuristic {

  /**
   * The snake-case name: the {@link Heuristic#label()} of the {@link Heuristic} that builds it
   * (power sampling over another base: {@code power_} and the base's name).
   */
  String name();

  /** Which end of {@link #scores} is the most informative. */
  Order order();

  /** One score per example of {@code pool}. */
  double[] scores(Samples pool);

  /** Every example index of {@code pool}, most informative first. */
  default int[] rank(Samples pool) {
    return Ranking.rank(scores(pool), order());
  }

  /**
   * The {@code k} most informative examples of {@code pool}, in rank order.
   *
   * @throws InvalidHeuristicArgumentException if {@code k < 0} or {@code k > N}
   */
  default int[] select(Samples pool, int k) {
    Ranking.requirePool(pool.batchSize());
    Ranking.requireK(k, pool.batchSize());
    return Ranking.top(scores(pool), order(), k);
  }
}
