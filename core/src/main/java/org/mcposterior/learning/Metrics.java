package org.mcposterior.learning;

import org.mcposterior.evaluation.Calibration;

/**
 * How class probabilities did against labels.
 *
 * @param accuracy fraction of argmax predictions equal to the label
 * @param nll mean negative log-likelihood of the label (nats)
 * @param ece expected calibration error ({@link Calibration}'s equal-width confidence bins)
 */
public record Metrics(double accuracy, double nll, double ece) {
  /** The metrics of a calibration. */
  public static Metrics of(Calibration c) {
    return new Metrics(c.accuracy(), c.nll(), c.ece());
  }
}
