package org.mcposterior.evaluation;

import java.util.Arrays;

/**
 * The summary of one output's posterior samples: mean, sample standard deviation ({@code n - 1}
 * in the denominator, 0 for one sample) and the 2.5, 25, 50, 75 and 97.5 percent quantiles, by
 * linear interpolation between order statistics (Hyndman and Fan's type 7, numpy's default:
 * {@code q(p) = x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)])}, {@code h = (n - 1) p},
 * on the sorted samples {@code x}). Immutable.
 */
public record PosteriorSummary(long count, double mean, double sd, double q025, double q25, double median,
    double q75, double q975) {

  /** The summary of {@code length} samples of {@code values} from {@code offset} (none NaN, at least one). */
  public static PosteriorSummary of(float[] values, int offset, int length) {
    if (length < 1) {
      throw new InvalidEvaluationInputException("a posterior summary needs at least one sample");
    }
    double[] x = new double[length];
    double sum = 0;
    for (int i = 0; i < length; i++) {
      x[i] = values[offset + i];
      if (Double.isNaN(x[i])) {
        throw new InvalidEvaluationInputException("sample " + i + " is NaN");
      }
      sum += x[i];
    }
    double mean = sum / length;
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    Arrays.sort(x);
    return new PosteriorSummary(length, mean, length > 1 ? Math.sqrt(ss / (length - 1)) : 0, quantile(x, 0.025),
        quantile(x, 0.25), quantile(x, 0.5), quantile(x, 0.75), quantile(x, 0.975));
  }

  /** The type-7 quantile {@code p} in [0, 1] of sorted values. */
  public static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** The Monte-Carlo standard error of the mean, {@code sd / sqrt(count)}. */
  public double standardError() {
    return sd / Math.sqrt(count);
  }
}
