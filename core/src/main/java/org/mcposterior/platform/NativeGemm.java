package org.mcposterior.platform;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.Nd4jBlas;

/**
 * Single-precision GEMM on {@link NativeFloats}, straight into the OpenBLAS that nd4j loaded:
 * no INDArray, no copies, no per-call allocation of native memory.
 *
 * <p>All matrices are row-major; offsets and leading dimensions are in floats. Thread-safe for
 * distinct output arrays (OpenBLAS may be called from several threads at once).
 */
public final class NativeGemm {
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANS = 111;
  private static final int TRANS = 112;

  static {
    Nd4j.create(1); // loads nd4j's backend, and with it the OpenBLAS we call
  }

  private NativeGemm() {}

  /**
   * {@code C = alpha * op(A) op(B) + beta * C}, with {@code op(A)} of shape {@code [m x k]} and
   * {@code op(B)} of shape {@code [k x n]}.
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      NativeFloats a, int aOff, int lda, NativeFloats b, int bOff, int ldb, float beta,
      NativeFloats c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    FloatPointer pa = new FloatPointer(a.pointer()).position(aOff);
    FloatPointer pb = new FloatPointer(b.pointer()).position(bOff);
    FloatPointer pc = new FloatPointer(c.pointer()).position(cOff);
    openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS,
        m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
  }

  /** Sets the number of threads OpenBLAS uses for one call (process-wide). */
  public static void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("BLAS threads = " + threads + "; expected >= 1");
    }
    ((Nd4jBlas) Nd4j.factory().blas()).setMaxThreads(threads);
  }

  /** The number of threads OpenBLAS uses for one call. */
  public static int threads() {
    return ((Nd4jBlas) Nd4j.factory().blas()).getMaxThreads();
  }
}
