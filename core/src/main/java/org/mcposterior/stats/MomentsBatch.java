package org.mcposterior.stats;

import java.util.Arrays;
import java.util.List;

/**
 * The {@link Moments} of every example of a batch, in flat double arrays: the fast path from a
 * sample tensor to mergeable statistics, one pass over each example's {@code C * P * T} floats
 * with no allocation per example.
 *
 * <p>Layout, for {@code N} examples, {@code K = C * P} outputs and {@code P} positions: {@code
 * sum(n, o)} and {@code sumOfSquares(n, o)} at {@code n * K + o}, {@code sumPLogP(n, pos)} at
 * {@code n * P + pos}, one iteration count per example. Definitions as in {@link Moments}.
 *
 * <p>{@link #combine} merges another batch of the same examples (typically another shard of
 * iterations) example by example, with the rules of {@link Mergeable}: associative and commutative
 * up to rounding, bitwise reproducible for a fixed order, empty is the identity (per example),
 * self-merge and mismatched shapes or batch sizes refused. It is the only mutator; reads never
 * disturb the batch. Not thread-safe while being combined; safe to read from many threads after.
 */
/*
 * Invariants: counts.length == batch; sums.length == squares.length == batch * K;
 * plogp.length == batch * P; counts >= 0; an example with count 0 holds zeros only;
 * sums and squares >= 0 and plogp <= 0 for moments of probabilities.
 */
public final class MomentsBatch implements Mergeable<MomentsBatch> {
  private final OutputShape shape;
  private final int batch;
  private final long[] counts;
  private final double[] sums;
  private final double[] squares;
  private final double[] plogp;

  private MomentsBatch(OutputShape shape, int batch) {
    this.shape = shape;
    this.batch = batch;
    this.counts = new long[batch];
    this.sums = new double[Math.multiplyExact(batch, shape.size())];
    this.squares = new double[sums.length];
    this.plogp = new double[Math.multiplyExact(batch, shape.positions())];
  }

  /** {@code batchSize} empty examples of output shape {@code [C, d1, ...]}. */
  public static MomentsBatch empty(int batchSize, int... outputShape) {
    if (batchSize < 0) {
      throw new IllegalArgumentException("batch size " + batchSize + " is negative: expected >= 0");
    }
    return new MomentsBatch(OutputShape.of(outputShape), batchSize);
  }

  /**
   * The moments of every example of {@code samples}, after converting each sample vector with
   * {@code probabilities}.
   *
   * <p>Cost: one pass over the samples (about {@code 5 ns} per value on one core); memory: {@code
   * 16 K + 8 P + 8} bytes per example plus one example's floats of work space.
   *
   * @throws InvalidSamplesException if the samples have no iterations, fewer than 2 classes, or a
   *     value the conversion refuses (the message names example, class, position and iteration)
   */
  public static MomentsBatch of(Samples samples, Probabilities probabilities) {
    OutputShape s = OutputShape.of(samples);
    int n = samples.batchSize();
    int t = samples.iterations();
    int k = s.size();
    int p = s.positions();
    MomentsBatch b = new MomentsBatch(s, n);
    float[] buf = new float[k * t];
    double[] scratch = MomentKernel.scratch(s, t);
    for (int i = 0; i < n; i++) {
      samples.copyExample(i, buf, 0);
      MomentKernel.example(buf, probabilities, s, t, i, b.sums, b.squares, i * k, b.plogp, i * p, scratch);
      b.counts[i] = t;
    }
    return b;
  }

  /**
   * The moments of every example of {@code samples} taken from the values as they are, with no
   * conversion to probabilities: for outputs that are not class distributions (regression, {@link
   * OutputKind#REGRESSION}). Sums and sums of squares per output as in {@link Moments}; the {@code
   * p ln p} sums are 0, so only the mean and the variance of these moments mean anything. Values
   * are checked to be finite and nothing else. Merges like any other batch.
   *
   * @throws InvalidSamplesException if the samples have no iterations or a value is NaN or infinite
   */
  public static MomentsBatch ofValues(Samples samples) {
    OutputShape s = OutputShape.ofValues(samples);
    int n = samples.batchSize();
    int t = samples.iterations();
    int k = s.size();
    MomentsBatch b = new MomentsBatch(s, n);
    float[] buf = new float[k * t];
    for (int i = 0; i < n; i++) {
      samples.copyExample(i, buf, 0);
      MomentKernel.values(buf, s, t, i, b.sums, b.squares, i * k, b.plogp, i * s.positions());
      b.counts[i] = t;
    }
    return b;
  }

  /**
   * A batch gathered from per-example moments (for example rows merged by key), in list order.
   *
   * @throws IncompatibleMomentsException if the examples do not all have the same output shape
   * @throws IllegalArgumentException if the list is empty
   */
  public static MomentsBatch of(List<Moments> examples) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no moments given: expected at least one example to know the output"
          + " shape. Fix: use MomentsBatch.empty(0, shape) for an empty batch");
    }
    OutputShape s = examples.get(0).shape();
    MomentsBatch b = new MomentsBatch(s, examples.size());
    for (int i = 0; i < examples.size(); i++) {
      Moments m = examples.get(i);
      if (!m.shape().equals(s)) {
        throw new IncompatibleMomentsException("moments " + i + " have output shape " + m.shape()
            + " but moments 0 have " + s + ": a batch holds one output shape. Fix: batch each model output apart");
      }
      b.counts[i] = m.count();
      m.copyTo(b.sums, b.squares, i * s.size(), b.plogp, i * s.positions());
    }
    return b;
  }

  @Override
  public MomentsBatch combine(MomentsBatch other) {
    if (other == this) {
      throw new IncompatibleMomentsException("cannot combine a MomentsBatch of " + batch
          + " examples with itself: that would count its iterations twice. Fix: combine a copy, batch.copy()");
    }
    if (!shape.equals(other.shape) || batch != other.batch) {
      throw new IncompatibleMomentsException("cannot combine a MomentsBatch of " + other.batch
          + " examples of output shape " + other.shape + " into one of " + batch + " examples of output shape "
          + shape + ": batch size and output shape must match. Fix: combine shards of the same examples");
    }
    int k = shape.size();
    int p = shape.positions();
    for (int i = 0; i < batch; i++) {
      long c = other.counts[i];
      if (c == 0) {
        continue;
      }
      if (counts[i] == 0) {
        // Copy rather than add, so an empty example is an exact identity (0.0 + -0.0 is 0.0).
        System.arraycopy(other.sums, i * k, sums, i * k, k);
        System.arraycopy(other.squares, i * k, squares, i * k, k);
        System.arraycopy(other.plogp, i * p, plogp, i * p, p);
      } else {
        for (int j = i * k, end = j + k; j < end; j++) {
          sums[j] += other.sums[j];
          squares[j] += other.squares[j];
        }
        for (int j = i * p, end = j + p; j < end; j++) {
          plogp[j] += other.plogp[j];
        }
      }
      counts[i] += c;
    }
    return this;
  }

  /** Whether no example has any iteration yet. */
  @Override
  public boolean isEmpty() {
    for (long c : counts) {
      if (c != 0) {
        return false;
      }
    }
    return true;
  }

  /** An independent copy. */
  public MomentsBatch copy() {
    MomentsBatch b = new MomentsBatch(shape, batch);
    System.arraycopy(counts, 0, b.counts, 0, batch);
    System.arraycopy(sums, 0, b.sums, 0, sums.length);
    System.arraycopy(squares, 0, b.squares, 0, squares.length);
    System.arraycopy(plogp, 0, b.plogp, 0, plogp.length);
    return b;
  }

  /** The moments of example {@code n} as an immutable value. */
  public Moments example(int n) {
    checkIndex(n);
    int k = shape.size();
    int p = shape.positions();
    return new Moments(shape, counts[n], Arrays.copyOfRange(sums, n * k, n * k + k),
        Arrays.copyOfRange(squares, n * k, n * k + k),
        Arrays.copyOfRange(plogp, n * p, n * p + p));
  }

  /**
   * Copies the moments of example {@code n} into reusable arrays: sums and squares into {@code
   * dstSums[off ..]}, {@code dstSquares[off ..]} ({@code K} values), the {@code p ln p} sums into
   * {@code dstPLogP[plogpOff ..]} ({@code P} values). Returns the example's count.
   */
  public long copyExample(int n, double[] dstSums, double[] dstSquares, int off, double[] dstPLogP, int plogpOff) {
    checkIndex(n);
    int k = shape.size();
    int p = shape.positions();
    System.arraycopy(sums, n * k, dstSums, off, k);
    System.arraycopy(squares, n * k, dstSquares, off, k);
    System.arraycopy(plogp, n * p, dstPLogP, plogpOff, p);
    return counts[n];
  }

  public int batchSize() {
    return batch;
  }

  public OutputShape shape() {
    return shape;
  }

  /** The number of iterations example {@code n} has accumulated. */
  public long count(int n) {
    checkIndex(n);
    return counts[n];
  }

  /** {@code sum_t p} of example {@code n}, flat output {@code o}. */
  public double sum(int n, int o) {
    return sums[n * shape.size() + checkOutput(o)];
  }

  /** {@code sum_t p^2} of example {@code n}, flat output {@code o}. */
  public double sumOfSquares(int n, int o) {
    return squares[n * shape.size() + checkOutput(o)];
  }

  /** {@code sum_t sum_c p ln p} of example {@code n} at position {@code pos}. */
  public double sumPLogP(int n, int pos) {
    if (pos < 0 || pos >= shape.positions()) {
      throw new IndexOutOfBoundsException("position " + pos + " of " + shape.positions());
    }
    return plogp[n * shape.positions() + pos];
  }

  private void checkIndex(int n) {
    if (n < 0 || n >= batch) {
      throw new IndexOutOfBoundsException("example " + n + " of a batch of " + batch);
    }
  }

  private int checkOutput(int o) {
    if (o < 0 || o >= shape.size()) {
      throw new IndexOutOfBoundsException("output " + o + " of " + shape.size());
    }
    return o;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MomentsBatch b && batch == b.batch && shape.equals(b.shape)
        && Arrays.equals(counts, b.counts) && Arrays.equals(sums, b.sums)
        && Arrays.equals(squares, b.squares) && Arrays.equals(plogp, b.plogp);
  }

  @Override
  public int hashCode() {
    return (shape.hashCode() * 31 + Arrays.hashCode(counts)) * 31 + Arrays.hashCode(sums);
  }

  @Override
  public String toString() {
    return "MomentsBatch[" + batch + " examples, shape=" + shape + "]";
  }

  long[] countsArray() {
    return counts;
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
