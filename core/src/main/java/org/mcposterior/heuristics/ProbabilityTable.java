package org.mcposterior.heuristics;

import java.util.Arrays;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.InvalidSamplesException;
import org.mcposterior.stats.OutputShape;
import org.mcposterior.stats.Probabilities;

/**
 * Classification probabilities {@code [N, C, T]} converted with {@link Probabilities} and
 * transposed to {@code (example, iteration, class)} in double, for the heuristics that combine
 * samples across examples iteration by iteration (BatchBALD, EPIG).
 */
final class ProbabilityTable {
  final int examples;
  final int iterations;
  final int classes;
  /** {@code p[(n * T + t) * C + c]}. */
  final double[] p;

  private ProbabilityTable(int examples, int iterations, int classes) {
    this.examples = examples;
    this.iterations = iterations;
    this.classes = classes;
    this.p = new double[Math.multiplyExact(Math.multiplyExact(examples, iterations), classes)];
  }

  /** Refuses anything but a non-empty classification tensor {@code [N, C, T]}, {@code C >= 2}, {@code T >= 1}. */
  static OutputShape requireClassification(Samples s, String heuristic, String role) {
    if (s.shape().length != 3) {
      throw new InvalidSamplesException(heuristic + " " + role + " samples have shape " + Arrays.toString(s.shape())
          + " (rank " + s.shape().length + "): expected rank 3, [batch, classes, iterations]. " + heuristic
          + " is defined for classification outputs. Fix: score dense outputs with BALD, entropy, variance,"
          + " margin or certainty and a reduction");
    }
    Ranking.requirePool(s.batchSize());
    return OutputShape.of(s);
  }

  static ProbabilityTable of(Samples s, Probabilities probabilities, String heuristic, String role) {
    OutputShape shape = requireClassification(s, heuristic, role);
    int t = s.iterations();
    int c = shape.classes();
    ProbabilityTable table = new ProbabilityTable(s.batchSize(), t, c);
    float[] buf = new float[c * t];
    double[] scratch = new double[t];
    for (int n = 0; n < table.examples; n++) {
      s.copyExample(n, buf, 0);
      probabilities.apply(buf, 0, shape, t, n, scratch);
      int base = n * t * c;
      for (int k = 0; k < c; k++) {
        for (int j = 0; j < t; j++) {
          table.p[base + j * c + k] = buf[k * t + j];
        }
      }
    }
    return table;
  }

  /** {@code mean_t H(p_t)} of example {@code n}, in nats. */
  double expectedEntropy(int n) {
    double h = 0;
    for (int i = n * iterations * classes, end = i + iterations * classes; i < end; i++) {
      double v = p[i];
      if (v > 0) {
        h -= v * Math.log(v);
      }
    }
    return h / iterations;
  }

  /** Writes {@code mean_t p_t} of example {@code n} into {@code dst[0 .. C)}. */
  void mean(int n, double[] dst) {
    Arrays.fill(dst, 0, classes, 0.0);
    int base = n * iterations * classes;
    for (int t = 0; t < iterations; t++) {
      for (int c = 0; c < classes; c++) {
        dst[c] += p[base + t * classes + c];
      }
    }
    for (int c = 0; c < classes; c++) {
      dst[c] /= iterations;
    }
  }
}
