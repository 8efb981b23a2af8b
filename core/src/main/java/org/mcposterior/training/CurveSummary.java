package org.mcposterior.training;

import java.util.List;

/**
 * A learning curve summarised over seeds: at each budget, the mean and the sample standard
 * deviation (denominator {@code n - 1}; 0 for one seed) of a metric over the seeds' runs.
 *
 * <p>Invariant: {@code labels}, {@code mean}, {@code sd} and {@code seeds} have one entry per
 * budget, budgets ascending.
 *
 * @param labels labelled-set size at each point
 * @param mean mean over seeds
 * @param sd sample standard deviation over seeds
 * @param seeds how many seeds had a value at that budget
 */
public record CurveSummary(int[] labels, double[] mean, double[] sd, int[] seeds) {

  /**
   * Summarises curves given as {@code values.get(seed)[point]}, all with the budgets {@code labels}.
   *
   * @throws InvalidTrainingArgumentException for no curves or a curve of another length
   */
  public static CurveSummary of(int[] labels, List<double[]> values) {
    if (values.isEmpty()) {
      throw new InvalidTrainingArgumentException("no curves to summarise; expected at least one seed's curve");
    }
    int points = labels.length;
    double[] mean = new double[points], sd = new double[points];
    int[] count = new int[points];
    for (double[] v : values) {
      if (v.length != points) {
        throw new InvalidTrainingArgumentException("a curve has " + v.length + " points but there are " + points + " budgets");
      }
    }
    for (int i = 0; i < points; i++) {
      double sum = 0;
      int n = 0;
      for (double[] v : values) {
        if (!Double.isNaN(v[i])) {
          sum += v[i];
          n++;
        }
      }
      double m = n == 0 ? Double.NaN : sum / n;
      double ss = 0;
      for (double[] v : values) {
        if (!Double.isNaN(v[i])) {
          ss += (v[i] - m) * (v[i] - m);
        }
      }
      mean[i] = m;
      sd[i] = n > 1 ? Math.sqrt(ss / (n - 1)) : (n == 1 ? 0 : Double.NaN);
      count[i] = n;
    }
    return new CurveSummary(labels.clone(), mean, sd, count);
  }

  /** The mean at the last budget. */
  public double last() {
    return mean[mean.length - 1];
  }

  /**
   * The smallest budget at which the mean curve reaches {@code target} (mean &gt;= target), or -1
   * when it never does within these budgets. No interpolation: budgets are the query steps.
   */
  public int labelsToReach(double target) {
    for (int i = 0; i < labels.length; i++) {
      if (mean[i] >= target) {
        return labels[i];
      }
    }
    return -1;
  }
}
