package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;
import org.mcposterior.randomness.KeyedRandom;

/** Row-wise helpers shared by kernels: epilogues and weight masks. */
final class Rows {
  /** Floats processed per slab in heap scratch: large enough to amortise copies, small enough for L2. */
  static final int SLAB = 1 << 15;

  private Rows() {}

  /** Adds {@code bias} to each row of {@code len} floats and applies {@code act}, in place. */
  static void biasAndActivate(PlanRunner runner, NativeFloats buf, int offset, int rows, int len, float[] bias, Activation act) {
    if (bias == null && act.isIdentity()) {
      return;
    }
    int slabRows = Math.max(1, SLAB / len);
    float[] tmp = runner.floats(0, slabRows * len);
    for (int s = 0; s < rows; s += slabRows) {
      int n = Math.min(slabRows, rows - s);
      int off = offset + s * len;
      buf.copyTo(off, tmp, 0, n * len);
      if (bias != null) {
        for (int r = 0; r < n; r++) {
          addRow(tmp, r * len, bias, len);
        }
      }
      act.apply(tmp, 0, n, len);
      buf.copyFrom(off, tmp, 0, n * len);
    }
  }

  private static void addRow(float[] v, int off, float[] b, int len) {
    for (int j = 0; j < len; j++) {
      v[off + j] += b[j];
    }
  }

  /**
   * The DropConnect weights of iteration block {@code t} of the chunk at {@code site}: from the
   * runner's cache, or masked now and cached.
   */
  static NativeFloats dropConnectWeights(PlanRunner runner, int nodeId, Chunk chunk, int t, int site, float[] weights,
      int[] index, double p) {
    long key = chunk.iterationKey(t, site);
    return runner.maskedWeights(nodeId, key, weights.length, dst -> maskWeights(runner, weights, index, key, p, dst));
  }

  /**
   * Writes {@code weights * keep / (1 - p)} to {@code dst}: the DropConnect weights of the stream
   * {@code key}, with the element index of weight {@code j} given by {@code index[j]}
   * (premultiplied, see {@link KeyedRandom#indexTable}).
   */
  static void maskWeights(PlanRunner runner, float[] weights, int[] index, long key, double p, NativeFloats dst) {
    int n = weights.length;
    int threshold = KeyedRandom.dropThreshold(p);
    float scale = (float) (1.0 / (1.0 - p));
    int slab = Math.min(n, SLAB);
    float[] factors = runner.floats(1, slab);
    float[] out = runner.floats(2, slab);
    int[] bits = runner.ints(0, slab);
    int[] idx = runner.ints(1, slab);
    for (int s = 0; s < n; s += slab) {
      int len = Math.min(slab, n - s);
      System.arraycopy(index, s, idx, 0, len);
      KeyedRandom.keepFactors(key, idx, len, threshold, scale, bits, factors);
      for (int j = 0; j < len; j++) {
        out[j] = weights[s + j] * factors[j];
      }
      dst.copyFrom(s, out, 0, len);
    }
  }
}
