package org.mcposterior.training;

import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.stochastic.StochasticNetwork;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Class probabilities of a trained network for evaluation, through the project's compiled
 * inference pass (the same kernels the scoring job runs): deterministic (dropout and DropConnect
 * off, DL4J's inference semantics) or the Monte-Carlo mean over T stochastic passes.
 */
public final class Predictions {
  /**
   * Rows per sampler call: the MC mean holds {@code CHUNK x classes x T} samples in one array, so a
   * caller can check that T fits before it trains anything.
   */
  public static final int CHUNK = 500;

  private Predictions() {}

  /** Deterministic probabilities {@code [n][classes]} of each row of {@code x} (flat examples). */
  public static double[][] deterministic(Model net, float[][] x) {
    StochasticNetwork none = StochasticNetwork.builder(net).build();
    return mean(none, x, 1, SamplerConfig.defaults().withAllowDeterministic(true));
  }

  /**
   * The MC mean {@code (1/T) sum_t p_t(y | x)} of each row of {@code x} over {@code iterations}
   * stochastic passes of {@code network}, with masks keyed by row position and {@code seed}.
   */
  public static double[][] mcMean(StochasticNetwork network, float[][] x, int iterations, long seed) {
    return mean(network, x, iterations, SamplerConfig.defaults().withSeed(seed));
  }

  private static double[][] mean(StochasticNetwork network, float[][] x, int iterations, SamplerConfig config) {
    double[][] p = new double[x.length][];
    try (PosteriorSampler sampler = PosteriorSampler.of(network, config)) {
      for (int start = 0; start < x.length; start += CHUNK) {
        int m = Math.min(CHUNK, x.length - start), width = x[start].length;
        float[] xs = new float[m * width];
        long[] keys = new long[m];
        for (int k = 0; k < m; k++) {
          System.arraycopy(x[start + k], 0, xs, k * width, width);
          keys[k] = start + k;
        }
        Samples s = sampler.predictOnBatch(Nd4j.create(xs, new long[] {m, width}, 'c'), keys, iterations);
        int outputs = s.outputSize();
        for (int k = 0; k < m; k++) {
          double[] row = new double[outputs];
          for (int o = 0; o < outputs; o++) {
            double sum = 0;
            for (int t = 0; t < iterations; t++) {
              sum += s.get(k, o, t);
            }
            row[o] = sum / iterations;
          }
          p[start + k] = row;
        }
      }
    }
    return p;
  }
}
