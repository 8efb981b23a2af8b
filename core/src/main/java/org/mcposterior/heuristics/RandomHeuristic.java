package org.mcposterior.heuristics;

import org.mcposterior.stats.Samples;

/**
 * Random acquisition, the baseline every heuristic must beat: the score of example {@code i} is a
 * uniform number in {@code (0, 1)} that depends only on {@code (seed, i)}, so the ranking is a
 * seeded random permutation, reproducible run after run. Highest first. The samples are not
 * read, only their batch size. Immutable and thread-safe.
 */
public final class RandomHeuristic implements AcquisitionHeuristic {
  private final long seed;

  public RandomHeuristic(long seed) {
    this.seed = seed;
  }

  /**
   * The score of the example with global index {@code index}: what {@link #scores} gives the
   * {@code index}-th example of a pool, for callers that score a pool in pieces.
   */
  public static double score(long seed, long index) {
    return KeyedUniform.uniform(seed, index);
  }

  public long seed() {
    return seed;
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public Order order() {
    return Order.HIGHEST_FIRST;
  }

  @Override
  public double[] scores(Samples pool) {
    Ranking.requirePool(pool.batchSize());
    double[] s = new double[pool.batchSize()];
    for (int i = 0; i < s.length; i++) {
      s[i] = score(seed, i);
    }
    return s;
  }

  @Override
  public String toString() {
    return "RandomHeuristic[seed=" + seed + "]";
  }
}
