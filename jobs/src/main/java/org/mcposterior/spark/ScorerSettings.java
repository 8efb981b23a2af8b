package org.mcposterior.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.mcposterior.heuristics.HeuristicOptions;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.heuristics.Reduction;
import org.mcposterior.models.Network;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.settings.InvalidSettingValueException;
import org.mcposterior.settings.Setting;
import org.mcposterior.settings.SettingType;
import org.mcposterior.settings.SettingValues;
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
  private static final long serialVersionUID = 2L;

  public static final Setting<String> ID_COLUMN = Setting.of("id_col", SettingType.STRING, "id").option("--id-col")
      .label("Id column").describe("Unique id column.")
      .check(v -> v != null && !v.isBlank(), v -> "--id-col must name the id column").build();
  public static final Setting<String> FEATURES_COLUMN = Setting.of("features_col", SettingType.STRING, null)
      .option("--features-col").label("Features column").defaultText("features")
      .describe("Features column: array<float|double> or ML vector.").build();
  public static final Setting<List<String>> FEATURE_COLUMNS = Setting.of("feature_cols", SettingType.STRINGS,
      List.<String>of()).option("--feature-cols").label("Feature columns").defaultText("")
      .describe("Numeric columns forming the features, in order.").build();
  public static final Setting<List<Integer>> INPUT_SHAPE = Setting.of("input_shape", SettingType.INTS,
      List.<Integer>of()).option("--input-shape").label("Input shape").defaultText("")
      .describe("Per-example shape of the features, e.g. 1,28,28.")
      .check(v -> v.stream().allMatch(d -> d > 0),
          v -> "--input-shape " + v + " has a non-positive dimension; expected e.g. 1,28,28").build();
  public static final Setting<Integer> ITERATIONS = Setting.of("iterations", SettingType.INT, 20)
      .option("--iterations").label("Iterations").unit("passes").describe("Stochastic passes per example.")
      .check(v -> v > 0, v -> "--iterations = " + v + "; expected a positive number of stochastic passes, e.g. 20")
      .build();
  public static final Setting<Long> SEED = Setting.of("seed", SettingType.LONG, 0L).option("--seed")
      .label("Seed").describe("Master seed.").build();
  public static final Setting<MaskMode> MASK_MODE = Setting.of("mode", SettingType.named(ScorerSettings::maskMode,
      (MaskMode m) -> m.name().toLowerCase(Locale.ROOT)), MaskMode.INDEPENDENT).option("--mode").label("Masks")
      .describe("Masks: independent or consistent.")
      .check(v -> v != null, v -> "--mode must be independent or consistent").build();
  public static final Setting<Heuristic> HEURISTIC = Setting.of("heuristic", SettingType.named(
      ScorerSettings::heuristic, Heuristic::label), Heuristic.BALD).option("--heuristic").label("Heuristic")
      .describe("Top-k heuristic: " + String.join(", ", Heuristic.labels()) + ".")
      .check(v -> v != null, v -> "--heuristic must name a heuristic, one of " + Heuristic.labels()).build();
  public static final Setting<Double> BETA = Setting.of("beta", SettingType.DOUBLE, 1.0).option("--beta")
      .label("Power sampling beta").describe("power_bald, power_entropy: the inverse temperature beta.")
      .check(v -> v >= 0 && !Double.isInfinite(v),
          v -> "--beta = " + v + "; expected power sampling's finite beta >= 0 (1 is the paper's)").build();
  public static final Setting<Boolean> WRITE_SAMPLES = Setting.of("write_samples", SettingType.BOOLEAN, false)
      .option("--write-samples").label("Samples written").flag(true)
      .describe("Also write each example's [outputs][iterations] samples.").build();
  public static final Setting<Integer> BATCH_SIZE = Setting.of("batch_size", SettingType.INT, 256)
      .option("--batch-size").label("Batch size").unit("examples").describe("Examples per sampler call.")
      .check(v -> v > 0 && v <= 1_000_000, v -> "--batch-size = " + v + "; expected 1 to 1000000").build();
  public static final Setting<Long> MEMORY_BUDGET = Setting.of("memory_budget", SettingType.BYTES, 256L << 20)
      .option("--memory-budget").label("Memory budget").unit("bytes").defaultText("256m")
      .describe("Sampler memory per task, e.g. 256m, 1g.")
      .check(v -> v >= (1 << 20), v -> "--memory-budget = " + v + " bytes; expected at least 1 MiB").build();
  public static final Setting<Double> DROPOUT = Setting.of("dropout", SettingType.OPTIONAL_PROBABILITY, Double.NaN)
      .option("--dropout").label("Dropout").defaultText("each layer's own")
      .describe("Drop probability for every dropout.").check(ScorerSettings::dropoutProblem).build();
  public static final Setting<Double> DROPCONNECT = Setting.of("dropconnect", SettingType.OPTIONAL_PROBABILITY,
      Double.NaN).option("--dropconnect").label("DropConnect").defaultText("off")
      .describe("MC DropConnect weight-drop probability, e.g. 0.5.").check(ScorerSettings::dropConnectProblem).build();
  public static final Setting<List<String>> DROPCONNECT_LAYERS = Setting.of("dropconnect_layers",
      SettingType.STRINGS, List.of("Linear")).option("--dropconnect-layers").label("DropConnect layers")
      .describe("Layer types for DropConnect.").build();
  public static final Setting<Probabilities> PROBABILITIES = Setting.of("probabilities", SettingType.named(
      ScorerSettings::probabilities, (Probabilities p) -> p.name().toLowerCase(Locale.ROOT)), Probabilities.AUTO)
      .option("--probabilities").label("Probabilities")
      .describe("Outputs are: auto (softmax when not probabilities), given, logits.")
      .check(v -> v != null, v -> "--probabilities must be auto, given or logits").build();
  public static final Setting<OutputKind> OUTPUT_KIND = Setting.of("output_kind", SettingType.named(
      ScorerSettings::outputKind, (OutputKind k) -> k == null ? "auto" : k.label()), (OutputKind) null)
      .option("--output-kind").label("Output kind").describe("What the output is: auto (from the output layer),"
          + " classes, binary, multi-label, per-position, regression, detection.").build();
  public static final Setting<Reduction> REDUCTION = Setting.of("reduction", SettingType.named(
      ScorerSettings::reduction, (Reduction r) -> r.name().toLowerCase(Locale.ROOT)), Reduction.MEAN)
      .option("--reduction").label("Reduction").describe("How scores over the positions of a per-position,"
          + " multi-label or detection output become one per example: mean, sum, max, min, none (one position only).")
      .check(v -> v != null, v -> "--reduction must be mean, sum, max, min or none").build();
  public static final Setting<Boolean> SKIP_INVALID = Setting.of("on_invalid", SettingType.named(
      ScorerSettings::onInvalid, (Boolean skip) -> skip ? "skip" : "fail"), false).option("--on-invalid")
      .label("Invalid rows").describe("Rows with null/NaN features: fail or skip.").build();
  public static final Setting<Integer> PARTITIONS = Setting.of("partitions", SettingType.INT, 0)
      .option("--partitions").label("Partitions").defaultText("keep").describe("Repartition the pool.")
      .check(v -> v >= 0, v -> "--partitions = " + v + "; expected >= 0 (0 keeps the pool's partitioning)").build();
  public static final Setting<Integer> ITERATION_SHARDS = Setting.of("iteration_shards", SettingType.INT, 0)
      .option("--iteration-shards").label("Iteration shards").defaultText("planned").describe("Split the iterations.")
      .build();
  public static final Setting<Integer> CANDIDATES = Setting.of("candidates", SettingType.INT, 0)
      .option("--candidates").label("Candidates").unit("examples").defaultText("10 x top-k")
      .describe("batch_bald/epig: BALD-ranked candidates.")
      .check(v -> v >= 0, v -> "--candidates = " + v + "; expected >= 0 (0: 10 x top-k)").build();

  /** Every scoring setting, in the order the summary lists them. */
  public static final List<Setting<?>> DECLARED = List.of(ID_COLUMN, FEATURES_COLUMN, FEATURE_COLUMNS, INPUT_SHAPE,
      ITERATIONS, SEED, MASK_MODE, HEURISTIC, BETA, WRITE_SAMPLES, BATCH_SIZE, MEMORY_BUDGET, DROPOUT,
      DROPCONNECT, DROPCONNECT_LAYERS, PROBABILITIES, OUTPUT_KIND, REDUCTION, SKIP_INVALID, PARTITIONS,
      ITERATION_SHARDS, CANDIDATES);

  private final SettingValues values;

  ScorerSettings(SettingValues given) {
    require(given.firstProblem(DECLARED));
    SettingValues v = given;
    int iterations = v.get(ITERATIONS);
    int shards = v.get(ITERATION_SHARDS);
    require(shards >= 0 && shards <= iterations ? null : "--iteration-shards = " + shards
        + "; expected 0 (automatic) to --iterations (" + iterations + ")");
    require(v.get(FEATURES_COLUMN) == null || v.get(FEATURE_COLUMNS).isEmpty() ? null
        : "give either --features-col or --feature-cols, not both");
    if (v.get(FEATURES_COLUMN) == null && v.get(FEATURE_COLUMNS).isEmpty()) {
      v = v.with(FEATURES_COLUMN, "features");
    }
    if (v.get(DROPCONNECT_LAYERS).isEmpty()) {
      v = v.with(DROPCONNECT_LAYERS, DROPCONNECT_LAYERS.defaultValue());
    }
    values = v;
  }

  private static void require(String problem) {
    if (problem != null) {
      throw new InvalidSettingsException(problem);
    }
  }

  private static String dropoutProblem(double p) {
    if (p == 0) {
      return "--dropout 0 drops nothing, so every sample of an example would be equal and every"
          + " uncertainty score zero (the ranking would follow rounding noise); expected a drop probability in (0, 1),"
          + " e.g. 0.5, or leave out --dropout to keep each layer's own";
    }
    return Double.isNaN(p) || (p > 0 && p < 1) ? null
        : "--dropout = " + p + "; expected a drop probability in (0, 1), e.g. 0.5";
  }

  private static String dropConnectProblem(double p) {
    if (p == 0) {
      return "--dropconnect 0 drops no weight, so it adds nothing random (a model without dropout"
          + " would give equal samples and zero scores); expected a weight-drop probability in (0, 1), e.g. 0.5, or"
          + " leave out --dropconnect";
    }
    return Double.isNaN(p) || (p > 0 && p < 1) ? null
        : "--dropconnect = " + p + "; expected a weight-drop probability in (0, 1), e.g. 0.5";
  }

  private static MaskMode maskMode(String name) {
    try {
      return MaskMode.parse(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingValueException("'" + name + "' is not a mask mode; expected independent or consistent", e);
    }
  }

  private static Heuristic heuristic(String name) {
    try {
      return Heuristic.byName(name);
    } catch (org.mcposterior.heuristics.UnknownHeuristicException e) {
      throw new InvalidSettingValueException(e.getMessage(), e);
    }
  }

  private static Probabilities probabilities(String name) {
    try {
      return Probabilities.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingValueException("'" + name + "' is not known; expected auto, given or logits", e);
    }
  }

  /** auto (null: decided from the output layer) or an {@link OutputKind} by its label. */
  private static OutputKind outputKind(String name) {
    if (name.trim().equalsIgnoreCase("auto")) {
      return null;
    }
    try {
      return OutputKind.byName(name);
    } catch (org.mcposterior.stats.OutputKindException e) {
      throw new InvalidSettingValueException(e.getMessage(), e);
    }
  }

  private static Reduction reduction(String name) {
    try {
      return Reduction.byName(name.trim());
    } catch (org.mcposterior.heuristics.InvalidHeuristicArgumentException e) {
      throw new InvalidSettingValueException("'" + name + "' is not known; expected mean, sum, max, min or none", e);
    }
  }

  private static Boolean onInvalid(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "fail" -> false;
      case "skip" -> true;
      default -> throw new InvalidSettingValueException("--on-invalid " + name + " is not known; expected fail or skip");
    };
  }

  /** These settings as declared values ({@link #DECLARED}). */
  public SettingValues values() {
    return values;
  }

  /** The value of one declared setting. */
  public <T> T get(Setting<T> s) {
    return values.get(s);
  }

  /** The settings a run summary's block holds ({@link #toJson}). @throws InvalidSettingsException if invalid */
  public static ScorerSettings fromJson(java.util.Map<?, ?> json) {
    try {
      return new ScorerSettings(SettingValues.fromJson(json, DECLARED));
    } catch (InvalidSettingValueException e) {
      throw new InvalidSettingsException(e.getMessage(), e);
    }
  }

  /** These settings as a run summary writes them: each declared key and its JSON value, in order. */
  public java.util.Map<String, Object> toJson() {
    return values.toJson(DECLARED);
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
    ScorerSettingsBuilder b = new ScorerSettingsBuilder(values);
    return get(FEATURE_COLUMNS).isEmpty() ? b : b.featuresColumn(null);
  }

  public int iterations() {
    return get(ITERATIONS);
  }

  public long seed() {
    return get(SEED);
  }

  public MaskMode maskMode() {
    return get(MASK_MODE);
  }

  /** The heuristic whose ranking key fills the {@code priority} column. */
  public Heuristic heuristic() {
    return get(HEURISTIC);
  }

  /** Power sampling's inverse temperature ({@code power_bald}, {@code power_entropy}). */
  public double beta() {
    return get(BETA);
  }

  /** MC dropout drop probability for every dropout layer, or NaN to keep each layer's own. */
  public double dropout() {
    return get(DROPOUT);
  }

  /** MC DropConnect weight-drop probability, or NaN for none. */
  public double dropConnect() {
    return get(DROPCONNECT);
  }

  public List<String> dropConnectLayers() {
    return get(DROPCONNECT_LAYERS);
  }

  public Probabilities probabilities() {
    return get(PROBABILITIES);
  }

  /** The output kind asked for, or null to decide it from the output layer (auto). */
  public OutputKind outputKind() {
    return get(OUTPUT_KIND);
  }

  /** How per-position scores become one per example (see {@link ScorerSettingsBuilder#reduction}). */
  public Reduction reduction() {
    return get(REDUCTION);
  }

  public int batchSize() {
    return get(BATCH_SIZE);
  }

  public long memoryBudgetBytes() {
    return get(MEMORY_BUDGET);
  }

  /** Iteration shards, or 0 to plan them from the partitions and cores. */
  public int iterationShards() {
    return get(ITERATION_SHARDS);
  }

  /** Partitions to repartition the pool into, or 0 to keep its own. */
  public int partitions() {
    return get(PARTITIONS);
  }

  /** BatchBALD / EPIG candidates, or 0 for 10 x k. */
  public int candidates() {
    return get(CANDIDATES);
  }

  public String idColumn() {
    return get(ID_COLUMN);
  }

  /** The array or ML-vector features column, or null when {@link #featureColumns} are given. */
  public String featuresColumn() {
    return get(FEATURES_COLUMN);
  }

  public List<String> featureColumns() {
    return get(FEATURE_COLUMNS);
  }

  /** Per-example shape the features are reshaped to, or empty for the model's own. */
  public List<Integer> inputShape() {
    return get(INPUT_SHAPE);
  }

  public boolean writeSamples() {
    return get(WRITE_SAMPLES);
  }

  public boolean skipInvalid() {
    return get(SKIP_INVALID);
  }

  /** Whether the heuristic selects jointly from resampled candidates (BatchBALD, EPIG). */
  public boolean jointHeuristic() {
    return heuristic().isJoint();
  }

  /**
   * Refuses a heuristic that needs a target pool (EPIG) when none is {@code given}: the one check
   * of it, for the command line and the API.
   *
   * @throws InvalidSettingsException naming the heuristic and what its target is
   */
  public void requireTarget(boolean given) {
    require(!heuristic().needsTarget() || given ? null : "--heuristic " + heuristic() + " needs --target, the pool"
        + " whose predictions should become more certain");
  }

  /** BatchBALD / EPIG candidates resampled to pick {@code k}. */
  public int candidateCount(int k) {
    int candidates = candidates();
    return candidates > 0 ? Math.max(candidates, k) : (int) Math.min(Integer.MAX_VALUE, 10L * k);
  }

  /** The core sampler settings of one task. */
  public SamplerConfig samplerConfig() {
    return SamplerConfig.defaults().withSeed(seed()).withMaskMode(maskMode()).withMemoryBudget(memoryBudgetBytes());
  }

  /** The core heuristic options: the seed, the probabilities and power sampling's beta. */
  public HeuristicOptions heuristicOptions() {
    return HeuristicOptions.defaults().withSeed(seed()).withProbabilities(probabilities()).withBeta(beta())
        .withReduction(reduction());
  }

  /** The stochastic view of {@code net} these settings ask for: MC dropout, plus DropConnect if set. */
  public StochasticNetwork stochastic(Network net) {
    StochasticNetwork.Builder b = StochasticNetwork.builder(net);
    b = Double.isNaN(dropout()) ? b.mcDropout() : b.mcDropout(dropout());
    if (!Double.isNaN(dropConnect())) {
      b = b.dropConnect(dropConnect(), dropConnectLayers().toArray(new String[0]));
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScorerSettings s && values.equals(s.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "ScorerSettings" + values;
  }
}
