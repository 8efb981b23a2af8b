package org.mcposterior.heuristics;

import java.util.Objects;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;

/**
 * Power sampling, stochastic batch acquisition (Kirsch, Farquhar, Atighehchian, Jesson,
 * Branchaud-Charron and Gal 2023, "Stochastic Batch Acquisition: A Simple Baseline for Deep Active
 * Learning", TMLR, arXiv:2106.12059): instead of the top {@code k} of a score {@code s}, draw
 * {@code k} examples without replacement with probability proportional to {@code s^beta}. Cheap,
 * and it avoids the near-duplicates a top-k batch is full of. {@code beta = 1} is the paper's
 * default, {@code beta = 0} is uniform random, and as {@code beta} grows the draw approaches the
 * top-k of the base score.
 *
 * <p>Sampling uses the Gumbel-top-k trick (Kool, van Hoof and Welling 2019): the key of example
 * {@code i} is {@code beta ln s_i + G_i} with {@code G_i = -ln(-ln U_i)} standard Gumbel noise,
 * {@code U_i} uniform and a pure function of {@code (seed, i)}; sorting by key is a draw without
 * replacement from {@code s^beta}. {@link #scores} returns these keys (highest first), so {@link
 * #rank} is the whole sampled order and {@link #select} its first {@code k}.
 *
 * <p>Base scores must be non-negative weights. A highest-first base score is used as it is; a
 * lowest-first one (margin, certainty, both probabilities in {@code [0, 1]}) as {@code 1 - s}. A
 * weight of 0 (or a NaN score, sanitized to least informative) gives key {@code -infinity}: such
 * examples come last, by index. A negative weight is refused. Immutable and thread-safe.
 */
public final class PowerSampling implements AcquisitionHeuristic {
  private final AcquisitionHeuristic base;
  private final double beta;
  private final long seed;
  private final String name;

  private PowerSampling(AcquisitionHeuristic base, double beta, long seed, String name) {
    this.base = Objects.requireNonNull(base, "base");
    requireBeta(beta);
    this.beta = beta;
    this.seed = seed;
    this.name = name;
  }

  /** Power sampling over any heuristic's scores; named {@code power_<base name>}. */
  public static PowerSampling of(AcquisitionHeuristic base, double beta, long seed) {
    return new PowerSampling(base, beta, seed, "power_" + base.name());
  }

  /** PowerBALD: power sampling over {@link Bald}, the paper's strongest preset. */
  public static PowerSampling powerBald(double beta, long seed, Probabilities probabilities) {
    return new PowerSampling(new Bald(Reduction.MEAN, probabilities), beta, seed, "power_bald");
  }

  /** PowerEntropy: power sampling over {@link Entropy}. */
  public static PowerSampling powerEntropy(double beta, long seed, Probabilities probabilities) {
    return new PowerSampling(new Entropy(Reduction.MEAN, probabilities), beta, seed, "power_entropy");
  }

  /**
   * The Gumbel-perturbed keys of already computed base scores: what {@link #scores} returns,
   * for callers that have the base scores (for example from merged moments). Example {@code i}'s
   * noise is keyed by {@code firstIndex + i}, so a pool scored in pieces gets the same keys as the
   * whole pool.
   *
   * @throws InvalidHeuristicArgumentException if {@code beta} is negative or not finite, or a
   *     weight is negative
   */
  public static double[] keys(double[] baseScores, Order baseOrder, double beta, long seed, long firstIndex) {
    requireBeta(beta);
    double[] keys = new double[baseScores.length];
    for (int i = 0; i < keys.length; i++) {
      double s = baseScores[i];
      double w = baseOrder == Order.HIGHEST_FIRST ? s : 1.0 - s;
      if (Double.isNaN(w) || w == Double.NEGATIVE_INFINITY) {
        w = 0;
      }
      if (w < 0) {
        throw new InvalidHeuristicArgumentException("power sampling weight " + w + " of example " + (firstIndex + i)
            + " (base score " + s + ", " + baseOrder + ") is negative: expected scores >= 0 for highest-first"
            + " heuristics and <= 1 for lowest-first ones. Fix: use a non-negative base score (BALD, entropy,"
            + " variance, margin, certainty)");
      }
      double g = -Math.log(-Math.log(KeyedUniform.uniform(seed, firstIndex + i)));
      keys[i] = w > 0 ? beta * Math.log(w) + g : Double.NEGATIVE_INFINITY;
    }
    return keys;
  }

  private static void requireBeta(double beta) {
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new InvalidHeuristicArgumentException("power sampling beta = " + beta + ": expected a finite"
          + " beta >= 0 (1 is the paper's default; larger is closer to top-k, 0 is uniform random)");
    }
  }

  public AcquisitionHeuristic base() {
    return base;
  }

  public double beta() {
    return beta;
  }

  public long seed() {
    return seed;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Order order() {
    return Order.HIGHEST_FIRST;
  }

  /** The sampling keys {@code beta ln s_i + G_i} (see the class comment); higher is drawn first. */
  @Override
  public double[] scores(Samples pool) {
    Ranking.requirePool(pool.batchSize());
    return keys(base.scores(pool), base.order(), beta, seed, 0);
  }

  @Override
  public String toString() {
    return "PowerSampling[base=" + base + ", beta=" + beta + ", seed=" + seed + "]";
  }
}
