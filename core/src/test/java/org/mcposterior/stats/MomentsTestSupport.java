package org.mcposterior.stats;

/** Flattening of moments for comparisons in the stats tests. */
final class MomentsTestSupport {
  private MomentsTestSupport() {}

  /** {@code [count, sums..., squares..., plogp...]}. */
  static double[] numbers(Moments m) {
    int k = m.shape().size();
    int p = m.shape().positions();
    double[] v = new double[1 + 2 * k + p];
    v[0] = m.count();
    for (int o = 0; o < k; o++) {
      v[1 + o] = m.sum(o);
      v[1 + k + o] = m.sumOfSquares(o);
    }
    for (int pos = 0; pos < p; pos++) {
      v[1 + 2 * k + pos] = m.sumPLogP(pos);
    }
    return v;
  }
}
