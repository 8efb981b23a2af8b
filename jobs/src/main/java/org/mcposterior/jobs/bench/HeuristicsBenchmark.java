package org.mcposterior.jobs.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.mcposterior.heuristics.Bald;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.heuristics.Reduction;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;

/**
 * Throughput of the moment-based heuristics on one core: scores all five (BALD, entropy,
 * variance, margin, certainty, plus predicted class and mean probabilities, through {@link
 * PosteriorScores}) and BALD alone from a seeded sample tensor, by default 1,000,000 examples x 10
 * classes x 20 iterations (200 million probabilities), and reports probabilities per second per
 * core as best, median and worst of several repetitions (the machine is shared, so the spread is
 * part of the result).
 *
 * <p>Samples are softmaxes of random logits, Dirichlet-like: per example a base logit per class
 * ~ N(0, 2^2), per iteration noise ~ N(0, 1). Generation runs on all cores and is not timed;
 * scoring runs on the calling thread only.
 *
 * <p>Usage: {@code HeuristicsBenchmark [examples [classes [iterations [repetitions]]]]}, for
 * example from the repository root (about 2.5 GB of heap: the samples are 800 MB, copied once):
 *
 * <pre>
 * mvn -B -ntp -q -o compile -pl core,jobs
 * java -Xmx8g -cp "jobs/target/classes:core/target/classes:$(mvn -q -o dependency:build-classpath -pl core -Dmdep.outputFile=/dev/stdout)" \
 *     org.mcposterior.jobs.bench.HeuristicsBenchmark 1000000 10 20 7
 * </pre>
 */
public final class HeuristicsBenchmark {

  /** Measured figures, in probabilities per second on one core, sorted ascending per kind. */
  public record Result(long examples, int classes, int iterations, double[] allFivePerSecond,
      double[] baldPerSecond) {

    public long values() {
      return examples * classes * iterations;
    }

    public double bestAllFive() {
      return allFivePerSecond[allFivePerSecond.length - 1];
    }

    public double bestBald() {
      return baldPerSecond[baldPerSecond.length - 1];
    }
  }

  private HeuristicsBenchmark() {}

  public static void main(String[] args) {
    int examples = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int classes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int repetitions = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Result r = run(examples, classes, iterations, repetitions, 42L);
    System.out.printf("samples: %,d examples x %d classes x %d iterations = %,d probabilities; %d repetitions;"
        + " Java %s, %d available processors, scoring on 1 thread%n", r.examples(), r.classes(), r.iterations(),
        r.values(), repetitions, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    print("all five (BALD, entropy, variance, margin, certainty + argmax + means)", r.allFivePerSecond());
    print("BALD alone", r.baldPerSecond());
  }

  private static void print(String what, double[] perSecond) {
    System.out.printf("%-72s best %6.1f M/s/core, median %6.1f, worst %6.1f (all: %s)%n", what, perSecond[perSecond.length - 1] / 1e6,
        perSecond[perSecond.length / 2] / 1e6, perSecond[0] / 1e6,
        Arrays.toString(Arrays.stream(perSecond).map(v -> Math.round(v / 1e5) / 10.0).toArray()));
  }

  /**
   * Generates the samples (seeded) and times {@code repetitions} scorings of all five heuristics
   * and of BALD alone, alternating, on the calling thread.
   */
  public static Result run(int examples, int classes, int iterations, int repetitions, long seed) {
    Samples samples = generate(examples, classes, iterations, seed);
    long values = (long) examples * classes * iterations;
    double[] all = new double[repetitions];
    double[] bald = new double[repetitions];
    double checksum = 0;
    Bald baldHeuristic = new Bald(Reduction.MEAN, Probabilities.AUTO);
    // Warm-up on a slice, untimed, so that the first timed repetition runs compiled code.
    Samples warm = samples.slice(0, Math.min(examples, 50_000));
    for (int i = 0; i < 3; i++) {
      checksum += PosteriorScores.of(warm, Probabilities.AUTO, Reduction.MEAN).bald(0) + baldHeuristic.scores(warm)[0];
    }
    for (int rep = 0; rep < repetitions; rep++) {
      long t0 = System.nanoTime();
      PosteriorScores scores = PosteriorScores.of(samples, Probabilities.AUTO, Reduction.MEAN);
      long t1 = System.nanoTime();
      double[] b = baldHeuristic.scores(samples);
      long t2 = System.nanoTime();
      checksum += scores.bald(0) + scores.variance(examples - 1) + b[examples / 2];
      all[rep] = values / ((t1 - t0) * 1e-9);
      bald[rep] = values / ((t2 - t1) * 1e-9);
    }
    if (Double.isNaN(checksum)) {
      throw new IllegalStateException("benchmark produced NaN scores");
    }
    Arrays.sort(all);
    Arrays.sort(bald);
    return new Result(examples, classes, iterations, all, bald);
  }

  /** Softmax of N(0, 4) base logits plus N(0, 1) noise per iteration, seeded per chunk of examples. */
  static Samples generate(int examples, int classes, int iterations, long seed) {
    float[] data = new float[Math.multiplyExact(Math.multiplyExact(examples, classes), iterations)];
    int chunk = 10_000;
    int chunks = (examples + chunk - 1) / chunk;
    IntStream.range(0, chunks).parallel().forEach(k -> {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + k);
      double[] base = new double[classes];
      double[] logits = new double[classes];
      for (int n = k * chunk, end = Math.min(examples, n + chunk); n < end; n++) {
        for (int c = 0; c < classes; c++) {
          base[c] = 2 * random.nextGaussian();
        }
        for (int t = 0; t < iterations; t++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < classes; c++) {
            logits[c] = base[c] + random.nextGaussian();
            max = Math.max(max, logits[c]);
          }
          double sum = 0;
          for (int c = 0; c < classes; c++) {
            logits[c] = Math.exp(logits[c] - max);
            sum += logits[c];
          }
          for (int c = 0; c < classes; c++) {
            data[(n * classes + c) * iterations + t] = (float) (logits[c] / sum);
          }
        }
      }
    });
    return Samples.of(data, examples, classes, iterations);
  }
}
