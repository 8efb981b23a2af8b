package org.mcposterior.stats;

import java.util.Arrays;

/**
 * Merges the {@link Moments} of one example across iteration shards: the per-example,
 * row-at-a-time counterpart of {@link MomentsBatch}, for keyed reductions such as Spark's
 * {@code reduceByKey}.
 *
 * <p>{@link #combine} adds counts and sums; it is associative and commutative up to rounding, and
 * exactly reproducible for a fixed merge order (DESIGN.md, invariant 5). The empty accumulator is
 * its identity; combining with itself is refused; combining different output shapes is refused.
 * {@link #get()} returns an immutable snapshot and does not disturb the accumulator.
 *
 * <p>Not thread-safe: one accumulator per task, merged afterwards.
 */
/*
 * Invariants: sums.length == squares.length == K, plogp.length == P (fixed by the shape);
 * count >= 0; count == 0 implies all sums are zero; only combine mutates.
 */
public final class MomentsAccumulator implements Mergeable<MomentsAccumulator> {
  private final OutputShape shape;
  private long count;
  private final double[] sums;
  private final double[] squares;
  private final double[] plogp;

  private MomentsAccumulator(OutputShape shape, long count, double[] sums, double[] squares, double[] plogp) {
    this.shape = shape;
    this.count = count;
    this.sums = sums;
    this.squares = squares;
    this.plogp = plogp;
  }

  /** An empty accumulator for outputs of shape {@code [C, d1, ...]}. */
  public static MomentsAccumulator empty(int... outputShape) {
    OutputShape s = OutputShape.of(outputShape);
    return new MomentsAccumulator(s, 0, new double[s.size()], new double[s.size()], new double[s.positions()]);
  }

  /** An accumulator that starts from {@code moments} (copied). */
  public static MomentsAccumulator of(Moments moments) {
    return new MomentsAccumulator(moments.shape(), moments.count(), moments.sumsArray().clone(),
        moments.squaresArray().clone(), moments.plogpArray().clone());
  }

  /**
   * An accumulator holding the moments of example {@code example} of {@code samples}.
   *
   * @see Moments#of(Samples, int, Probabilities)
   */
  public static MomentsAccumulator of(Samples samples, int example, Probabilities probabilities) {
    return of(Moments.of(samples, example, probabilities));
  }

  @Override
  public MomentsAccumulator combine(MomentsAccumulator other) {
    if (other == this) {
      throw new IncompatibleMomentsException("cannot combine a MomentsAccumulator (" + shape + ", count "
          + count + ") with itself: that would count its iterations twice."
          + " Fix: combine a copy, MomentsAccumulator.of(acc.get()), if doubling is really meant");
    }
    add(other.shape, other.count, other.sums, other.squares, other.plogp);
    return this;
  }

  /** Adds immutable moments into this accumulator; same rules as {@link #combine(MomentsAccumulator)}. */
  public MomentsAccumulator combine(Moments other) {
    add(other.shape(), other.count(), other.sumsArray(), other.squaresArray(), other.plogpArray());
    return this;
  }

  private void add(OutputShape otherShape, long otherCount, double[] s, double[] sq, double[] pl) {
    if (!shape.equals(otherShape)) {
      throw new IncompatibleMomentsException("cannot combine moments of output shape " + otherShape
          + " into an accumulator of output shape " + shape + ": class counts and output dimensions must"
          + " match. Fix: merge only shards of the same model output");
    }
    if (otherCount == 0) {
      return;
    }
    if (count == 0) {
      // Copy rather than add, so the empty accumulator is an exact identity (0.0 + -0.0 is 0.0).
      System.arraycopy(s, 0, sums, 0, sums.length);
      System.arraycopy(sq, 0, squares, 0, squares.length);
      System.arraycopy(pl, 0, plogp, 0, plogp.length);
      count = otherCount;
      return;
    }
    count += otherCount;
    for (int i = 0; i < sums.length; i++) {
      sums[i] += s[i];
      squares[i] += sq[i];
    }
    for (int i = 0; i < plogp.length; i++) {
      plogp[i] += pl[i];
    }
  }

  /** The moments accumulated so far, as an immutable snapshot. */
  public Moments get() {
    return new Moments(shape, count, sums.clone(), squares.clone(), plogp.clone());
  }

  public OutputShape shape() {
    return shape;
  }

  public long count() {
    return count;
  }

  @Override
  public boolean isEmpty() {
    return count == 0;
  }

  @Override
  public String toString() {
    return "MomentsAccumulator[shape=" + shape + ", count=" + count + ", sums=" + Arrays.toString(sums) + "]";
  }
}
