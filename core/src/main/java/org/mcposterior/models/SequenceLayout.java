package org.mcposterior.models;

import java.io.Serializable;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Where the time steps of one example of a sequence network sit in its flat features, and how a
 * shorter sequence becomes a full one: the rule by which pools of variable-length sequences are read.
 *
 * <p>A sequence network's per-example input shape has two values, in DL4J's layout of its first
 * layer: {@code [time, features]} for an NWC layer (time-major: the features of step 0 first),
 * {@code [features, time]} for an NCW one. An example of {@code timeSteps} steps holds
 * {@code timeSteps x stepWidth} values in that C order. The rule for a shorter example: a flat
 * array of {@code L} values is a sequence of {@code L / stepWidth} steps, in the same layout with
 * that shorter time length ({@code L} must be a whole, positive number of steps, at most
 * {@code timeSteps}); it is padded with zeros at the end of time to the full length, and its
 * features mask ({@code [timeSteps]}, DL4J's {@code output(x, false, featuresMask, null)}) is 1 on
 * its real steps and 0 on the padding. Nested arrays are read flat in C order first (an NWC
 * sequence as {@code [[f...] per step]}, an NCW one as {@code [[steps...] per feature]}).
 *
 * <p>Immutable, serializable (it travels to the executors) and thread-safe.
 *
 * @param timeSteps the full time length T (from the input shape)
 * @param stepWidth features per time step
 * @param timeMajor true for NWC ({@code [time, features]}), false for NCW ({@code [features, time]})
 */
public record SequenceLayout(int timeSteps, int stepWidth, boolean timeMajor) implements Serializable {
  public SequenceLayout {
    if (timeSteps < 1 || stepWidth < 1) {
      throw new IllegalArgumentException("sequence layout of " + timeSteps + " steps x " + stepWidth
          + " features: expected at least one of each");
    }
  }

  /**
   * The layout of input 0 of {@code net} for per-example shape {@code shape}, or null when the
   * input is not a sequence (a shape of other than two values, or a network of several inputs).
   * The time axis is read from the first layer that reads the input, as the compiled plan reads it
   * (its {@code RNNFormat}; NCW when it declares none).
   */
  public static SequenceLayout of(Network net, int[] shape) {
    if (shape.length != 2 || net.numInputs() != 1) {
      return null;
    }
    String input = net.nodes().stream().filter(n -> n.inputIndex() == 0).findFirst().orElseThrow().name();
    Network.Node first = InputShapes.firstConsumer(net, input);
    boolean nwc = first != null && rnnFormat(first.layer().conf().getLayer()) == RNNFormat.NWC;
    return nwc ? new SequenceLayout(shape[0], shape[1], true) : new SequenceLayout(shape[1], shape[0], false);
  }

  /**
   * The sequence format a layer expects (DL4J's default NCW when it says nothing; a wrapper's is
   * its inner layer's): how a network's sequence input is laid out, for the pool and the plan.
   */
  public static RNNFormat rnnFormat(Layer conf) {
    if (conf instanceof org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer r) {
      return r.getRnnDataFormat();
    }
    if (conf instanceof org.deeplearning4j.nn.conf.layers.RnnOutputLayer r) {
      return r.getRnnDataFormat();
    }
    if (conf instanceof org.deeplearning4j.nn.conf.layers.RnnLossLayer r) {
      return r.getRnnDataFormat();
    }
    if (conf instanceof org.deeplearning4j.nn.conf.layers.Convolution1DLayer c) {
      return c.getRnnDataFormat();
    }
    if (conf instanceof org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional b) {
      return b.getRNNDataFormat();
    }
    if (conf instanceof org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed t) {
      return t.getRnnDataFormat();
    }
    if (conf instanceof org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer w) {
      return rnnFormat(w.getUnderlying());
    }
    return RNNFormat.NCW;
  }

  /** Values of a full-length example: {@code timeSteps x stepWidth}. */
  public int length() {
    return timeSteps * stepWidth;
  }

  /**
   * The real time steps of an example of {@code values} features.
   *
   * @throws InputShapeException unless {@code values} is a whole number of steps from 1 to {@link #timeSteps}
   */
  public int steps(int values) {
    if (values <= 0 || values % stepWidth != 0 || values / stepWidth > timeSteps) {
      throw new InputShapeException("a sequence of " + values + " values: expected 1 to " + timeSteps + " time steps of "
          + stepWidth + " features (a multiple of " + stepWidth + " up to " + length() + ")");
    }
    return values / stepWidth;
  }

  /**
   * {@code features} ({@code steps} real steps in this layout) at the start of time of a full-length
   * example, zeros after: written into {@code dst[off .. off + length())}.
   */
  public void pad(float[] features, float[] dst, int off) {
    int steps = steps(features.length);
    Arrays.fill(dst, off, off + length(), 0f);
    if (timeMajor) {
      System.arraycopy(features, 0, dst, off, features.length);
    } else {
      for (int f = 0; f < stepWidth; f++) {
        System.arraycopy(features, f * steps, dst, off + f * timeSteps, steps);
      }
    }
  }

  /** The features mask of an example of {@code steps} real steps: 1 on steps {@code [0, steps)}, 0 after; into {@code dst[off ..]}. */
  public void mask(int steps, float[] dst, int off) {
    Arrays.fill(dst, off, off + steps, 1f);
    Arrays.fill(dst, off + steps, off + timeSteps, 0f);
  }

  /**
   * Row {@code row} of a padded, masked batch: {@code features} padded into {@code x} ({@link #pad})
   * and its mask into {@code mask} ({@link #mask}), for DL4J's {@code output(x, false, mask, null)}
   * and the sampler's masked {@code predictOnBatch}.
   */
  public void padMasked(float[] features, float[] x, float[] mask, int row) {
    pad(features, x, row * length());
    mask(steps(features.length), mask, row * timeSteps);
  }
}
