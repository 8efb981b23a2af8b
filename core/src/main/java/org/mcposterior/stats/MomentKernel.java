package org.mcposterior.stats;

/**
 * The one pass over the {@code C * P * T} values of an example that every moment is made of.
 * Both the batch path ({@link MomentsBatch#of}) and the per-example path ({@link Moments#of}) call
 * {@link #example}, so moments never depend on which path built them, to the bit.
 *
 * <p>Speed: for {@link Probabilities#AUTO} and {@link Probabilities#GIVEN} the distribution test
 * (range and column sums, in the same double arithmetic as {@link Probabilities#apply}) runs inside
 * the moment loop; only an example that fails it is converted by {@link Probabilities#apply} and
 * computed again. Probabilities produced by a softmax layer pass, so the common case reads each
 * value once.
 */
final class MomentKernel {
  private MomentKernel() {}

  /** Work space for one thread: column sums ({@code P * T}) and the conversion's scratch. */
  static double[] scratch(OutputShape shape, int iterations) {
    return new double[Math.max(shape.positions() * iterations, iterations)];
  }

  /**
   * Converts (if needed) and takes the moments of one example whose values are in {@code buf[0
   * .. K T)}: writes {@code sums[so + o]}, {@code squares[so + o]} and {@code plogp[po + pos]}.
   * {@code buf} may be overwritten with probabilities.
   */
  static void example(float[] buf, Probabilities probabilities, OutputShape shape, int iterations, long index,
      double[] sums, double[] squares, int so, double[] plogp, int po, double[] scratch) {
    shape.requireClasses();
    int c = shape.classes();
    int p = shape.positions();
    if (probabilities == Probabilities.LOGITS) {
      probabilities.apply(buf, 0, shape, iterations, index, scratch);
      compute(buf, c, p, iterations, sums, squares, so, plogp, po, null);
    } else if (!compute(buf, c, p, iterations, sums, squares, so, plogp, po, scratch)) {
      probabilities.apply(buf, 0, shape, iterations, index, scratch);
      compute(buf, c, p, iterations, sums, squares, so, plogp, po, null);
    }
  }

  /**
   * The moments of one example's plain values (no conversion, see {@link MomentsBatch#ofValues}):
   * sums and sums of squares per output; the {@code p ln p} sums are 0 (they mean nothing for
   * values that are not probabilities).
   *
   * @throws InvalidSamplesException naming the value if one is NaN or infinite
   */
  static void values(float[] buf, OutputShape shape, int iterations, long index, double[] sums, double[] squares,
      int so, double[] plogp, int po) {
    int outputs = shape.size();
    for (int o = 0; o < outputs; o++) {
      int base = o * iterations;
      double s = 0;
      double ss = 0;
      for (int t = 0; t < iterations; t++) {
        float v = buf[base + t];
        if (!Float.isFinite(v)) {
          throw new InvalidSamplesException("sample value " + v + " at example " + index + ", output " + o
              + ", iteration " + t + " is not finite: expected finite values."
              + " Fix: check the network for overflow or NaN weights before scoring");
        }
        double d = v;
        s += d;
        ss += d * d;
      }
      sums[so + o] = s;
      squares[so + o] = ss;
    }
    java.util.Arrays.fill(plogp, po, po + shape.positions(), 0.0);
  }

  /**
   * Writes the moments of {@code p[0 .. C P T)} (layout {@code [C, P, T]}): for every output
   * {@code o}, {@code sums[so + o] = sum_t p}, {@code squares[so + o] = sum_t p^2}; for every
   * position, {@code plogp[po + pos] = sum_c sum_t p ln p}. Sums run in order, in double.
   *
   * @param columns {@code null} to skip the test, else {@code P * T} doubles of work space
   * @return whether every sample vector is a distribution by {@link Probabilities}' test (always
   *     true when not tested)
   */
  static boolean compute(float[] p, int classes, int positions, int iterations, double[] sums, double[] squares,
      int so, double[] plogp, int po, double[] columns) {
    int outputs = classes * positions;
    boolean inRange = true;
    for (int o = 0; o < outputs; o++) {
      int pos = o % positions;
      boolean firstClass = o < positions;
      int base = o * iterations;
      double s = 0;
      double ss = 0;
      double pl = 0;
      if (columns == null) {
        for (int t = 0; t < iterations; t++) {
          float v = p[base + t];
          double d = v;
          s += d;
          ss += d * d;
          // FastLog.log(0) is finite, so a zero probability adds exactly 0 (0 ln 0 = 0), no branch.
          pl += d * FastLog.log(v);
        }
      } else {
        int cb = pos * iterations;
        for (int t = 0; t < iterations; t++) {
          float v = p[base + t];
          double d = v;
          columns[cb + t] = firstClass ? 0.0 + d : columns[cb + t] + d;
          inRange &= v >= 0f & v <= 1f;
          s += d;
          ss += d * d;
          pl += d * FastLog.log(v);
        }
      }
      sums[so + o] = s;
      squares[so + o] = ss;
      plogp[po + pos] = firstClass ? pl : plogp[po + pos] + pl;
    }
    if (columns == null) {
      return true;
    }
    if (!inRange) {
      return false;
    }
    for (int i = 0, end = positions * iterations; i < end; i++) {
      if (!(Math.abs(columns[i] - 1.0) <= Probabilities.SUM_TOLERANCE)) {
        return false;
      }
    }
    return true;
  }
}
