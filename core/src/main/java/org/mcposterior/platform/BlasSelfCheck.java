package org.mcposterior.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Start-up self-check that matrix products are right on this CPU (DESIGN.md, invariant 7).
 *
 * <p>nd4j-native 1.0.0-M2.1 bundles an OpenBLAS whose automatically chosen kernel returns wrong
 * {@code dgemm} results on some recent CPUs (relative error near 1) unless the environment variable
 * {@code OPENBLAS_CORETYPE} names a correct kernel before the library loads. Because the variable
 * is read once when the native library loads, the process cannot repair itself: the check refuses
 * to go on and says how to restart.
 *
 * <p>The check multiplies a few seeded matrices of awkward sizes in single and double precision,
 * through nd4j (the route DL4J layers take) and through the direct {@code cblas_sgemm} route of
 * {@link NativeGemm}, and compares each with a plain Java triple loop in double precision.
 *
 * <p>{@link #requireCorrect()} runs the check once per JVM and caches the verdict; it is safe to
 * call from any thread, any number of times (Spark executors call it at task start).
 */
public final class BlasSelfCheck {

  /** A matrix product under test: {@code c = a x b} for row-major {@code a[m x k]}, {@code b[k x n]}. */
  @FunctionalInterface
  public interface Product {
    double[] multiply(double[] a, double[] b, int m, int k, int n);
  }

  /** One failed comparison. */
  public record Failure(String route, int m, int k, int n, double relativeError) {}

  private static final int[][] SHAPES = {{7, 5, 3}, {64, 64, 64}, {127, 33, 65}, {256, 256, 256}};
  private static final double SINGLE_TOLERANCE = 1e-4;
  private static final double DOUBLE_TOLERANCE = 1e-10;

  private static volatile String verdict; // null until checked; "" when correct, else the message

  private BlasSelfCheck() {}

  /**
   * Checks once per JVM that this process's matrix products are correct.
   *
   * @throws BlasMisconfiguredException naming the wrong product and the fix
   */
  public static void requireCorrect() {
    String v = verdict;
    if (v == null) {
      synchronized (BlasSelfCheck.class) {
        v = verdict;
        if (v == null) {
          List<Failure> failures = new ArrayList<>();
          failures.addAll(check("nd4j sgemm", BlasSelfCheck::nd4jSingle, SINGLE_TOLERANCE));
          failures.addAll(check("nd4j dgemm", BlasSelfCheck::nd4jDouble, DOUBLE_TOLERANCE));
          failures.addAll(check("cblas_sgemm", BlasSelfCheck::cblasSingle, SINGLE_TOLERANCE));
          v = failures.isEmpty() ? "" : message(failures);
          verdict = v;
        }
      }
    }
    if (!v.isEmpty()) {
      throw new BlasMisconfiguredException(v);
    }
  }

  /**
   * Compares {@code product} with a Java reference on seeded matrices of several shapes.
   *
   * @return the comparisons whose relative error (max-norm) exceeds {@code tolerance}; empty when right
   */
  public static List<Failure> check(String route, Product product, double tolerance) {
    List<Failure> failures = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    for (int[] s : SHAPES) {
      int m = s[0], k = s[1], n = s[2];
      double[] a = random.doubles((long) m * k, -1, 1).toArray();
      double[] b = random.doubles((long) k * n, -1, 1).toArray();
      double[] expected = reference(a, b, m, k, n);
      double[] actual = product.multiply(a, b, m, k, n);
      double err = relativeError(expected, actual);
      if (!(err <= tolerance)) {
        failures.add(new Failure(route, m, k, n, err));
      }
    }
    return failures;
  }

  /** The message for a failed check: what was wrong, and how to restart correctly. */
  public static String message(List<Failure> failures) {
    StringBuilder sb = new StringBuilder("BLAS self-check failed: this process computes wrong matrix products");
    for (Failure f : failures) {
      sb.append(String.format(Locale.ROOT, "; %s %dx%dx%d has relative error %.3g",
          f.route(), f.m(), f.k(), f.n(), f.relativeError()));
    }
    String coretype = System.getenv("OPENBLAS_CORETYPE");
    sb.append(". OPENBLAS_CORETYPE is ").append(coretype == null ? "not set" : "'" + coretype + "'")
        .append(". nd4j's bundled OpenBLAS picks a wrong kernel on some CPUs. Fix: restart with the environment"
            + " variable OPENBLAS_CORETYPE=HASWELL (any AVX2 CPU; SKYLAKEX only where the CPU has AVX-512),"
            + " e.g. 'export OPENBLAS_CORETYPE=HASWELL'. bin/mcposterior and cluster-configs set it for you"
            + " (for Spark executors: --conf spark.executorEnv.OPENBLAS_CORETYPE=HASWELL).");
    return sb.toString();
  }

  static double[] reference(double[] a, double[] b, int m, int k, int n) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double aip = a[i * k + p];
        for (int j = 0; j < n; j++) {
          c[i * n + j] += aip * b[p * n + j];
        }
      }
    }
    return c;
  }

  static double relativeError(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      return Double.POSITIVE_INFINITY;
    }
    double maxDiff = 0, maxRef = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(expected[i] - actual[i]);
      if (Double.isNaN(d)) {
        return Double.NaN;
      }
      maxDiff = Math.max(maxDiff, d);
      maxRef = Math.max(maxRef, Math.abs(expected[i]));
    }
    return maxDiff / Math.max(maxRef, Double.MIN_NORMAL);
  }

  private static double[] nd4jSingle(double[] a, double[] b, int m, int k, int n) {
    INDArray x = Nd4j.create(a, new long[] {m, k}, DataType.DOUBLE).castTo(DataType.FLOAT);
    INDArray y = Nd4j.create(b, new long[] {k, n}, DataType.DOUBLE).castTo(DataType.FLOAT);
    return x.mmul(y).castTo(DataType.DOUBLE).data().asDouble();
  }

  private static double[] nd4jDouble(double[] a, double[] b, int m, int k, int n) {
    INDArray x = Nd4j.create(a, new long[] {m, k}, DataType.DOUBLE);
    INDArray y = Nd4j.create(b, new long[] {k, n}, DataType.DOUBLE);
    return x.mmul(y).dup('c').data().asDouble();
  }

  private static double[] cblasSingle(double[] a, double[] b, int m, int k, int n) {
    try (NativeFloats x = NativeFloats.of(toFloat(a)); NativeFloats y = NativeFloats.of(toFloat(b));
        NativeFloats z = NativeFloats.allocate(m * n)) {
      NativeGemm.sgemm(false, false, m, n, k, 1f, x, 0, k, y, 0, n, 0f, z, 0, n);
      double[] out = new double[m * n];
      for (int i = 0; i < out.length; i++) {
        out[i] = z.get(i);
      }
      return out;
    }
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
