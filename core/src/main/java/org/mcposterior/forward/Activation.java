package org.mcposterior.forward;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An activation function applied in place to rows of floats, the same function DL4J's
 * {@link IActivation} computes at inference. Common functions are plain Java loops; anything else
 * runs DL4J's own implementation on a copy, so every activation DL4J has is supported.
 *
 * <p>Immutable and thread-safe.
 */
public abstract class Activation {

  /**
   * Applies the function to {@code rows} rows of {@code rowLength} floats at {@code v[off..]}.
   * Element-wise functions ignore the row structure; softmax normalises each row.
   */
  public abstract void apply(float[] v, int off, int rows, int rowLength);

  /** Whether this is the identity (callers may skip it). */
  public boolean isIdentity() {
    return false;
  }

  /** Whether the function mixes the values of a row (softmax) rather than acting per element. */
  public boolean isRowWise() {
    return false;
  }

  public abstract String name();

  /** The activation DL4J computes with {@code a}, for rows that DL4J would see as {@code [rows, rowLength]}. */
  public static Activation of(IActivation a) {
    if (a == null || a instanceof ActivationIdentity) {
      return IDENTITY;
    }
    if (a instanceof ActivationReLU r) {
      if (r.getMax() == null && r.getThreshold() == null && r.getNegativeSlope() == null) {
        return RELU;
      }
      return new Dl4j(a);
    }
    if (a instanceof ActivationLReLU l) {
      return new LeakyRelu((float) l.getAlpha());
    }
    if (a instanceof ActivationSigmoid) {
      return SIGMOID;
    }
    if (a instanceof ActivationTanH) {
      return TANH;
    }
    if (a instanceof ActivationSoftmax) {
      return SOFTMAX;
    }
    if (a instanceof ActivationELU e) {
      return new Elu((float) e.getAlpha());
    }
    if (a instanceof ActivationSoftPlus) {
      return SOFTPLUS;
    }
    if (a instanceof ActivationReLU6) {
      return RELU6;
    }
    if (a instanceof ActivationHardTanH) {
      return HARDTANH;
    }
    if (a instanceof ActivationSoftSign) {
      return SOFTSIGN;
    }
    return new Dl4j(a);
  }

  static final Activation IDENTITY = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {}

    @Override
    public boolean isIdentity() {
      return true;
    }

    @Override
    public String name() {
      return "identity";
    }
  };

  static final Activation RELU = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        v[i] = Math.max(v[i], 0f);
      }
    }

    @Override
    public String name() {
      return "relu";
    }
  };

  static final Activation SIGMOID = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        v[i] = (float) (1.0 / (1.0 + Math.exp(-v[i])));
      }
    }

    @Override
    public String name() {
      return "sigmoid";
    }
  };

  static final Activation TANH = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        v[i] = (float) Math.tanh(v[i]);
      }
    }

    @Override
    public String name() {
      return "tanh";
    }
  };

  static final Activation SOFTPLUS = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        double x = v[i];
        v[i] = (float) (x > 20 ? x : Math.log1p(Math.exp(x)));
      }
    }

    @Override
    public String name() {
      return "softplus";
    }
  };

  static final Activation RELU6 = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        v[i] = Math.min(Math.max(v[i], 0f), 6f);
      }
    }

    @Override
    public String name() {
      return "relu6";
    }
  };

  static final Activation HARDTANH = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        v[i] = Math.min(Math.max(v[i], -1f), 1f);
      }
    }

    @Override
    public String name() {
      return "hardtanh";
    }
  };

  static final Activation SOFTSIGN = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        v[i] = v[i] / (1f + Math.abs(v[i]));
      }
    }

    @Override
    public String name() {
      return "softsign";
    }
  };

  /** Softmax over each row, computed stably in double: {@code exp(x - max) / sum}. */
  static final Activation SOFTMAX = new Activation() {
    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      for (int r = 0; r < rows; r++) {
        int s = off + r * rowLength;
        int e = s + rowLength;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = s; i < e; i++) {
          max = Math.max(max, v[i]);
        }
        double sum = 0;
        for (int i = s; i < e; i++) {
          double x = Math.exp(v[i] - max);
          v[i] = (float) x;
          sum += x;
        }
        float inv = (float) (1.0 / sum);
        for (int i = s; i < e; i++) {
          v[i] *= inv;
        }
      }
    }

    @Override
    public boolean isRowWise() {
      return true;
    }

    @Override
    public String name() {
      return "softmax";
    }
  };

  static final class LeakyRelu extends Activation {
    private final float alpha;

    LeakyRelu(float alpha) {
      this.alpha = alpha;
    }

    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        v[i] = v[i] < 0f ? v[i] * alpha : v[i];
      }
    }

    @Override
    public String name() {
      return "leakyrelu(" + alpha + ")";
    }
  }

  static final class Elu extends Activation {
    private final float alpha;

    Elu(float alpha) {
      this.alpha = alpha;
    }

    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      int end = off + rows * rowLength;
      for (int i = off; i < end; i++) {
        v[i] = v[i] < 0f ? (float) (alpha * Math.expm1(v[i])) : v[i];
      }
    }

    @Override
    public String name() {
      return "elu(" + alpha + ")";
    }
  }

  /** Any DL4J activation, run by DL4J on a copy of the rows. */
  static final class Dl4j extends Activation {
    private final IActivation activation;

    Dl4j(IActivation activation) {
      this.activation = activation;
    }

    @Override
    public void apply(float[] v, int off, int rows, int rowLength) {
      float[] copy = java.util.Arrays.copyOfRange(v, off, off + rows * rowLength);
      INDArray in = Nd4j.create(copy, new long[] {rows, rowLength}, 'c');
      INDArray out = activation.getActivation(in, false);
      float[] res = out.dup('c').data().asFloat();
      System.arraycopy(res, 0, v, off, res.length);
    }

    @Override
    public boolean isRowWise() {
      return true; // unknown: assume it may mix a row's values
    }

    @Override
    public String name() {
      return activation.toString();
    }
  }
}
