package org.mcposterior.testsupport;

import java.util.SplittableRandom;
import org.mcposterior.stats.Samples;

/**
 * Sample tensors and reference formulas for the heuristics and stats tests. The references are
 * written independently of the production code, the way baal computes them (numpy formulas, in
 * double, with {@code Math.log} and a two-pass variance), so the tests compare two
 * implementations rather than one with itself.
 */
public final class HeuristicsFixtures {
  /** Tolerance of DESIGN.md invariant 5: scores from merged moments versus full samples. */
  public static final double MOMENTS_TOLERANCE = 1e-9;
  /** Tolerance for hand-computed literals (the float samples carry about 1e-7 of rounding). */
  public static final double LITERAL_TOLERANCE = 1e-12;

  private HeuristicsFixtures() {}

  /**
   * Classification samples {@code [N, C, T]} from literal probability vectors: {@code
   * vectors[n][t]} is the distribution over classes of example {@code n} at iteration {@code t}.
   */
  public static Samples classification(double[][][] vectors) {
    int n = vectors.length;
    int t = vectors[0].length;
    int c = vectors[0][0].length;
    float[] data = new float[n * c * t];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < t; j++) {
        for (int k = 0; k < c; k++) {
          data[(i * c + k) * t + j] = (float) vectors[i][j][k];
        }
      }
    }
    return Samples.of(data, n, c, t);
  }

  /**
   * Seeded random probabilities of shape {@code [N, C, d1.., T]}: per example and position a base
   * logit per class ~ N(0, spread^2), per iteration noise ~ N(0, 1), softmax over classes. With
   * {@code zeros}, about one value in five is set to exactly 0 and its vector renormalised, to
   * exercise {@code 0 log 0}.
   */
  public static Samples random(long seed, int batch, int[] outputShape, int iterations, double spread, boolean zeros) {
    SplittableRandom r = new SplittableRandom(seed);
    int c = outputShape[0];
    int p = 1;
    for (int i = 1; i < outputShape.length; i++) {
      p *= outputShape[i];
    }
    float[] data = new float[batch * c * p * iterations];
    double[] base = new double[c];
    double[] v = new double[c];
    for (int n = 0; n < batch; n++) {
      for (int pos = 0; pos < p; pos++) {
        for (int k = 0; k < c; k++) {
          base[k] = spread * r.nextGaussian();
        }
        for (int t = 0; t < iterations; t++) {
          double sum = 0;
          for (int k = 0; k < c; k++) {
            v[k] = Math.exp(base[k] + r.nextGaussian());
            if (zeros && k > 0 && r.nextInt(5) == 0) {
              v[k] = 0;
            }
            sum += v[k];
          }
          for (int k = 0; k < c; k++) {
            data[((n * c + k) * p + pos) * iterations + t] = (float) (v[k] / sum);
          }
        }
      }
    }
    int[] shape = new int[outputShape.length + 2];
    shape[0] = batch;
    System.arraycopy(outputShape, 0, shape, 1, outputShape.length);
    shape[shape.length - 1] = iterations;
    return Samples.of(data, shape);
  }

  /** The probabilities {@code p[c][pos][t]} of example {@code n}, in double. */
  public static double[][][] probabilities(Samples s, int n) {
    int[] out = s.outputShape();
    int c = out[0];
    int p = s.outputSize() / c;
    int t = s.iterations();
    double[][][] v = new double[c][p][t];
    for (int k = 0; k < c; k++) {
      for (int pos = 0; pos < p; pos++) {
        for (int j = 0; j < t; j++) {
          v[k][pos][j] = s.get(n, k * p + pos, j);
        }
      }
    }
    return v;
  }

  /** {@code x ln x} with {@code 0 ln 0 = 0} (scipy's {@code xlogy(x, x)}). */
  public static double xlogx(double x) {
    return x == 0 ? 0 : x * Math.log(x);
  }

  /** Reference per-position BALD of example {@code n}, as baal: {@code H(mean) - mean_t H(p_t)}. */
  public static double[] referenceBald(Samples s, int n) {
    double[][][] v = probabilities(s, n);
    int c = v.length;
    int p = v[0].length;
    int t = v[0][0].length;
    double[] out = new double[p];
    for (int pos = 0; pos < p; pos++) {
      double expected = 0;
      for (int j = 0; j < t; j++) {
        for (int k = 0; k < c; k++) {
          expected -= xlogx(v[k][pos][j]);
        }
      }
      expected /= t;
      out[pos] = referenceEntropy(s, n)[pos] - expected;
    }
    return out;
  }

  /** Reference per-position entropy of the mean prediction of example {@code n}. */
  public static double[] referenceEntropy(Samples s, int n) {
    double[][] m = referenceMean(s, n);
    double[] out = new double[m[0].length];
    for (int pos = 0; pos < out.length; pos++) {
      for (double[] cls : m) {
        out[pos] -= xlogx(cls[pos]);
      }
    }
    return out;
  }

  /** Reference mean {@code m[c][pos]}. */
  public static double[][] referenceMean(Samples s, int n) {
    double[][][] v = probabilities(s, n);
    double[][] m = new double[v.length][v[0].length];
    for (int k = 0; k < v.length; k++) {
      for (int pos = 0; pos < v[0].length; pos++) {
        double sum = 0;
        for (double x : v[k][pos]) {
          sum += x;
        }
        m[k][pos] = sum / v[k][pos].length;
      }
    }
    return m;
  }

  /** Reference two-pass population variance {@code var[c][pos]} over iterations. */
  public static double[][] referenceVariance(Samples s, int n) {
    double[][][] v = probabilities(s, n);
    double[][] m = referenceMean(s, n);
    double[][] var = new double[v.length][v[0].length];
    for (int k = 0; k < v.length; k++) {
      for (int pos = 0; pos < v[0].length; pos++) {
        double acc = 0;
        for (double x : v[k][pos]) {
          acc += (x - m[k][pos]) * (x - m[k][pos]);
        }
        var[k][pos] = acc / v[k][pos].length;
      }
    }
    return var;
  }

  /** Reference per-position margin (top-1 minus top-2 of the mean), by sorting. */
  public static double[] referenceMargin(Samples s, int n) {
    double[][] m = referenceMean(s, n);
    double[] out = new double[m[0].length];
    for (int pos = 0; pos < out.length; pos++) {
      double[] col = new double[m.length];
      for (int k = 0; k < m.length; k++) {
        col[k] = m[k][pos];
      }
      java.util.Arrays.sort(col);
      out[pos] = col[col.length - 1] - col[col.length - 2];
    }
    return out;
  }

  /** Reference per-position certainty (max of the mean). */
  public static double[] referenceCertainty(Samples s, int n) {
    double[][] m = referenceMean(s, n);
    double[] out = new double[m[0].length];
    for (int pos = 0; pos < out.length; pos++) {
      out[pos] = Double.NEGATIVE_INFINITY;
      for (double[] cls : m) {
        out[pos] = Math.max(out[pos], cls[pos]);
      }
    }
    return out;
  }

  /** Mean of an array. */
  public static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** Splits {@code [0, t)} into a random number of non-empty contiguous shards; returns the cut points. */
  public static int[] randomCuts(SplittableRandom r, int t) {
    int shards = 1 + r.nextInt(Math.min(t, 6));
    java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
    cuts.add(0);
    cuts.add(t);
    while (cuts.size() < shards + 1) {
      cuts.add(1 + r.nextInt(t - 1));
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }
}
