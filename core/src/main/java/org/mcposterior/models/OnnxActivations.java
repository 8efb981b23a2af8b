package org.mcposterior.models;

import org.apache.commons.math3.special.Erf;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The element-wise and row-wise functions of ONNX that DL4J has no activation for, written as DL4J
 * activations so that an ONNX graph becomes a plain DL4J network (see {@link OnnxModels}).
 *
 * <p>Each computes exactly the ONNX operator's definition, in double precision and rounded to the
 * input's type: {@link Erf} (the Gauss error function, the inner part of the exact GELU that
 * PyTorch exports as {@code Div, Erf, Add, Mul, Mul}), {@link LogSoftmax}, {@link HardSigmoid}
 * with its {@code alpha} and {@code beta} (PyTorch's {@code nn.Hardsigmoid} exports {@code alpha =
 * 1/6}, DL4J's own hard sigmoid is fixed at 0.2) and {@link Clip} with any bounds. They run at
 * inference only: {@code backprop} is refused, since these networks are scored, never trained
 * (learning stays with DL4J models). Immutable and thread-safe; DL4J's JSON writes and reads them
 * by class name and fields, so a network holding them keeps its fingerprint and copies.
 */
public final class OnnxActivations {
  private OnnxActivations() {}

  /** Values of {@code in} as doubles, in C order (a copy). */
  private static double[] values(INDArray in) {
    try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return in.dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
    }
  }

  /**
   * {@code in} overwritten with {@code v}: DL4J activations work in place, on the array of the
   * layer's activation workspace, and return it.
   */
  private static INDArray like(INDArray in, double[] v) {
    try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      in.assign(Nd4j.create(v, in.shape(), 'c').castTo(in.dataType()));
    }
    return in;
  }

  private static Pair<INDArray, INDArray> refuseBackprop(Object f) {
    throw new UnsupportedOperationException(f + " is an inference-only activation of an imported ONNX model;"
        + " ONNX models are scored, never trained here");
  }

  /** Common base: one function of one value. */
  abstract static class ElementWise extends BaseActivationFunction {
    private static final long serialVersionUID = 1L;

    abstract double f(double x);

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
      double[] v = values(in);
      for (int i = 0; i < v.length; i++) {
        v[i] = f(v[i]);
      }
      return like(in, v);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
      return refuseBackprop(this);
    }
  }

  /** ONNX {@code Erf}: the Gauss error function. */
  public static final class ErfFunction extends ElementWise {
    private static final long serialVersionUID = 1L;

    @Override
    double f(double x) {
      return Erf.erf(x);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ErfFunction;
    }

    @Override
    public int hashCode() {
      return 31;
    }

    @Override
    public String toString() {
      return "erf";
    }
  }

  /** ONNX {@code HardSigmoid}: {@code max(0, min(1, alpha * x + beta))}. */
  public static final class HardSigmoid extends ElementWise {
    private static final long serialVersionUID = 1L;
    private double alpha;
    private double beta;

    /** For DL4J's JSON reader. */
    public HardSigmoid() {
      this(0.2, 0.5);
    }

    public HardSigmoid(double alpha, double beta) {
      this.alpha = alpha;
      this.beta = beta;
    }

    public double getAlpha() {
      return alpha;
    }

    public double getBeta() {
      return beta;
    }

    @Override
    double f(double x) {
      return Math.max(0.0, Math.min(1.0, alpha * x + beta));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HardSigmoid h && h.alpha == alpha && h.beta == beta;
    }

    @Override
    public int hashCode() {
      return Double.hashCode(alpha) * 31 + Double.hashCode(beta);
    }

    @Override
    public String toString() {
      return "hardsigmoid(alpha=" + alpha + ", beta=" + beta + ")";
    }
  }

  /** ONNX {@code Clip}: {@code min(max(x, min), max)}; an infinite bound is no bound. */
  public static final class Clip extends ElementWise {
    private static final long serialVersionUID = 1L;
    private double min;
    private double max;

    /** For DL4J's JSON reader. */
    public Clip() {
      this(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    public Clip(double min, double max) {
      this.min = min;
      this.max = max;
    }

    public double getMin() {
      return min;
    }

    public double getMax() {
      return max;
    }

    @Override
    double f(double x) {
      return Math.min(Math.max(x, min), max);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Clip c && c.min == min && c.max == max;
    }

    @Override
    public int hashCode() {
      return Double.hashCode(min) * 31 + Double.hashCode(max);
    }

    @Override
    public String toString() {
      return "clip(" + min + ", " + max + ")";
    }
  }

  /**
   * ONNX {@code LogSoftmax} over the last axis of a {@code [batch, classes]} array: {@code x_c - max
   * x - log(sum_k exp(x_k - max x))}. A network ending in it outputs log-probabilities, which the
   * scores read as logits (the softmax of log-probabilities is the probabilities themselves).
   */
  public static final class LogSoftmax extends BaseActivationFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
      if (in.rank() != 2) {
        throw new IllegalArgumentException("log-softmax of an array of shape " + java.util.Arrays.toString(in.shape())
            + "; expected [batch, classes]");
      }
      int cols = Math.toIntExact(in.size(1));
      double[] v = values(in);
      for (int off = 0; off < v.length; off += cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
          max = Math.max(max, v[off + c]);
        }
        double sum = 0;
        for (int c = 0; c < cols; c++) {
          sum += Math.exp(v[off + c] - max);
        }
        double log = Math.log(sum);
        for (int c = 0; c < cols; c++) {
          v[off + c] = v[off + c] - max - log;
        }
      }
      return like(in, v);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
      return refuseBackprop(this);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LogSoftmax;
    }

    @Override
    public int hashCode() {
      return 37;
    }

    @Override
    public String toString() {
      return "logsoftmax";
    }
  }
}
