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
  final float[] featureMask;
  final int maskLength;

  public Chunk(long seed, MaskMode mode, long[] exampleKeys, int examples, long firstIteration, int iterations) {
    this(seed, mode, exampleKeys, examples, firstIteration, iterations, null, 0);
  }

  /**
   * A chunk of sequences with DL4J's features mask: {@code featureMask} holds {@code maskLength}
   * values (1 for a real time step, 0 for padding) per example of the chunk, in example order. The
   * mask belongs to its example, so a row's mask never depends on its neighbours.
   */
  public Chunk(long seed, MaskMode mode, long[] exampleKeys, int examples, long firstIteration, int iterations,
      float[] featureMask, int maskLength) {
    this.seed = seed;
    this.mode = mode;
    this.exampleKeys = exampleKeys;
    this.examples = examples;
    this.firstIteration = firstIteration;
    this.iterations = iterations;
    this.featureMask = featureMask;
    this.maskLength = maskLength;
  }

  /**
   * The features mask of {@code rows} rows as {@code [rows, maskLength]} C-order floats: per-example
   * rows when {@code rows} is the chunk's example count, else iteration-major per-sample rows.
   */
  float[] maskRows(int rows) {
    float[] m = new float[rows * maskLength];
    for (int r = 0; r < rows; r++) {
      int example = rows == examples ? r : r % examples;
      System.arraycopy(featureMask, example * maskLength, m, r * maskLength, maskLength);
    }
    return m;
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
