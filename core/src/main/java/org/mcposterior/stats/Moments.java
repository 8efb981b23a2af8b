package org.mcposterior.stats;

import java.util.Arrays;

/**
 * The posterior moments of one example: everything BALD, entropy, variance, margin and certainty
 * need, and nothing proportional to the number of iterations.
 *
 * <p>For an output shape {@code [C, d1, ...]} with {@code P} positions and probabilities
 * {@code p[c, pos, t]} over {@code n} iterations:
 * <ul>
 *   <li>{@link #count()} {@code = n};
 *   <li>{@link #sum(int) sum(o)} {@code = sum_t p[o, t]} and {@link #sumOfSquares(int)
 *       sumOfSquares(o)} {@code = sum_t p[o, t]^2} for every output {@code o = c * P + pos};
 *   <li>{@link #sumPLogP(int) sumPLogP(pos)} {@code = sum_t sum_c p[c, pos, t] ln p[c, pos, t]}
 *       (natural log, {@code 0 ln 0 = 0}), so the expected entropy is {@code -sumPLogP / n} nats.
 * </ul>
 * All sums are accumulated in double from the float samples.
 *
 * <p>This is the immutable result; {@link MomentsAccumulator} builds and merges it, {@link
 * MomentsBatch} holds the moments of a whole batch in flat arrays, {@link MomentsCodec} writes it.
 * An empty value ({@code n = 0}) is the identity of merging and has no scores. Immutable and
 * thread-safe.
 */
/*
 * Invariants: immutable; arrays owned (never exposed); sums.length == squares.length == K,
 * plogp.length == P; count >= 0, and count == 0 implies all sums are zero.
 */
public final class Moments {
  private final OutputShape shape;
  private final long count;
  private final double[] sums;
  private final double[] squares;
  private final double[] plogp;

  /** Takes ownership of the arrays; callers in this package pass fresh copies. */
  Moments(OutputShape shape, long count, double[] sums, double[] squares, double[] plogp) {
    this.shape = shape;
    this.count = count;
    this.sums = sums;
    this.squares = squares;
    this.plogp = plogp;
  }

  /** Empty moments (no iterations) of an output shape {@code [C, d1, ...]}. */
  public static Moments empty(int... outputShape) {
    OutputShape s = OutputShape.of(outputShape);
    return new Moments(s, 0, new double[s.size()], new double[s.size()], new double[s.positions()]);
  }

  /**
   * The moments of example {@code example} of {@code samples}, after converting its values with
   * {@code probabilities}. Equal, bit for bit, to {@code MomentsBatch.of(samples,
   * probabilities).example(example)}.
   *
   * @throws InvalidSamplesException if the samples have no iterations, fewer than 2 classes, or a
   *     value the conversion refuses
   * @throws IndexOutOfBoundsException if {@code example} is not in the batch
   */
  public static Moments of(Samples samples, int example, Probabilities probabilities) {
    OutputShape s = OutputShape.of(samples);
    if (example < 0 || example >= samples.batchSize()) {
      throw new IndexOutOfBoundsException("example " + example + " of a batch of " + samples.batchSize());
    }
    int t = samples.iterations();
    float[] buf = new float[s.size() * t];
    samples.copyExample(example, buf, 0);
    double[] sums = new double[s.size()];
    double[] squares = new double[s.size()];
    double[] plogp = new double[s.positions()];
    MomentKernel.example(buf, probabilities, s, t, example, sums, squares, 0, plogp, 0, MomentKernel.scratch(s, t));
    return new Moments(s, t, sums, squares, plogp);
  }

  public OutputShape shape() {
    return shape;
  }

  /** The number of iterations {@code n} these moments summarise. */
  public long count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** {@code sum_t p[o, t]} for the flat output index {@code o = c * positions + pos}. */
  public double sum(int o) {
    return sums[o];
  }

  /** {@code sum_t p[o, t]^2} for the flat output index {@code o}. */
  public double sumOfSquares(int o) {
    return squares[o];
  }

  /** {@code sum_t sum_c p ln p} at position {@code pos}, in nats; at most 0. */
  public double sumPLogP(int pos) {
    return plogp[pos];
  }

  /**
   * The mean probability {@code sum(o) / count()} of output {@code o}.
   *
   * @throws IllegalStateException if the moments are empty
   */
  public double mean(int o) {
    requireNonEmpty();
    return sums[o] / count;
  }

  /** The mean probabilities of every output, in the flat layout (a new array). */
  public double[] means() {
    requireNonEmpty();
    double[] m = new double[sums.length];
    for (int o = 0; o < m.length; o++) {
      m[o] = sums[o] / count;
    }
    return m;
  }

  /**
   * Copies the sums into {@code dst[off ..]}, the squares into {@code dstSquares[off ..]} and the
   * {@code p ln p} sums into {@code dstPLogP[plogpOff ..]}: bulk access for scoring loops.
   */
  public void copyTo(double[] dst, double[] dstSquares, int off, double[] dstPLogP, int plogpOff) {
    System.arraycopy(sums, 0, dst, off, sums.length);
    System.arraycopy(squares, 0, dstSquares, off, squares.length);
    System.arraycopy(plogp, 0, dstPLogP, plogpOff, plogp.length);
  }

  private void requireNonEmpty() {
    if (count == 0) {
      throw new IllegalStateException("moments of shape " + shape + " are empty (0 iterations): no mean to"
          + " compute. Fix: combine at least one shard of samples first");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Moments m && count == m.count && shape.equals(m.shape) && Arrays.equals(sums, m.sums)
        && Arrays.equals(squares, m.squares) && Arrays.equals(plogp, m.plogp);
  }

  @Override
  public int hashCode() {
    return ((shape.hashCode() * 31 + Long.hashCode(count)) * 31 + Arrays.hashCode(sums)) * 31
        + Arrays.hashCode(plogp);
  }

  @Override
  public String toString() {
    return "Moments[shape=" + shape + ", count=" + count + "]";
  }

  double[] sumsArray() {
    return sums;
  }

  double[] squaresArray() {
    return squares;
  }

  double[] plogpArray() {
    return plogp;
  }
}
