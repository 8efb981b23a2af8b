package org.mcposterior.stats;

import java.util.Arrays;

/**
 * The output shape {@code [C, d1, ...]} of one example and iteration: {@code C} classes first,
 * then any extra dimensions (for example the pixels of a segmentation map). Moments keep one entry
 * per (class, position), where a position is a flat index over {@code d1, ...} and the flat output
 * index is {@code o = c * positions() + position}, the row-major layout {@link Samples} uses.
 *
 * <p>Invariants: at least one dimension, {@code C >= 1}, every extra dimension {@code >= 1}. A
 * shape with {@code C = 1} holds plain values, not a distribution (a regression output viewed as
 * {@code [1, outputs]}, see {@link OutputKind#REGRESSION}): only {@link MomentsBatch#ofValues}
 * takes moments of it, and every class-probability path ({@link #of(Samples)}, {@link
 * Probabilities}) refuses it, since a one-class distribution is always {@code [1]}. Immutable and
 * thread-safe.
 */
public final class OutputShape {
  private final int[] dims;
  private final int classes;
  private final int positions;

  private OutputShape(int[] dims) {
    if (dims.length == 0) {
      throw new InvalidSamplesException("output shape [] has no class dimension: expected [classes, d1, ...]"
          + " with classes >= 2. Fix: give samples shaped [batch, classes, ..., iterations]");
    }
    if (dims[0] < 1) {
      throw new InvalidSamplesException("output shape " + Arrays.toString(dims) + " has " + dims[0]
          + " values in its first dimension: expected at least 1");
    }
    long p = 1;
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] < 1) {
        throw new InvalidSamplesException("output shape " + Arrays.toString(dims) + " has dimension " + i
            + " of size " + dims[i] + ": expected every extra output dimension >= 1");
      }
      p *= dims[i];
    }
    if ((long) dims[0] * p > Integer.MAX_VALUE) {
      throw new InvalidSamplesException("output shape " + Arrays.toString(dims) + " has " + dims[0] * p
          + " values per iteration: expected at most " + Integer.MAX_VALUE);
    }
    this.dims = dims.clone();
    this.classes = dims[0];
    this.positions = (int) p;
  }

  /** The shape {@code [classes, d1, ...]}; validated as described in the class comment. */
  public static OutputShape of(int... dims) {
    return new OutputShape(dims);
  }

  /**
   * The output shape of {@code samples}, checking that they can be scored: at least one iteration
   * and at least two classes.
   *
   * @throws InvalidSamplesException naming the shape if {@code T = 0} or {@code C < 2}
   */
  public static OutputShape of(Samples samples) {
    if (samples.iterations() == 0) {
      throw new InvalidSamplesException("samples of shape " + Arrays.toString(samples.shape())
          + " have T = 0 iterations: expected at least 1 (posterior statistics need samples)."
          + " Fix: sample with iterations >= 1");
    }
    return new OutputShape(samples.outputShape()).requireClasses();
  }

  /**
   * The output shape of {@code samples} read as plain values (any first dimension, {@code C = 1}
   * allowed): checks only that there is at least one iteration.
   *
   * @throws InvalidSamplesException naming the shape if {@code T = 0}
   */
  public static OutputShape ofValues(Samples samples) {
    if (samples.iterations() == 0) {
      throw new InvalidSamplesException("samples of shape " + Arrays.toString(samples.shape())
          + " have T = 0 iterations: expected at least 1 (posterior statistics need samples)."
          + " Fix: sample with iterations >= 1");
    }
    return new OutputShape(samples.outputShape());
  }

  /**
   * This shape, if it has at least two classes: a class distribution needs two (a one-class
   * softmax is always {@code [1]}).
   *
   * @throws InvalidSamplesException naming the shape otherwise
   */
  public OutputShape requireClasses() {
    if (classes < 2) {
      throw new InvalidSamplesException("output shape " + this + " has " + classes
          + " classes: expected at least 2 classes in the first output dimension to read it as class"
          + " probabilities. Fix: give a single sigmoid output as two columns [1 - p, p] (Samples.asTwoClasses,"
          + " OutputKind.BINARY), or score plain values as OutputKind.REGRESSION");
    }
    return this;
  }

  /** The dimensions {@code [classes, d1, ...]} (a copy). */
  public int[] dims() {
    return dims.clone();
  }

  /** {@code C}, the size of the first output dimension. */
  public int classes() {
    return classes;
  }

  /** The product of the extra dimensions; 1 for plain classification. */
  public int positions() {
    return positions;
  }

  /** {@code classes() * positions()}, the number of (class, position) entries. */
  public int size() {
    return classes * positions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputShape other && Arrays.equals(dims, other.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
