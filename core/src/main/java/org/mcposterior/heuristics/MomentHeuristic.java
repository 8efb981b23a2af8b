package org.mcposterior.heuristics;

import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Moments;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.Probabilities;

/**
 * A heuristic that needs only the {@link Moments} of each example, so it can be computed from
 * moments merged across iteration shards without the sample tensor. Scoring samples and scoring
 * their moments run the same formulas in double, so the two agree to 1e-9 for any split of the
 * iterations into shards (DESIGN.md, invariant 5).
 */
public interface MomentHeuristic extends AcquisitionHeuristic {

  /** How {@link #scores(Samples)} turns sample values into probabilities before taking moments. */
  Probabilities probabilities();

  /** How per-position scores are reduced to one score per example. */
  Reduction reduction();

  /**
   * The score of one example from its moments.
   *
   * @throws org.mcposterior.stats.InvalidSamplesException if the moments are empty (no iterations)
   * @throws InvalidHeuristicArgumentException if the reduction is {@link Reduction#NONE} and the
   *     output has more than one position
   */
  double score(Moments moments);

  /** One score per example of {@code batch}; same rules as {@link #score(Moments)}. */
  double[] scores(MomentsBatch batch);

  /** The scores of the moments of {@code pool}: {@code scores(MomentsBatch.of(pool, probabilities()))}. */
  @Override
  default double[] scores(Samples pool) {
    Ranking.requirePool(pool.batchSize());
    return scores(MomentsBatch.of(pool, probabilities()));
  }

  /** Every example index of {@code batch}, most informative first. */
  default int[] rank(MomentsBatch batch) {
    return Ranking.rank(scores(batch), order());
  }

  /** The {@code k} most informative examples of {@code batch}, in rank order. */
  default int[] select(MomentsBatch batch, int k) {
    Ranking.requirePool(batch.batchSize());
    Ranking.requireK(k, batch.batchSize());
    return Ranking.top(scores(batch), order(), k);
  }
}
