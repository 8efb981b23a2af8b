package org.mcposterior.heuristics;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;

/**
 * BatchBALD (Kirsch, van Amersfoort and Gal 2019, "BatchBALD: Efficient and Diverse Batch
 * Acquisition for Deep Bayesian Active Learning", NeurIPS, arXiv:1906.08158): picks a batch
 * greedily by the mutual information between the joint labels of the batch and the model
 * parameters, so an example that tells nothing new given the ones already picked (a duplicate) is
 * not picked again, where BALD's top-k would.
 *
 * <p>Greedy step: with batch {@code A} picked so far, pick the example {@code n} not in {@code A}
 * that maximises {@code H(y_A, y_n) - E_t H(y_n | w_t)} (the terms of {@code A} are the same for
 * every candidate), ties to the lower index. The first pick is the BALD argmax. The joint
 * entropy uses {@code P(y_A, y_n) = mean_t prod_{i in A} p_i,t(y_i) p_n,t(y_n)}, which is why
 * the samples must come from consistent masks: iteration {@code t} must be the same network for
 * every example. While the {@code C^|A|} label configurations of {@code A} number at most {@code
 * numDraw}, the joint entropy is summed exactly; beyond, it is estimated from {@code numDraw}
 * configurations drawn from {@code P(y_A)} (iteration {@code m mod T}, then each label from that
 * iteration's prediction, seeded), as {@code -mean_m sum_y P(y | y_A^m) ln P(y_A^m, y)}.
 * Products are kept with a log scale per configuration, so large batches do not underflow.
 *
 * <p>{@link #scores} returns BALD (the one-example value, the first greedy step); {@link #select}
 * is the greedy batch of {@code k}; {@link #rank} is the greedy batch of {@code min(querySize, N)}
 * followed by the other examples by BALD. Cost per greedy step: {@code O(N R T C)} with {@code R =
 * min(C^|A|, numDraw)}. Input: classification samples {@code [N, C, T]}. Immutable and thread-safe.
 */
public final class BatchBald implements JointHeuristic {
  /** baal's default number of drawn label configurations. */
  public static final int DEFAULT_NUM_DRAW = 500;

  private final int querySize;
  private final int numDraw;
  private final long seed;
  private final Probabilities probabilities;

  /**
   * @param querySize how many examples {@link #rank} picks greedily before falling back to BALD
   * @param numDraw the number of label configurations the joint entropy is estimated from
   * @param seed the seed of those draws
   * @throws InvalidHeuristicArgumentException if {@code querySize < 1} or {@code numDraw < 1}
   */
  public BatchBald(int querySize, int numDraw, long seed, Probabilities probabilities) {
    if (querySize < 1) {
      throw new InvalidHeuristicArgumentException("BatchBALD query size " + querySize
          + ": expected at least 1 example per batch");
    }
    if (numDraw < 1) {
      throw new InvalidHeuristicArgumentException("BatchBALD numDraw " + numDraw + ": expected at least 1"
          + " drawn configuration (baal's default is " + DEFAULT_NUM_DRAW + ", the paper suggests 40000 / C)");
    }
    this.querySize = querySize;
    this.numDraw = numDraw;
    this.seed = seed;
    this.probabilities = Objects.requireNonNull(probabilities, "probabilities");
  }

  @Override
  public String name() {
    return "batch_bald";
  }

  @Override
  public Order order() {
    return Order.HIGHEST_FIRST;
  }

  public int querySize() {
    return querySize;
  }

  public int numDraw() {
    return numDraw;
  }

  public long seed() {
    return seed;
  }

  /** BALD of every example: the BatchBALD score of a batch of one. */
  @Override
  public double[] scores(Samples pool) {
    ProbabilityTable.requireClassification(pool, "BatchBALD", "pool");
    return new Bald(Reduction.NONE, probabilities).scores(pool);
  }

  @Override
  public int[] rank(Samples pool) {
    int[] batch = select(pool, Math.min(querySize, pool.batchSize()));
    double[] bald = new Bald(Reduction.NONE, probabilities).scores(pool);
    for (int i : batch) {
      bald[i] = Double.POSITIVE_INFINITY;
    }
    int[] byBald = Ranking.rank(bald, Order.HIGHEST_FIRST);
    // The picks have +inf, so they lead byBald; replace that prefix with the greedy order.
    System.arraycopy(batch, 0, byBald, 0, batch.length);
    return byBald;
  }

  /**
   * The greedy BatchBALD batch of {@code k} examples from samples drawn with {@code masks},
   * refusing samples whose masks are not consistent.
   *
   * @throws MaskMismatchException if the masks are per example or describe another iteration count
   */
  @Override
  public int[] select(Samples pool, MaskProvenance masks, int k) {
    return select(pool, masks, k, picked -> { });
  }

  /**
   * As {@link #select(Samples, MaskProvenance, int)}, telling {@code progress} the number of
   * examples picked so far after each greedy step (the steps grow in cost with the batch, so long
   * selections can report how far they are).
   */
  @Override
  public int[] select(Samples pool, MaskProvenance masks, int k, java.util.function.IntConsumer progress) {
    masks.requireConsistent("BatchBALD pool", pool.iterations());
    return select(pool, k, progress);
  }

  /** The greedy BatchBALD batch of {@code k} examples, in pick order. */
  @Override
  public int[] select(Samples pool, int k) {
    return select(pool, k, picked -> { });
  }

  private int[] select(Samples pool, int k, java.util.function.IntConsumer progress) {
    ProbabilityTable table = ProbabilityTable.of(pool, probabilities, "BatchBALD", "pool");
    Ranking.requireK(k, table.examples);
    if (k == 0) {
      return new int[0];
    }
    double[] bald = new Bald(Reduction.NONE, probabilities).scores(pool);
    return new Greedy(table, numDraw, seed).run(bald, k, progress);
  }

  @Override
  public String toString() {
    return "BatchBald[querySize=" + querySize + ", numDraw=" + numDraw + ", seed=" + seed + ", probabilities="
        + probabilities + "]";
  }

  /** The state of one greedy selection: exact configurations while few, drawn ones always. */
  private static final class Greedy {
    private final ProbabilityTable table;
    private final int n;
    private final int t;
    private final int c;
    private final int numDraw;
    private final SplittableRandom random;
    private final double[] conditional;
    // Exact: every label configuration of the batch; null once there are more than numDraw.
    private Rows exact;
    // Drawn: numDraw configurations, configuration m drawn from iteration m mod T.
    private final Rows drawn;

    Greedy(ProbabilityTable table, int numDraw, long seed) {
      this.table = table;
      this.n = table.examples;
      this.t = table.iterations;
      this.c = table.classes;
      this.numDraw = numDraw;
      this.random = new SplittableRandom(seed);
      this.conditional = new double[n];
      for (int i = 0; i < n; i++) {
        conditional[i] = table.expectedEntropy(i);
      }
      this.exact = Rows.single(t);
      this.drawn = Rows.draws(numDraw, t);
    }

    int[] run(double[] bald, int k, java.util.function.IntConsumer progress) {
      int[] picked = new int[k];
      boolean[] in = new boolean[n];
      picked[0] = Ranking.top(bald, Order.HIGHEST_FIRST, 1)[0];
      in[picked[0]] = true;
      if (k > 1) {
        add(picked[0]);
      }
      double[] q = new double[c];
      for (int step = 1; step < k; step++) {
        Rows rows = exact != null ? exact : drawn;
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          if (in[i]) {
            continue;
          }
          double score = jointEntropy(rows, i, q) - conditional[i];
          if (best < 0 || score > bestScore) {
            best = i;
            bestScore = score;
          }
        }
        picked[step] = best;
        in[best] = true;
        progress.accept(step + 1);
        if (step + 1 < k) {
          add(best);
        }
      }
      return picked;
    }

    /** {@code H(y_A, y_i)} from the configurations in {@code rows}, in nats. */
    private double jointEntropy(Rows rows, int i, double[] q) {
      double h = 0;
      int base = i * t * c;
      for (int r = 0; r < rows.count; r++) {
        double factor = rows.factor(r);
        if (factor == 0) {
          continue;
        }
        Arrays.fill(q, 0.0);
        int w = r * t;
        for (int j = 0; j < t; j++) {
          double weight = rows.weights[w + j];
          if (weight == 0) {
            continue;
          }
          int pj = base + j * c;
          for (int y = 0; y < c; y++) {
            q[y] += weight * table.p[pj + y];
          }
        }
        double logScale = rows.logScale[r];
        double sum = 0;
        for (int y = 0; y < c; y++) {
          double v = q[y] / t;
          if (v > 0) {
            sum += v * (logScale + Math.log(v));
          }
        }
        h -= factor * sum;
      }
      return h;
    }

    /** Adds example {@code j} to the batch: extends the exact and the drawn configurations. */
    private void add(int j) {
      int base = j * t * c;
      if (exact != null) {
        if ((long) exact.count * c > numDraw) {
          exact = null;
        } else {
          Rows next = new Rows(exact.count * c, t, false);
          for (int r = 0; r < exact.count; r++) {
            for (int y = 0; y < c; y++) {
              int nr = r * c + y;
              for (int k = 0; k < t; k++) {
                next.weights[nr * t + k] = exact.weights[r * t + k] * table.p[base + k * c + y];
              }
              next.logScale[nr] = exact.logScale[r];
              next.normalize(nr);
            }
          }
          exact = next;
        }
      }
      for (int m = 0; m < drawn.count; m++) {
        int from = m % t;
        int y = draw(base + from * c);
        for (int k = 0; k < t; k++) {
          drawn.weights[m * t + k] *= table.p[base + k * c + y];
        }
        drawn.normalize(m);
      }
    }

    /** A label drawn from the distribution {@code p[off .. off + C)}. */
    private int draw(int off) {
      double u = random.nextDouble();
      double acc = 0;
      for (int y = 0; y < c - 1; y++) {
        acc += table.p[off + y];
        if (u < acc) {
          return y;
        }
      }
      return c - 1;
    }
  }

  /**
   * Label configurations of the batch: for configuration {@code r}, {@code exp(logScale[r]) *
   * weights[r, t] = prod_{i in A} p_i,t(y_i^r)}, with the weights scaled to sum to 1.
   */
  private static final class Rows {
    final int count;
    final int iterations;
    final boolean drawnRows;
    final double[] weights;
    final double[] logScale;

    Rows(int count, int iterations, boolean drawnRows) {
      this.count = count;
      this.iterations = iterations;
      this.drawnRows = drawnRows;
      this.weights = new double[count * iterations];
      this.logScale = new double[count];
    }

    /** The empty batch: one configuration of probability 1. */
    static Rows single(int iterations) {
      Rows r = new Rows(1, iterations, false);
      Arrays.fill(r.weights, 1.0);
      r.normalize(0);
      return r;
    }

    static Rows draws(int count, int iterations) {
      Rows r = new Rows(count, iterations, true);
      Arrays.fill(r.weights, 1.0);
      for (int m = 0; m < count; m++) {
        r.normalize(m);
      }
      return r;
    }

    void normalize(int r) {
      double s = 0;
      for (int k = r * iterations, end = k + iterations; k < end; k++) {
        s += weights[k];
      }
      if (s > 0) {
        for (int k = r * iterations, end = k + iterations; k < end; k++) {
          weights[k] /= s;
        }
        logScale[r] += Math.log(s);
      } else {
        logScale[r] = Double.NEGATIVE_INFINITY;
      }
    }

    /**
     * The weight of configuration {@code r} in the joint-entropy sum: its probability {@code
     * P(y_A^r) = exp(logScale) / T * sum_t weights} scaled back for exact configurations, and
     * {@code 1 / (numDraw P(y_A^r))} times that (i.e. {@code 1 / numDraw}, after dividing by its
     * own probability) for drawn ones; folded so that {@code h -= factor * sum_y q ln(...)} works
     * for both, where {@code q = P(y_A^r, y) / exp(logScale)}.
     */
    double factor(int r) {
      if (logScale[r] == Double.NEGATIVE_INFINITY) {
        return 0;
      }
      // Weights sum to 1, so P(y_A^r) = exp(logScale[r]) / T.
      return drawnRows ? (double) iterations / count : Math.exp(logScale[r]);
    }
  }
}
