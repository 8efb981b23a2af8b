package org.mcposterior.forward;

import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.randomness.MaskMode;

/**
 * The work unit a {@link PlanRunner} is computing: a block of {@code examples} examples, each run
 * for iterations {@code [firstIteration, firstIteration + iterations)}.
 *
 * <p>Rows of per-sample activations are iteration-major: row {@code t * examples + n} holds
 * example {@code n} at iteration {@code firstIteration + t}. Per-example activations (the
 * deterministic prefix) have one row per example.
 */
public final class Chunk {
  final long seed;
  final MaskMode mode;
  final long[] exampleKeys;
  final int examples;
  final long firstIteration;
  final int iterations;

  public Chunk(long seed, MaskMode mode, long[] exampleKeys, int examples, long firstIteration, int iterations) {
    this.seed = seed;
    this.mode = mode;
    this.exampleKeys = exampleKeys;
    this.examples = examples;
    this.firstIteration = firstIteration;
    this.iterations = iterations;
  }

  /** Rows of per-sample activations. */
  int sampleRows() {
    return examples * iterations;
  }

  /** The mask stream key of per-sample row {@code row} at stochastic site {@code site}. */
  long streamKey(int row, int site) {
    int t = row / examples;
    int n = row - t * examples;
    long iteration = firstIteration + t;
    return mode == MaskMode.CONSISTENT
        ? KeyedRandom.consistentKey(seed, iteration, site)
        : KeyedRandom.streamKey(seed, exampleKeys[n], iteration, site);
  }

  /** The key of the per-iteration (consistent) stream for iteration block {@code t} at {@code site}. */
  long iterationKey(int t, int site) {
    return KeyedRandom.consistentKey(seed, firstIteration + t, site);
  }
}
