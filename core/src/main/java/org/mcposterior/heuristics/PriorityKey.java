package org.mcposterior.heuristics;

import java.io.Serializable;

/**
 * The ranking key of a heuristic for one example scored from its moments: higher is picked first,
 * so a pool can be ranked by one sort (or Spark's ordered take) without the heuristic's code. The
 * score itself for highest-first heuristics, its negation for margin and certainty, a keyed draw
 * for random and power sampling (keyed by the example, so independent of batching and
 * partitioning), and BALD for the joint heuristics, whose candidates are the BALD top. NaN keys
 * become negative infinity (ranked last). Implementations are immutable and serializable.
 */
@FunctionalInterface
public interface PriorityKey extends Serializable {
  /** The key of example {@code n} of {@code scores}, whose example key (as in the masks) is {@code exampleKey}. */
  double of(PosteriorScores scores, int n, long exampleKey);
}
