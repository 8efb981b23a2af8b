package org.mcposterior.learning;

import org.mcposterior.training.ActivePool;

/**
 * The examples behind an {@link ActivePool}'s positions: position {@code p} is row {@code
 * pool.source(p)} of {@code rows} (one flat example each), with the pool's label.
 *
 * @param pool the active pool (its labels are the oracle)
 * @param rows the data set's examples, indexed by {@link ActivePool#source}
 */
public record PoolExamples(ActivePool pool, float[][] rows) {
  /** The examples at {@code positions} (the data set's arrays, not copies). */
  public float[][] features(int[] positions) {
    float[][] x = new float[positions.length][];
    for (int i = 0; i < positions.length; i++) {
      x[i] = rows[pool.source(positions[i])];
    }
    return x;
  }

  /** The labels of {@code positions}. */
  public int[] labels(int[] positions) {
    int[] y = new int[positions.length];
    for (int i = 0; i < positions.length; i++) {
      y[i] = pool.labelOf(positions[i]);
    }
    return y;
  }
}
