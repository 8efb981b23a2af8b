package org.mcposterior.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.mcposterior.heuristics.HeuristicOptions;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.models.Network;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stochastic.StochasticNetwork;

/**
 * How a {@link PosteriorScorer} samples and scores: one immutable value with defaults (Spark ML's
 * {@code Params} spirit), built with {@link #builder()} or changed by copying ({@link #toBuilder()}),
 * and validated when built, so a scorer never holds a setting it cannot run.
 *
 * <p>Defaults: 20 iterations, seed 0, independent masks, heuristic {@code bald} (power sampling's
 * {@code beta = 1}), each dropout layer's own drop probability, no DropConnect (layers {@code
 * Linear} when it is set), probabilities {@code auto}, output kind decided from the output layer, batches of 256 examples, a 256 MiB sampler
 * budget per task, iteration shards and partitions planned, BatchBALD/EPIG candidates 10 x k,
 * columns {@code id} and {@code features}, flat input, no samples in the output, invalid rows
 * refused. Error messages name the command-line option of each setting (the command line builds
 * this value and adds no checks of its own).
 *
 * <p>Probabilities are drop probabilities (DESIGN.md, invariant 3): {@code dropout(0.3)} drops 30%
 * of the units, whatever DL4J's retain-probability convention.
 * A drop probability of 0 is refused: it leaves the layer deterministic, so it could only turn a
 * stochastic model into one whose samples are all equal and whose scores rank rounding noise (a
 * model with nothing stochastic is refused for the same reason).
 */
public final class ScorerSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int iterations;
  private final long seed;
  private final MaskMode maskMode;
  private final Heuristic heuristic;
  private final double beta;
  private final double dropout;
  private final double dropConnect;
  private final List<String> dropConnectLayers;
  private final Probabilities probabilities;
  private final OutputKind outputKind;
  private final org.mcposterior.heuristics.Reduction reduction;
  private final int batchSize;
  private final long memoryBudgetBytes;
  private final int iterationShards;
  private final int partitions;
  private final int candidates;
  private final String idColumn;
  private final String featuresColumn;
  private final List<String> featureColumns;
  private final List<Integer> inputShape;
  private final boolean writeSamples;
  private final boolean skipInvalid;

  ScorerSettings(ScorerSettingsBuilder b) {
    require(b.iterations > 0, "--iterations = " + b.iterations
        + "; expected a positive number of stochastic passes, e.g. 20");
    require(b.maskMode != null, "--mode must be independent or consistent");
    require(b.heuristic != null, "--heuristic null is not known; expected one of " + Heuristic.labels());
    require(b.beta >= 0 && !Double.isInfinite(b.beta), "beta = " + b.beta
        + "; expected power sampling's finite beta >= 0 (1 is the paper's)");
    require(b.batchSize > 0 && b.batchSize <= 1_000_000, "--batch-size = " + b.batchSize + "; expected 1 to 1000000");
    require(b.memoryBudgetBytes >= (1 << 20), "--memory-budget = " + b.memoryBudgetBytes
        + " bytes; expected at least 1 MiB");
    require(Double.isNaN(b.dropout) || (b.dropout >= 0 && b.dropout < 1),
        "--dropout = " + b.dropout + "; expected a drop probability in (0, 1), e.g. 0.5");
    require(b.dropout != 0, "--dropout 0 drops nothing, so every sample of an example would be equal and every"
        + " uncertainty score zero (the ranking would follow rounding noise); expected a drop probability in (0, 1),"
        + " e.g. 0.5, or leave out --dropout to keep each layer's own");
    require(Double.isNaN(b.dropConnect) || (b.dropConnect >= 0 && b.dropConnect < 1),
        "--dropconnect = " + b.dropConnect + "; expected a weight-drop probability in (0, 1), e.g. 0.5");
    require(b.dropConnect != 0, "--dropconnect 0 drops no weight, so it adds nothing random (a model without dropout"
        + " would give equal samples and zero scores); expected a weight-drop probability in (0, 1), e.g. 0.5, or"
        + " leave out --dropconnect");
    require(b.probabilities != null, "--probabilities must be auto, given or logits");
    require(b.reduction != null, "--reduction must be mean, sum, max, min or none");
    require(b.partitions >= 0, "--partitions = " + b.partitions
        + "; expected >= 0 (0 keeps the pool's partitioning)");
    require(b.iterationShards >= 0 && b.iterationShards <= b.iterations, "--iteration-shards = " + b.iterationShards
        + "; expected 0 (automatic) to --iterations (" + b.iterations + ")");
    require(b.candidates >= 0, "--candidates = " + b.candidates + "; expected >= 0 (0: 10 x top-k)");
    require(b.idColumn != null && !b.idColumn.isBlank(), "--id-col must name the id column");
    List<String> cols = b.featureColumns == null ? List.of() : List.copyOf(b.featureColumns);
    require(b.featuresColumn == null || cols.isEmpty(), "give either --features-col or --feature-cols, not both");
    List<Integer> shape = b.inputShape == null ? List.of() : List.copyOf(b.inputShape);
    for (int d : shape) {
      require(d > 0, "--input-shape " + shape + " has a non-positive dimension; expected e.g. 1,28,28");
    }
    iterations = b.iterations;
    seed = b.seed;
    maskMode = b.maskMode;
    heuristic = b.heuristic;
    beta = b.beta;
    dropout = b.dropout;
    dropConnect = b.dropConnect;
    dropConnectLayers = b.dropConnectLayers == null || b.dropConnectLayers.isEmpty() ? List.of("Linear")
        : List.copyOf(b.dropConnectLayers);
    probabilities = b.probabilities;
    outputKind = b.outputKind;
    reduction = b.reduction;
    batchSize = b.batchSize;
    memoryBudgetBytes = b.memoryBudgetBytes;
    iterationShards = b.iterationShards;
    partitions = b.partitions;
    candidates = b.candidates;
    idColumn = b.idColumn;
    featuresColumn = b.featuresColumn == null && cols.isEmpty() ? "features" : b.featuresColumn;
    featureColumns = cols;
    inputShape = shape;
    writeSamples = b.writeSamples;
    skipInvalid = b.skipInvalid;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidSettingsException(message);
    }
  }

  /** The defaults listed in the class comment. */
  public static ScorerSettings defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static ScorerSettingsBuilder builder() {
    return new ScorerSettingsBuilder();
  }

  /** A builder holding these settings, to change some and build a new value. */
  public ScorerSettingsBuilder toBuilder() {
    ScorerSettingsBuilder b = new ScorerSettingsBuilder();
    b.iterations = iterations;
    b.seed = seed;
    b.maskMode = maskMode;
    b.heuristic = heuristic;
    b.beta = beta;
    b.dropout = dropout;
    b.dropConnect = dropConnect;
    b.dropConnectLayers = dropConnectLayers;
    b.probabilities = probabilities;
    b.outputKind = outputKind;
    b.reduction = reduction;
    b.batchSize = batchSize;
    b.memoryBudgetBytes = memoryBudgetBytes;
    b.iterationShards = iterationShards;
    b.partitions = partitions;
    b.candidates = candidates;
    b.idColumn = idColumn;
    b.featuresColumn = featureColumns.isEmpty() ? featuresColumn : null;
    b.featureColumns = featureColumns;
    b.inputShape = inputShape;
    b.writeSamples = writeSamples;
    b.skipInvalid = skipInvalid;
    return b;
  }

  public int iterations() {
    return iterations;
  }

  public long seed() {
    return seed;
  }

  public MaskMode maskMode() {
    return maskMode;
  }

  /** The heuristic whose ranking key fills the {@code priority} column ({@link Heuristic#priority}). */
  public Heuristic heuristic() {
    return heuristic;
  }

  /** Power sampling's inverse temperature ({@code power_bald}, {@code power_entropy}). */
  public double beta() {
    return beta;
  }

  /** MC dropout drop probability for every dropout layer, or NaN to keep each layer's own. */
  public double dropout() {
    return dropout;
  }

  /** MC DropConnect weight-drop probability, or NaN for none. */
  public double dropConnect() {
    return dropConnect;
  }

  public List<String> dropConnectLayers() {
    return dropConnectLayers;
  }

  public Probabilities probabilities() {
    return probabilities;
  }

  /** The output kind asked for, or null to decide it from the output layer (auto). */
  public OutputKind outputKind() {
    return outputKind;
  }

  /** How per-position scores become one per example (see {@link ScorerSettingsBuilder#reduction}). */
  public org.mcposterior.heuristics.Reduction reduction() {
    return reduction;
  }

  public int batchSize() {
    return batchSize;
  }

  public long memoryBudgetBytes() {
    return memoryBudgetBytes;
  }

  /** Iteration shards, or 0 to plan them from the partitions and cores. */
  public int iterationShards() {
    return iterationShards;
  }

  /** Partitions to repartition the pool into, or 0 to keep its own. */
  public int partitions() {
    return partitions;
  }

  /** BatchBALD / EPIG candidates, or 0 for 10 x k. */
  public int candidates() {
    return candidates;
  }

  public String idColumn() {
    return idColumn;
  }

  /** The array or ML-vector features column, or null when {@link #featureColumns} are given. */
  public String featuresColumn() {
    return featuresColumn;
  }

  public List<String> featureColumns() {
    return featureColumns;
  }

  /** Per-example shape the features are reshaped to, or empty for the model's own. */
  public List<Integer> inputShape() {
    return inputShape;
  }

  public boolean writeSamples() {
    return writeSamples;
  }

  public boolean skipInvalid() {
    return skipInvalid;
  }

  /** Whether the heuristic selects jointly from resampled candidates (BatchBALD, EPIG). */
  public boolean jointHeuristic() {
    return heuristic.isJoint();
  }

  /**
   * Refuses, before any work, a heuristic that needs a target pool (EPIG) when none is given: the
   * one check for the command line's settings and the API's selection.
   *
   * @param given whether a target pool is given
   * @throws InvalidSettingsException naming the heuristic and --target
   */
  public void requireTarget(boolean given) {
    require(!heuristic.needsTarget() || given, "--heuristic " + heuristic + " needs --target, the pool whose"
        + " predictions should become more certain");
  }

  /** BatchBALD / EPIG candidates resampled to pick {@code k}. */
  public int candidateCount(int k) {
    return candidates > 0 ? Math.max(candidates, k) : (int) Math.min(Integer.MAX_VALUE, 10L * k);
  }

  /** The core sampler settings of one task. */
  public SamplerConfig samplerConfig() {
    return SamplerConfig.defaults().withSeed(seed).withMaskMode(maskMode).withMemoryBudget(memoryBudgetBytes);
  }

  /** The core heuristic options: the seed, the probabilities and power sampling's beta. */
  public HeuristicOptions heuristicOptions() {
    return HeuristicOptions.defaults().withSeed(seed).withProbabilities(probabilities).withBeta(beta)
        .withReduction(reduction);
  }

  /** The stochastic view of {@code net} these settings ask for: MC dropout, plus DropConnect if set. */
  public StochasticNetwork stochastic(Network net) {
    StochasticNetwork.Builder b = StochasticNetwork.builder(net);
    b = Double.isNaN(dropout) ? b.mcDropout() : b.mcDropout(dropout);
    if (!Double.isNaN(dropConnect)) {
      b = b.dropConnect(dropConnect, dropConnectLayers.toArray(new String[0]));
    }
    return b.build();
  }

  /** Every setting, in declaration order, for equality (boxed doubles: NaN equals NaN). */
  private List<Object> values() {
    return Arrays.asList(iterations, seed, maskMode, heuristic, beta, dropout, dropConnect, dropConnectLayers,
        probabilities, outputKind == null ? "auto" : outputKind, reduction, batchSize, memoryBudgetBytes, iterationShards, partitions, candidates, idColumn, featuresColumn,
        featureColumns, inputShape, writeSamples, skipInvalid);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScorerSettings s && values().equals(s.values());
  }

  @Override
  public int hashCode() {
    return values().hashCode();
  }

  @Override
  public String toString() {
    return "ScorerSettings[iterations=" + iterations + ", seed=" + seed + ", mode=" + maskMode + ", heuristic="
        + heuristic + ", beta=" + beta + ", dropout=" + dropout + ", dropConnect=" + dropConnect + " on "
        + dropConnectLayers + ", probabilities=" + probabilities + ", outputKind=" + (outputKind == null ? "auto" : outputKind) + ", reduction=" + reduction + ", batchSize=" + batchSize + ", memoryBudget="
        + memoryBudgetBytes + ", iterationShards=" + iterationShards + ", partitions=" + partitions + ", candidates="
        + candidates + ", id=" + idColumn + ", features=" + (featuresColumn != null ? featuresColumn : featureColumns)
        + ", inputShape=" + inputShape + ", writeSamples=" + writeSamples + ", skipInvalid=" + skipInvalid + "]";
  }
}
