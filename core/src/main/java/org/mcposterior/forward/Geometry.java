package org.mcposterior.forward;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * The shape of one example's activations at a point of the network, and how they lie in memory.
 *
 * <p>{@code dims} are DL4J's per-example dimensions without the batch: {@code [size]} for
 * feed-forward activations, {@code [channels, height, width]} for images, anything else for
 * shapes only DL4J's own layers understand. Sequences are {@code [size, time]} for DL4J's NCW
 * format and {@code [time, size]} for NWC (the DL4J input type that travels with a geometry says
 * which). Images are stored either channels-first
 * ({@link Memory#CHW}, DL4J's NCHW) or channels-last ({@link Memory#HWC}, DL4J's NHWC and what
 * the convolution kernels here work in).
 */
public record Geometry(int[] dims, Memory memory) {

  /** Memory order of an example's activations. */
  public enum Memory {
    /** Row-major in the order of {@code dims}; for images this is channels-first. */
    CHW,
    /** Images only: height, width, then channels. */
    HWC
  }

  public Geometry {
    dims = dims.clone();
    if (memory == Memory.HWC && dims.length != 3) {
      throw new IllegalArgumentException("channels-last memory needs [c, h, w] dims, got " + Arrays.toString(dims));
    }
  }

  public static Geometry flat(int size) {
    return new Geometry(new int[] {size}, Memory.CHW);
  }

  public static Geometry image(int channels, int height, int width, Memory memory) {
    return new Geometry(new int[] {channels, height, width}, memory);
  }

  /** Floats per example. */
  public int size() {
    int s = 1;
    for (int d : dims) {
      s = Math.multiplyExact(s, d);
    }
    return s;
  }

  public boolean isImage() {
    return dims.length == 3;
  }

  public boolean isFlat() {
    return dims.length == 1;
  }

  public int channels() {
    return dims[0];
  }

  public int height() {
    return dims[1];
  }

  public int width() {
    return dims[2];
  }

  /** The same tensor stored in the other memory order. */
  public Geometry withMemory(Memory m) {
    return new Geometry(dims, m);
  }

  /** DL4J's input type for these activations as DL4J itself would hold them (format {@code f} for images). */
  public InputType toInputType(CNN2DFormat f) {
    return switch (dims.length) {
      case 1 -> InputType.feedForward(dims[0]);
      case 2 -> InputType.recurrent(dims[0], dims[1]);
      case 3 -> InputType.convolutional(dims[1], dims[2], dims[0], f);
      case 4 -> InputType.convolutional3D(org.deeplearning4j.nn.conf.layers.Convolution3D.DataFormat.NCDHW, dims[1],
          dims[2], dims[3], dims[0]);
      default -> throw new UnsupportedOperationException("activations of per-example shape " + Arrays.toString(dims)
          + " are not supported; supported: feed-forward [size], recurrent [size, length], images [c, h, w], volumes [c, d, h, w]");
    };
  }

  /**
   * Whether {@link #of} can describe {@code type}: feed-forward, flat or 2-d convolutional
   * activations, and recurrent ones of known length.
   */
  public static boolean describes(InputType type) {
    return type instanceof InputType.InputTypeFeedForward || type instanceof InputType.InputTypeConvolutionalFlat
        || type instanceof InputType.InputTypeConvolutional
        || type instanceof InputType.InputTypeRecurrent r && r.getTimeSeriesLength() > 0;
  }

  /** Geometry of DL4J's input type (images in DL4J's own layout for {@code type}'s format). */
  public static Geometry of(InputType type) {
    if (type instanceof InputType.InputTypeFeedForward ff) {
      return flat(Math.toIntExact(ff.getSize()));
    }
    if (type instanceof InputType.InputTypeConvolutionalFlat cf) {
      return flat(Math.toIntExact(cf.getFlattenedSize()));
    }
    if (type instanceof InputType.InputTypeConvolutional c) {
      return image(Math.toIntExact(c.getChannels()), Math.toIntExact(c.getHeight()), Math.toIntExact(c.getWidth()),
          c.getFormat() == CNN2DFormat.NHWC ? Memory.HWC : Memory.CHW);
    }
    if (type instanceof InputType.InputTypeRecurrent r) {
      if (r.getTimeSeriesLength() <= 0) {
        throw new UnsupportedOperationException("recurrent activations of unknown length are not supported");
      }
      int size = Math.toIntExact(r.getSize()), length = Math.toIntExact(r.getTimeSeriesLength());
      // DL4J's per-example layout: [size, time] for NCW (its default), [time, size] for NWC
      return new Geometry(r.getFormat() == org.deeplearning4j.nn.conf.RNNFormat.NWC ? new int[] {length, size}
          : new int[] {size, length}, Memory.CHW);
    }
    throw new UnsupportedOperationException("DL4J input type " + type + " is not supported by the MC forward pass");
  }

  /** DL4J's shape of a batch of {@code rows} examples (images in the format of the memory order). */
  public long[] batchShape(int rows) {
    long[] s = new long[dims.length + 1];
    s[0] = rows;
    if (memory == Memory.HWC) {
      s[1] = dims[1];
      s[2] = dims[2];
      s[3] = dims[0];
    } else {
      for (int i = 0; i < dims.length; i++) {
        s[i + 1] = dims[i];
      }
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Geometry g && Arrays.equals(dims, g.dims) && memory == g.memory;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims) * 31 + memory.hashCode();
  }

  @Override
  public String toString() {
    return Arrays.toString(dims) + (memory == Memory.HWC ? " (channels last)" : "");
  }
}
