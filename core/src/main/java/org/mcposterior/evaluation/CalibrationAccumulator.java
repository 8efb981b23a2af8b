package org.mcposterior.evaluation;

import java.io.Serializable;

/**
 * Accumulates what {@link Calibration} reports, one example at a time, and merges with another
 * accumulator of the same bin count ({@link #combine}), so a pool is reduced on Spark executors and
 * only {@code 3 x bins + 3} numbers reach the driver.
 *
 * <p>Per example with class probabilities {@code p} and true label {@code y}: confidence {@code c =
 * max_k p_k}, prediction the first {@code k} with {@code p_k = c}, correct when it equals {@code y};
 * log-loss {@code -ln(max(p_y, 1e-15))} (nats; the clamp keeps an underflowed zero finite, as
 * scikit-learn's {@code log_loss} does). Confidence bin: {@code floor(c * bins)}, with {@code c = 1}
 * in the last bin. Not thread-safe. {@code combine} adds {@code other} into {@code this}, leaves
 * {@code other} unchanged and refuses {@code this} itself; an empty accumulator is its identity.
 */
public final class CalibrationAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Lower clamp of the true-class probability in the log-loss. */
  public static final double PROBABILITY_FLOOR = 1e-15;

  private final long[] binCount;
  private final double[] binConfidence;
  private final long[] binCorrect;
  private long count;
  private long correct;
  private double logLoss;

  /** @param bins confidence bins over [0, 1], at least 1 */
  public CalibrationAccumulator(int bins) {
    if (bins < 1) {
      throw new InvalidEvaluationInputException("calibration needs at least 1 confidence bin, got " + bins);
    }
    binCount = new long[bins];
    binConfidence = new double[bins];
    binCorrect = new long[bins];
  }

  /**
   * Adds one example.
   *
   * @param probabilities its class probabilities (at least one; none NaN)
   * @param label its true class, in {@code [0, probabilities.length)}
   */
  public CalibrationAccumulator add(double[] probabilities, int label) {
    if (probabilities.length == 0) {
      throw new InvalidEvaluationInputException("an example has no class probabilities");
    }
    if (label < 0 || label >= probabilities.length) {
      throw new InvalidEvaluationInputException("label " + label + " is not a class of " + probabilities.length
          + " outputs; expected 0 to " + (probabilities.length - 1));
    }
    int arg = 0;
    for (int k = 0; k < probabilities.length; k++) {
      if (Double.isNaN(probabilities[k])) {
        throw new InvalidEvaluationInputException("a class probability is NaN");
      }
      if (probabilities[k] > probabilities[arg]) {
        arg = k;
      }
    }
    double c = Math.min(1, Math.max(0, probabilities[arg]));
    int b = Math.min((int) Math.floor(c * binCount.length), binCount.length - 1);
    boolean right = arg == label;
    binCount[b]++;
    binConfidence[b] += c;
    count++;
    if (right) {
      binCorrect[b]++;
      correct++;
    }
    logLoss -= Math.log(Math.max(probabilities[label], PROBABILITY_FLOOR));
    return this;
  }

  /** Adds {@code other} into this accumulator and returns {@code this}. */
  public CalibrationAccumulator combine(CalibrationAccumulator other) {
    if (other == this) {
      throw new InvalidEvaluationInputException("a calibration accumulator cannot be combined with itself");
    }
    if (other.binCount.length != binCount.length) {
      throw new InvalidEvaluationInputException("calibration accumulators with " + binCount.length + " and "
          + other.binCount.length + " bins cannot be combined");
    }
    for (int b = 0; b < binCount.length; b++) {
      binCount[b] += other.binCount[b];
      binConfidence[b] += other.binConfidence[b];
      binCorrect[b] += other.binCorrect[b];
    }
    count += other.count;
    correct += other.correct;
    logLoss += other.logLoss;
    return this;
  }

  /** Whether no example has been added. */
  public boolean isEmpty() {
    return count == 0;
  }

  /** The calibration of the examples added so far (a snapshot). */
  public Calibration result() {
    int bins = binCount.length;
    ReliabilityBin[] out = new ReliabilityBin[bins];
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      long n = binCount[b];
      double conf = n == 0 ? Double.NaN : binConfidence[b] / n;
      double acc = n == 0 ? Double.NaN : (double) binCorrect[b] / n;
      out[b] = new ReliabilityBin((double) b / bins, (double) (b + 1) / bins, n, conf, acc);
      if (n > 0) {
        ece += (double) n / count * Math.abs(acc - conf);
      }
    }
    return new Calibration(count, count == 0 ? Double.NaN : (double) correct / count,
        count == 0 ? Double.NaN : ece, count == 0 ? Double.NaN : logLoss / count, out);
  }
}
