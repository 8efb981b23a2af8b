package org.mcposterior.stats;

/**
 * The one pass over the {@code C * P * T} probabilities of an example that every moment is made
 * of. Both the batch path and the per-example path call it, so moments (and the scores computed
 * from them) never depend on which path built them.
 */
final class MomentKernel {
  private MomentKernel() {}

  /**
   * Adds the moments of one example's probabilities (layout {@code [C, P, T]}, iterations
   * contiguous, starting at {@code offset}) into the given arrays: for every output {@code o},
   * {@code sums[so + o] += sum_t p}, {@code squares[so + o] += sum_t p^2}; for every position,
   * {@code plogp[po + pos] += sum_c sum_t p ln p}. Sums run over {@code t} in order, in double.
   */
  static void accumulate(float[] p, int offset, int classes, int positions, int iterations,
      double[] sums, double[] squares, int so, double[] plogp, int po) {
    int outputs = classes * positions;
    for (int o = 0; o < outputs; o++) {
      int base = offset + o * iterations;
      double s = 0;
      double ss = 0;
      double pl = 0;
      for (int t = 0; t < iterations; t++) {
        float v = p[base + t];
        double d = v;
        s += d;
        ss += d * d;
        // FastLog.log(0) is finite, so a zero probability adds exactly 0 (0 log 0 = 0) without a branch.
        pl += d * FastLog.log(v);
      }
      sums[so + o] += s;
      squares[so + o] += ss;
      plogp[po + o % positions] += pl;
    }
  }
}
