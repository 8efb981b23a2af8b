package org.mcposterior.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tolerances and comparisons shared by the tests. */
public final class Tolerances {
  /** Our float kernels against DL4J's: relative to the largest magnitude of the expected values. */
  public static final double FLOAT_KERNEL = 2e-5;

  private Tolerances() {}

  /** Asserts {@code actual} equals {@code expected} within {@code tol} x max|expected| (and shapes equal). */
  public static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes differ");
    float[] e = expected.castTo(DataType.FLOAT).dup('c').data().asFloat();
    float[] a = actual.castTo(DataType.FLOAT).dup('c').data().asFloat();
    assertClose(e, a, tol, what);
  }

  public static void assertClose(float[] e, float[] a, double tol, String what) {
    if (e.length != a.length) {
      fail(what + ": lengths " + e.length + " and " + a.length + " differ");
    }
    double scale = 0;
    for (float v : e) {
      scale = Math.max(scale, Math.abs(v));
    }
    double bound = tol * Math.max(scale, 1e-6);
    for (int i = 0; i < e.length; i++) {
      if (!(Math.abs(e[i] - a[i]) <= bound)) {
        fail(what + ": element " + i + " expected " + e[i] + " but was " + a[i] + " (bound " + bound + ")");
      }
    }
  }
}
