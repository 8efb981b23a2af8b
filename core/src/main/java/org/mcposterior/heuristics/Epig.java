package org.mcposterior.heuristics;

import java.util.Objects;
import java.util.Optional;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;

/**
 * EPIG, the expected predictive information gain (Bickford Smith, Kirsch, Farquhar, Gal, Foster
 * and Rainforth 2023, "Prediction-Oriented Bayesian Active Learning", AISTATS, arXiv:2304.08151):
 * how much labelling a pool example would tell about the predictions on a target set {@code x*}
 * (the inputs the model will be used on), rather than about the parameters as BALD does.
 *
 * <p>{@code EPIG(x) = mean_{x*} I(y; y* | x, x*)}, in nats, with the mutual information from the
 * joint predictive {@code P(y, y*) = mean_t p_t(y | x) p_t(y* | x*)} and its marginals:
 * {@code I = sum_{y, y*} P(y, y*) ln(P(y, y*) / (P(y) P(y*)))} ({@code 0 ln 0 = 0}, clamped at 0
 * against rounding). Iteration {@code t} must be the same network sample for pool and target, so
 * both must be drawn with the same consistent masks; pass {@link MaskProvenance} to have that
 * checked, otherwise only the iteration counts are compared. Highest first. A pool example whose
 * predictions do not co-vary with the target's over the network samples gets 0, however
 * uncertain it is.
 *
 * <p>Cost: {@code O(N M C C* T)} for {@code N} pool and {@code M} target examples. Input:
 * classification samples {@code [N, C, T]} and {@code [M, C*, T]}. Immutable and thread-safe.
 */
public final class Epig implements JointHeuristic {
  private final Samples target;
  private final ProbabilityTable targetTable;
  private final double[] targetLogMeans;
  private final Optional<MaskProvenance> targetMasks;
  private final Probabilities probabilities;

  /** EPIG against {@code target} samples; only iteration counts can be checked. */
  public Epig(Samples target, Probabilities probabilities) {
    this(target, Optional.empty(), probabilities);
  }

  /**
   * EPIG against {@code target} samples drawn with {@code targetMasks}.
   *
   * @throws MaskMismatchException if the masks are not consistent or describe another iteration count
   */
  public Epig(Samples target, MaskProvenance targetMasks, Probabilities probabilities) {
    this(target, Optional.of(targetMasks), probabilities);
  }

  private Epig(Samples target, Optional<MaskProvenance> targetMasks, Probabilities probabilities) {
    this.target = Objects.requireNonNull(target, "target");
    this.probabilities = Objects.requireNonNull(probabilities, "probabilities");
    targetMasks.ifPresent(m -> m.requireConsistent("EPIG target", target.iterations()));
    this.targetMasks = targetMasks;
    this.targetTable = ProbabilityTable.of(target, probabilities, "EPIG", "target");
    int m = targetTable.examples;
    int c = targetTable.classes;
    this.targetLogMeans = new double[m * c];
    double[] mean = new double[c];
    for (int i = 0; i < m; i++) {
      targetTable.mean(i, mean);
      for (int y = 0; y < c; y++) {
        targetLogMeans[i * c + y] = mean[y] > 0 ? Math.log(mean[y]) : Double.NEGATIVE_INFINITY;
      }
    }
  }

  @Override
  public String name() {
    return "epig";
  }

  @Override
  public Order order() {
    return Order.HIGHEST_FIRST;
  }

  /** The target samples. */
  public Samples target() {
    return target;
  }

  /**
   * EPIG of every pool example, checking that the pool was drawn with the target's masks.
   *
   * @throws MaskMismatchException if the masks differ, are not consistent, or do not match the
   *     iteration count of the samples
   */
  public double[] scores(Samples pool, MaskProvenance poolMasks) {
    poolMasks.requireConsistent("EPIG pool", pool.iterations());
    if (targetMasks.isPresent()) {
      targetMasks.get().requireSameAs(poolMasks, "target", "pool");
    }
    return scores(pool);
  }

  /**
   * The {@code k} pool examples of highest EPIG, in rank order ({@link Ranking#top}: equal scores
   * keep the lower index first, NaN ranks last), checking that the pool was drawn with the target's
   * masks.
   *
   * @throws MaskMismatchException as {@link #scores(Samples, MaskProvenance)}
   * @throws InvalidHeuristicArgumentException if {@code k < 0} or {@code k > N}
   */
  @Override
  public int[] select(Samples pool, MaskProvenance poolMasks, int k) {
    double[] s = scores(pool, poolMasks);
    Ranking.requireK(k, s.length);
    return Ranking.top(s, Order.HIGHEST_FIRST, k);
  }

  /** As {@link #select(Samples, MaskProvenance, int)}; {@code progress} hears once, at the end, of all {@code k}. */
  @Override
  public int[] select(Samples pool, MaskProvenance poolMasks, int k, java.util.function.IntConsumer progress) {
    int[] picked = select(pool, poolMasks, k);
    progress.accept(picked.length);
    return picked;
  }

  /**
   * EPIG of every pool example.
   *
   * @throws MaskMismatchException if the pool's iteration count differs from the target's
   */
  @Override
  public double[] scores(Samples pool) {
    if (pool.iterations() != target.iterations()) {
      throw new MaskMismatchException("EPIG pool samples have T = " + pool.iterations() + " iterations but the target"
          + " samples have T = " + target.iterations() + ": expected the same iterations (the same network samples,"
          + " consistent masks) for both. Fix: sample pool and target with the same sampler settings");
    }
    ProbabilityTable pt = ProbabilityTable.of(pool, probabilities, "EPIG", "pool");
    int t = pt.iterations;
    int c = pt.classes;
    int cs = targetTable.classes;
    int m = targetTable.examples;
    double[] mean = new double[c];
    double[] logMean = new double[c];
    double[] joint = new double[c * cs];
    double[] scores = new double[pt.examples];
    for (int n = 0; n < pt.examples; n++) {
      pt.mean(n, mean);
      for (int y = 0; y < c; y++) {
        logMean[y] = mean[y] > 0 ? Math.log(mean[y]) : Double.NEGATIVE_INFINITY;
      }
      int pb = n * t * c;
      double total = 0;
      for (int i = 0; i < m; i++) {
        java.util.Arrays.fill(joint, 0.0);
        int qb = i * t * cs;
        for (int j = 0; j < t; j++) {
          for (int y = 0; y < c; y++) {
            double py = pt.p[pb + j * c + y];
            if (py == 0) {
              continue;
            }
            int row = y * cs;
            int q = qb + j * cs;
            for (int z = 0; z < cs; z++) {
              joint[row + z] += py * targetTable.p[q + z];
            }
          }
        }
        double mi = 0;
        for (int y = 0; y < c; y++) {
          for (int z = 0; z < cs; z++) {
            double pj = joint[y * cs + z] / t;
            if (pj > 0) {
              mi += pj * (Math.log(pj) - logMean[y] - targetLogMeans[i * cs + z]);
            }
          }
        }
        total += Math.max(0.0, mi);
      }
      scores[n] = Order.HIGHEST_FIRST.sanitize(total / m);
    }
    return scores;
  }

  @Override
  public String toString() {
    return "Epig[target=" + target + ", masks=" + targetMasks.map(String::valueOf).orElse("unchecked")
        + ", probabilities=" + probabilities + "]";
  }
}
