package org.mcposterior.stats;

import java.util.Arrays;

/**
 * Posterior samples of a batch of examples: an immutable float tensor of shape
 * {@code [batch, outputs..., iterations]}, iterations last, as baal's {@code predict_on_batch}
 * returns them (DESIGN.md, invariant 1).
 *
 * <p>Storage is row-major (C order), so the {@code T} samples of one output of one example are
 * contiguous: element {@code [n, o, t]} (with {@code o} the flat index over the output dimensions)
 * is at {@code (n * outputSize() + o) * iterations() + t}.
 *
 * <p>Plain floats, no nd4j: the statistics and heuristics read samples without the sampler or the
 * forward engine on the path. The conversions to and from an INDArray are the sampler's
 * ({@code org.mcposterior.sampling.SampleArrays}).
 *
 * <p>Immutable and thread-safe: factories copy or take ownership ({@link #wrap}), accessors never
 * expose the array.
 */
public final class Samples {
  private final float[] data;
  private final int[] shape;
  private final int batch;
  private final int outputSize;
  private final int iterations;

  private Samples(float[] data, int[] shape) {
    if (shape.length < 3) {
      throw new IllegalArgumentException("samples need rank >= 3 [batch, outputs..., iterations]; got shape "
          + Arrays.toString(shape));
    }
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in samples shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException("samples shape " + Arrays.toString(shape) + " holds " + size
          + " values but " + data.length + " were given");
    }
    this.data = data;
    this.shape = shape.clone();
    this.batch = shape[0];
    this.iterations = shape[shape.length - 1];
    int o = 1;
    for (int i = 1; i < shape.length - 1; i++) {
      o *= shape[i];
    }
    this.outputSize = o;
  }

  /** Samples over a copy of {@code data}, laid out as described in the class comment. */
  public static Samples of(float[] data, int... shape) {
    return new Samples(data.clone(), shape);
  }

  /**
   * Samples that take ownership of {@code data}, without a copy (for the sampler, which fills a
   * fresh array per call): the caller must not touch {@code data} afterwards, or these samples
   * are no longer immutable. Prefer {@link #of(float[], int...)}.
   */
  public static Samples wrap(float[] data, int... shape) {
    return new Samples(data, shape);
  }

  /** The shape {@code [batch, outputs..., iterations]} (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** The output dimensions, without batch and iterations (a copy). */
  public int[] outputShape() {
    return Arrays.copyOfRange(shape, 1, shape.length - 1);
  }

  public int batchSize() {
    return batch;
  }

  /** Number of output values per example and iteration: the product of {@link #outputShape()}. */
  public int outputSize() {
    return outputSize;
  }

  public int iterations() {
    return iterations;
  }

  /** The sample of example {@code n}, flat output index {@code o}, iteration {@code t}. */
  public float get(int n, int o, int t) {
    return data[(n * outputSize + o) * iterations + t];
  }

  /** Element at a full index {@code [n, d1, ..., t]}. */
  public float getAt(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("index rank " + index.length + " != samples rank " + shape.length);
    }
    int flat = 0;
    for (int i = 0; i < shape.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
      }
      flat = flat * shape[i] + index[i];
    }
    return data[flat];
  }

  /** Copies the {@code outputSize() * iterations()} values of example {@code n} into {@code dst}. */
  public void copyExample(int n, float[] dst, int dstOff) {
    int len = outputSize * iterations;
    System.arraycopy(data, n * len, dst, dstOff, len);
  }

  /** All values, in the layout of the class comment (a copy). */
  public float[] toFloatArray() {
    return data.clone();
  }

  /** Examples {@code [from, to)} as new samples. */
  public Samples slice(int from, int to) {
    if (from < 0 || to > batch || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of a batch of " + batch);
    }
    int len = outputSize * iterations;
    int[] s = shape.clone();
    s[0] = to - from;
    return new Samples(Arrays.copyOfRange(data, from * len, to * len), s);
  }

  /** Iterations {@code [from, to)} of every example as new samples. */
  public Samples iterationRange(int from, int to) {
    if (from < 0 || to > iterations || from > to) {
      throw new IndexOutOfBoundsException("iterations [" + from + ", " + to + ") of " + iterations);
    }
    int t = to - from;
    float[] out = new float[batch * outputSize * t];
    for (int row = 0; row < batch * outputSize; row++) {
      System.arraycopy(data, row * iterations + from, out, row * t, t);
    }
    int[] s = shape.clone();
    s[s.length - 1] = t;
    return new Samples(out, s);
  }

  /**
   * A one-output sigmoid classifier's samples {@code [batch, 1, d..., T]} as two classes
   * {@code [batch, 2, d..., T]}: class 0 is {@code 1 - p}, class 1 is {@code p}, so the
   * heuristics (which need a distribution over at least two classes) apply.
   *
   * @throws InvalidSamplesException if the first output dimension is not 1 or a value is
   *     not a probability in [0, 1]
   */
  public Samples asTwoClasses() {
    if (shape.length < 3 || shape[1] != 1) {
      throw new InvalidSamplesException("samples of shape " + Arrays.toString(shape) + " are not one-output"
          + " samples [batch, 1, ..., iterations]; only a single sigmoid output can be read as two classes");
    }
    int perExample = outputSize * iterations;
    float[] out = new float[2 * data.length];
    for (int n = 0; n < batch; n++) {
      for (int j = 0; j < perExample; j++) {
        float p = data[n * perExample + j];
        if (!(p >= 0f && p <= 1f)) {
          throw new InvalidSamplesException("sample " + p + " of example " + n + " is not a probability in"
              + " [0, 1]; a one-output network's outputs must come from a sigmoid to be read as two classes");
        }
        out[n * 2 * perExample + j] = 1f - p;
        out[n * 2 * perExample + perExample + j] = p;
      }
    }
    int[] s = shape.clone();
    s[1] = 2;
    return new Samples(out, s);
  }

  /** Concatenates samples of equal output shape and iterations along the batch. */
  public static Samples concat(java.util.List<Samples> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to concatenate: no samples given");
    }
    Samples first = parts.get(0);
    int total = 0;
    for (Samples p : parts) {
      if (!Arrays.equals(p.outputShape(), first.outputShape()) || p.iterations != first.iterations) {
        throw new IllegalArgumentException("cannot concatenate samples of shape " + Arrays.toString(p.shape)
            + " with " + Arrays.toString(first.shape) + ": output shape and iterations must match");
      }
      total += p.batch;
    }
    float[] out = new float[total * first.outputSize * first.iterations];
    int off = 0;
    for (Samples p : parts) {
      System.arraycopy(p.data, 0, out, off, p.data.length);
      off += p.data.length;
    }
    int[] s = first.shape.clone();
    s[0] = total;
    return new Samples(out, s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Samples other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Samples" + Arrays.toString(shape);
  }
}
