package org.mcposterior.evaluation;

import java.util.List;

/**
 * How well predicted class probabilities match what happens: accuracy, the expected calibration
 * error over equal-width bins of the largest probability, its reliability bins, and the mean
 * negative log-likelihood of the true labels.
 *
 * <p>With {@code n} examples, {@code B} bins over [0, 1] (bin {@code b} = confidences in
 * {@code [b/B, (b+1)/B)}, the last also holding 1), {@code n_b} examples in bin {@code b} with mean
 * confidence {@code conf_b} and accuracy {@code acc_b}:
 * {@code ECE = sum_b (n_b / n) |acc_b - conf_b|} (Guo, Pleiss, Sun and Weinberger, "On Calibration
 * of Modern Neural Networks", ICML 2017, arXiv:1706.04599; Naeini et al. 2015);
 * {@code NLL = -(1/n) sum_i ln max(p_i[y_i], 1e-15)} in nats; accuracy = share of examples whose
 * first most probable class is the label. All three are NaN for zero examples. Probabilities are
 * not required to sum to 1 (a mean over posterior samples may be off by float rounding).
 *
 * <p>Immutable. Build with {@link #of(double[][], int[], int)} or a {@link CalibrationAccumulator}.
 */
public final class Calibration {
  /** The bin count used by {@link #of(double[][], int[])}. */
  public static final int DEFAULT_BINS = 10;

  private final long count;
  private final double accuracy;
  private final double ece;
  private final double nll;
  private final List<ReliabilityBin> bins;

  Calibration(long count, double accuracy, double ece, double nll, ReliabilityBin[] bins) {
    this.count = count;
    this.accuracy = accuracy;
    this.ece = ece;
    this.nll = nll;
    this.bins = List.of(bins);
  }

  /**
   * The calibration of {@code probabilities[i]} (one row of class probabilities per example, all
   * rows of one length) against {@code labels[i]}, with {@code bins} confidence bins.
   *
   * @throws InvalidEvaluationInputException when the lengths differ, a label is not a class, a
   *     probability is NaN or {@code bins < 1}
   */
  public static Calibration of(double[][] probabilities, int[] labels, int bins) {
    if (probabilities.length != labels.length) {
      throw new InvalidEvaluationInputException(probabilities.length + " probability rows but " + labels.length
          + " labels; expected one label per row");
    }
    CalibrationAccumulator acc = new CalibrationAccumulator(bins);
    for (int i = 0; i < labels.length; i++) {
      if (probabilities[i].length != probabilities[0].length) {
        throw new InvalidEvaluationInputException("probability row " + i + " has " + probabilities[i].length
            + " classes, row 0 has " + probabilities[0].length + "; expected one class count");
      }
      acc.add(probabilities[i], labels[i]);
    }
    return acc.result();
  }

  /** {@link #of(double[][], int[], int)} with {@link #DEFAULT_BINS} bins. */
  public static Calibration of(double[][] probabilities, int[] labels) {
    return of(probabilities, labels, DEFAULT_BINS);
  }

  /** Examples evaluated. */
  public long count() {
    return count;
  }

  /** Share of examples whose most probable class is the label, in [0, 1]. */
  public double accuracy() {
    return accuracy;
  }

  /** Expected calibration error, in [0, 1]. */
  public double ece() {
    return ece;
  }

  /** Mean negative log-likelihood of the labels, in nats. */
  public double nll() {
    return nll;
  }

  /** The reliability bins, lowest confidence first. */
  public List<ReliabilityBin> bins() {
    return bins;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "Calibration[n=%d, accuracy=%.4f, ece=%.4f, nll=%.4f]",
        count, accuracy, ece, nll);
  }
}
