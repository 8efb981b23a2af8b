package org.mcposterior.heuristics;

import java.util.Arrays;
import java.util.Objects;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Moments;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.OutputShape;
import org.mcposterior.stats.Probabilities;

/**
 * Everything a scoring run writes per example, computed from moments in one pass: BALD, entropy,
 * variance, margin and certainty (each exactly as {@link Bald}, {@link Entropy}, {@link Variance},
 * {@link Margin} and {@link Certainty} compute it with the same reduction), the predicted class
 * (argmax of the mean prediction, lower class on ties) at every position, and the mean class
 * probabilities.
 *
 * <p>The variance is reduced over classes with the same reduction as over positions (baal's
 * semantics: {@code MEAN} is the mean over classes and positions), and over classes with {@code
 * MEAN} when the reduction is {@link Reduction#NONE}. Immutable and thread-safe.
 */
public final class PosteriorScores {
  private final OutputShape shape;
  private final long[] counts;
  private final double[] bald;
  private final double[] entropy;
  private final double[] variance;
  private final double[] margin;
  private final double[] certainty;
  private final int[] predicted;
  private final double[] means;

  private PosteriorScores(OutputShape shape, int n) {
    this.shape = shape;
    this.counts = new long[n];
    this.bald = new double[n];
    this.entropy = new double[n];
    this.variance = new double[n];
    this.margin = new double[n];
    this.certainty = new double[n];
    this.predicted = new int[Math.multiplyExact(n, shape.positions())];
    this.means = new double[Math.multiplyExact(n, shape.size())];
  }

  /**
   * The scores of every example of {@code batch}.
   *
   * @throws org.mcposterior.stats.InvalidSamplesException if an example has no iterations
   * @throws InvalidHeuristicArgumentException for {@link Reduction#NONE} with more than one position
   */
  public static PosteriorScores of(MomentsBatch batch, Reduction reduction) {
    return of(batch, reduction, null);
  }

  /**
   * The scores of every example of {@code batch}, each reduced over the positions its keep mask
   * keeps: {@code keep[n][p]} says whether position {@code p} of example {@code n} counts (e.g.
   * {@link org.mcposterior.stats.OutputView#realPositions}: the real time steps of a padded
   * sequence, so that MEAN is the mean over the real steps only, SUM, MAX and MIN over them). A
   * null {@code keep}, or a null {@code keep[n]}, keeps every position. The predicted classes and
   * the mean probabilities are unaffected: they stay one per position, padded ones included (DL4J's
   * own output there).
   *
   * @throws InvalidHeuristicArgumentException if a keep mask does not have one flag per position,
   *     or for {@link Reduction#NONE} with more than one position
   */
  public static PosteriorScores of(MomentsBatch batch, Reduction reduction, boolean[][] keep) {
    Objects.requireNonNull(reduction, "reduction");
    OutputShape s = batch.shape();
    reduction.requireSingle(s.positions(), "scores");
    Reduction overClasses = reduction == Reduction.NONE ? Reduction.MEAN : reduction;
    int n = batch.batchSize();
    if (keep != null && keep.length != n) {
      throw new InvalidHeuristicArgumentException(keep.length + " position masks for a batch of " + n
          + " examples: expected one (or null) per example");
    }
    PosteriorScores r = new PosteriorScores(s, n);
    MomentView v = new MomentView(s);
    for (int i = 0; i < n; i++) {
      v.load(batch, i);
      v.keep(keep == null ? null : keep[i]);
      r.fill(i, v, reduction, overClasses);
      r.counts[i] = batch.count(i);
    }
    return r;
  }

  /** The scores of one example (a batch of one). */
  public static PosteriorScores of(Moments moments, Reduction reduction) {
    Objects.requireNonNull(reduction, "reduction");
    OutputShape s = moments.shape();
    reduction.requireSingle(s.positions(), "scores");
    PosteriorScores r = new PosteriorScores(s, 1);
    MomentView v = new MomentView(s);
    v.load(moments);
    r.fill(0, v, reduction, reduction == Reduction.NONE ? Reduction.MEAN : reduction);
    r.counts[0] = moments.count();
    return r;
  }

  /** The scores of the moments of {@code samples}: the fast path from a sample tensor. */
  public static PosteriorScores of(Samples samples, Probabilities probabilities, Reduction reduction) {
    Ranking.requirePool(samples.batchSize());
    return of(MomentsBatch.of(samples, probabilities), reduction);
  }

  /**
   * One score at every position of one example, unreduced (the values {@link #of(Moments,
   * Reduction)} reduces): for maps of uncertainty, e.g. BALD per pixel of a segmentation output.
   * Variance is the mean over the classes at each position.
   *
   * @param score a heuristic with a score column ({@link Heuristic#scored()})
   * @throws InvalidHeuristicArgumentException for a heuristic without one
   * @throws org.mcposterior.stats.InvalidSamplesException if the moments are empty
   */
  public static double[] perPosition(Moments moments, Heuristic score) {
    MomentView v = new MomentView(moments.shape());
    v.load(moments);
    return v.perPosition(score);
  }

  private void fill(int i, MomentView v, Reduction r, Reduction overClasses) {
    bald[i] = Order.HIGHEST_FIRST.sanitize(v.bald(r));
    entropy[i] = Order.HIGHEST_FIRST.sanitize(v.entropy(r));
    variance[i] = Order.HIGHEST_FIRST.sanitize(v.variance(overClasses, r));
    margin[i] = Order.LOWEST_FIRST.sanitize(v.margin(r));
    certainty[i] = Order.LOWEST_FIRST.sanitize(v.certainty(r));
    int p = shape.positions();
    for (int pos = 0; pos < p; pos++) {
      predicted[i * p + pos] = v.predictedClass(pos);
    }
    v.copyMeans(means, i * shape.size());
  }

  public int batchSize() {
    return counts.length;
  }

  public OutputShape shape() {
    return shape;
  }

  /** The number of iterations behind example {@code n}'s scores. */
  public long iterations(int n) {
    return counts[n];
  }

  public double bald(int n) {
    return bald[n];
  }

  public double entropy(int n) {
    return entropy[n];
  }

  public double variance(int n) {
    return variance[n];
  }

  public double margin(int n) {
    return margin[n];
  }

  public double certainty(int n) {
    return certainty[n];
  }

  /** The predicted class of example {@code n} (classification: its only position). */
  public int predictedClass(int n) {
    return predicted[n * shape.positions()];
  }

  /** The predicted class of example {@code n} at position {@code pos}. */
  public int predictedClass(int n, int pos) {
    return predicted[n * shape.positions() + pos];
  }

  /** The mean probability of example {@code n}, flat output {@code o = c * positions + pos}. */
  public double meanProbability(int n, int o) {
    return means[n * shape.size() + o];
  }

  /** The mean probabilities of example {@code n} (a new array of {@code C * P} values). */
  public double[] meanProbabilities(int n) {
    return Arrays.copyOfRange(means, n * shape.size(), (n + 1) * shape.size());
  }

  /** BALD of every example (a copy). */
  public double[] balds() {
    return bald.clone();
  }

  /** Entropy of every example (a copy). */
  public double[] entropies() {
    return entropy.clone();
  }

  /** Variance of every example (a copy). */
  public double[] variances() {
    return variance.clone();
  }

  /** Margin of every example (a copy). */
  public double[] margins() {
    return margin.clone();
  }

  /** Certainty of every example (a copy). */
  public double[] certainties() {
    return certainty.clone();
  }
}
