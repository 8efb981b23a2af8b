package org.mcposterior.heuristics;

import java.util.Objects;
import java.util.Optional;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;

/**
 * The settings {@link Heuristic#create} builds a heuristic with; each heuristic reads the ones it
 * needs. One immutable value, validated when set, changed only by copying ({@code with...}).
 *
 * <p>Defaults: {@link Probabilities#AUTO}, {@link Reduction#MEAN}, seed {@value #DEFAULT_SEED},
 * BatchBALD query size {@value #DEFAULT_QUERY_SIZE} and {@value BatchBald#DEFAULT_NUM_DRAW} draws,
 * power-sampling {@code beta = 1} (the paper's), no EPIG target.
 */
public final class HeuristicOptions {
  /** The seed used when none is given (an explicit constant, as Tribuo's {@code Trainer.DEFAULT_SEED}). */
  public static final long DEFAULT_SEED = 12345L;
  /** BatchBALD's default batch size for {@link AcquisitionHeuristic#rank}. */
  public static final int DEFAULT_QUERY_SIZE = 16;

  private static final HeuristicOptions DEFAULTS = new HeuristicOptions(Probabilities.AUTO, Reduction.MEAN,
      DEFAULT_SEED, BatchBald.DEFAULT_NUM_DRAW, DEFAULT_QUERY_SIZE, 1.0, null, null);

  private final Probabilities probabilities;
  private final Reduction reduction;
  private final long seed;
  private final int numDraw;
  private final int querySize;
  private final double beta;
  private final Samples target;
  private final MaskProvenance targetMasks;

  private HeuristicOptions(Probabilities probabilities, Reduction reduction, long seed, int numDraw, int querySize,
      double beta, Samples target, MaskProvenance targetMasks) {
    this.probabilities = Objects.requireNonNull(probabilities, "probabilities");
    this.reduction = Objects.requireNonNull(reduction, "reduction");
    if (numDraw < 1) {
      throw new InvalidHeuristicArgumentException("numDraw = " + numDraw + ": expected at least 1");
    }
    if (querySize < 1) {
      throw new InvalidHeuristicArgumentException("querySize = " + querySize + ": expected at least 1");
    }
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new InvalidHeuristicArgumentException("beta = " + beta + ": expected a finite beta >= 0");
    }
    this.seed = seed;
    this.numDraw = numDraw;
    this.querySize = querySize;
    this.beta = beta;
    this.target = target;
    this.targetMasks = targetMasks;
  }

  /** The defaults listed in the class comment. */
  public static HeuristicOptions defaults() {
    return DEFAULTS;
  }

  public HeuristicOptions withProbabilities(Probabilities p) {
    return new HeuristicOptions(p, reduction, seed, numDraw, querySize, beta, target, targetMasks);
  }

  public HeuristicOptions withReduction(Reduction r) {
    return new HeuristicOptions(probabilities, r, seed, numDraw, querySize, beta, target, targetMasks);
  }

  public HeuristicOptions withSeed(long s) {
    return new HeuristicOptions(probabilities, reduction, s, numDraw, querySize, beta, target, targetMasks);
  }

  public HeuristicOptions withNumDraw(int n) {
    return new HeuristicOptions(probabilities, reduction, seed, n, querySize, beta, target, targetMasks);
  }

  public HeuristicOptions withQuerySize(int q) {
    return new HeuristicOptions(probabilities, reduction, seed, numDraw, q, beta, target, targetMasks);
  }

  public HeuristicOptions withBeta(double b) {
    return new HeuristicOptions(probabilities, reduction, seed, numDraw, querySize, b, target, targetMasks);
  }

  /** EPIG's target samples; their masks are then not checked. */
  public HeuristicOptions withTarget(Samples t) {
    return new HeuristicOptions(probabilities, reduction, seed, numDraw, querySize, beta,
        Objects.requireNonNull(t, "target"), null);
  }

  /** EPIG's target samples and the masks they were drawn with. */
  public HeuristicOptions withTarget(Samples t, MaskProvenance masks) {
    return new HeuristicOptions(probabilities, reduction, seed, numDraw, querySize, beta,
        Objects.requireNonNull(t, "target"), Objects.requireNonNull(masks, "masks"));
  }

  public Probabilities probabilities() {
    return probabilities;
  }

  public Reduction reduction() {
    return reduction;
  }

  public long seed() {
    return seed;
  }

  public int numDraw() {
    return numDraw;
  }

  public int querySize() {
    return querySize;
  }

  public double beta() {
    return beta;
  }

  public Optional<Samples> target() {
    return Optional.ofNullable(target);
  }

  public Optional<MaskProvenance> targetMasks() {
    return Optional.ofNullable(targetMasks);
  }

  @Override
  public String toString() {
    return "HeuristicOptions[probabilities=" + probabilities + ", reduction=" + reduction + ", seed=" + seed
        + ", numDraw=" + numDraw + ", querySize=" + querySize + ", beta=" + beta + ", target="
        + (target == null ? "none" : target + (targetMasks == null ? "" : " " + targetMasks)) + "]";
  }
}
