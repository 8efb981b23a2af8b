package org.mcposterior.evaluation;

/**
 * One confidence bin of a reliability diagram: the examples whose confidence (largest class
 * probability) lies in {@code [lower, upper)} (the last bin includes 1), their count, mean
 * confidence and accuracy (NaN both when the bin is empty).
 */
public record ReliabilityBin(double lower, double upper, long count, double meanConfidence, double accuracy) {

  /** {@code |accuracy - meanConfidence|}, the bin's calibration gap (0 for an empty bin). */
  public double gap() {
    return count == 0 ? 0 : Math.abs(accuracy - meanConfidence);
  }
}
