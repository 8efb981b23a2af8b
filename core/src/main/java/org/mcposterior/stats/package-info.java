/**
 * The plain data of the statistics layer, free of nd4j and of the forward engine: posterior
 * {@link org.mcposterior.stats.Samples} {@code [batch, outputs..., iterations]}, and per-example
 * posterior moments (iteration count, sums of p and p squared, sum of p log p) that merge
 * associatively across iteration shards, in a batch form with flat arrays for speed and a
 * per-example accumulator for rows, plus the versioned binary form they cross the shuffle in.
 * Scores computed from merged moments equal the scores of the full sample tensor to 1e-9
 * (DESIGN.md, invariant 5); the probability conversion both paths share is {@link
 * org.mcposterior.stats.Probabilities}. What an output is ({@link org.mcposterior.stats.OutputKind})
 * and how its raw samples become the samples that are scored ({@link
 * org.mcposterior.stats.OutputView}: two classes per sigmoid, detection class slices, plain
 * regression values that are never converted) live here too.
 */
package org.mcposterior.stats;
