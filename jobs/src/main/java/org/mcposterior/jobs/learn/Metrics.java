package org.mcposterior.jobs.learn;

/**
 * Accuracy, NLL and ECE of class probabilities against labels.
 * INTERIM: accuracy only until issue-10's org.mcposterior.evaluation.Calibration is merged.
 */
record Metrics(double accuracy, double nll, double ece) {
  static Metrics of(double[][] p, int[] y) {
    int right = 0;
    for (int i = 0; i < y.length; i++) {
      int best = 0;
      for (int c = 1; c < p[i].length; c++) {
        if (p[i][c] > p[i][best]) {
          best = c;
        }
      }
      right += best == y[i] ? 1 : 0;
    }
    return new Metrics((double) right / y.length, Double.NaN, Double.NaN);
  }
}
