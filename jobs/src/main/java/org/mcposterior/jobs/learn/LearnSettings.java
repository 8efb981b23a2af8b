package org.mcposterior.jobs.learn;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.jobs.score.JobInputException;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.jobs.CommonSettings;
import org.mcposterior.settings.InvalidSettingValueException;
import org.mcposterior.settings.Setting;
import org.mcposterior.settings.SettingType;
import org.mcposterior.settings.SettingValues;
import org.mcposterior.settings.SettingsBuilder;
import org.mcposterior.spark.Preflight;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.training.Predictions;
import org.mcposterior.training.InvalidTrainingArgumentException;
import org.mcposterior.training.TrainingSettings;

/**
 * Everything one {@code learn} run is told ({@link #DECLARED}), validated when built (before any
 * data is read or any network trained; {@link JobSettingsException}, exit code 2) and written
 * into the run's summary ({@link #toMap}, the training settings in its {@code training} block).
 *
 * @param values one value per declared setting
 */
public record LearnSettings(SettingValues values) implements Serializable {

  public static final List<String> NETWORKS = List.of("mlp", "cnn");
  public static final List<String> POSTERIORS = List.of("dropout", "dropconnect");
  /** Fashion-MNIST's training and test set sizes. */
  public static final int TRAIN_IMAGES = 60_000, TEST_IMAGES = 10_000;
  /** Values per Fashion-MNIST image (28 x 28). */
  static final int FEATURES = 28 * 28;
  public static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
  /** DropConnect's weight-drop probability when {@code --weight-drop} is not given. */
  static final double DEFAULT_WEIGHT_DROP = 0.5;
  private static final String TRAINING = "training";

  public static final Setting<String> DATA = Setting.of("data", SettingType.STRING,
      "/usr/share/datasets/fashion-mnist").option("--data").label("Fashion-MNIST folder")
      .describe("Fashion-MNIST's IDX files.")
      .check(v -> v != null, v -> "--data is required: the directory of Fashion-MNIST's IDX files").build();
  public static final Setting<String> OUT = CommonSettings.OUT;
  public static final Setting<String> NETWORK = Setting.of("network", SettingType.named(LearnSettings::lower,
      (String v) -> v), "mlp").option("--network").label("Network")
      .describe("mlp (784-512-512-10, dropout 0.5) or cnn (Gal et al. 2017).")
      .check(NETWORKS::contains, v -> "--network " + v + " is not known; expected one of " + NETWORKS).build();
  public static final Setting<String> POSTERIOR = Setting.of("posterior", SettingType.named(LearnSettings::lower,
      (String v) -> v), "dropout").option("--posterior").label("Posterior")
      .describe("dropout (MC dropout) or dropconnect (trained and sampled with --weight-drop on the dense layers).")
      .check(POSTERIORS::contains, v -> "--posterior " + v + " is not known; expected one of " + POSTERIORS).build();
  public static final Setting<Double> WEIGHT_DROP = Setting.of("weight_drop", SettingType.OPTIONAL_PROBABILITY,
      Double.NaN).option("--weight-drop").label("Weight drop").defaultText(String.valueOf(DEFAULT_WEIGHT_DROP))
      .describe("DropConnect weight-drop probability, with --posterior dropconnect.").build();
  public static final Setting<Integer> ITERATIONS = Setting.of("iterations", SettingType.INT, 20)
      .option("--iterations").label("Iterations").unit("passes").describe("T: stochastic passes per example.")
      .check(v -> v >= 1, v -> "--iterations = " + v + "; expected a positive number of stochastic passes, e.g. 20")
      .build();
  /** The heuristics a run compares when none are named: random (the baseline), BALD, entropy, BatchBALD, power BALD. */
  public static final List<Heuristic> DEFAULT_HEURISTICS = List.of(Heuristic.RANDOM, Heuristic.BALD, Heuristic.ENTROPY,
      Heuristic.BATCH_BALD, Heuristic.POWER_BALD);

  public static final Setting<List<String>> HEURISTICS = Setting.of("heuristics", SettingType.STRINGS,
      DEFAULT_HEURISTICS.stream().map(Heuristic::label).toList()).option("--heuristics").label("Heuristics")
      .describe("Heuristics, one curve each.")
      .check(v -> !v.isEmpty(), v -> "--heuristics is empty; expected e.g. random,bald").build();
  public static final Setting<List<Long>> SEEDS = Setting.of("seeds", SettingType.LONGS, List.of(1L))
      .option("--seeds").label("Seeds").describe("Seeds, comma-separated.")
      .check(v -> !v.isEmpty(), v -> "--seeds is empty; expected e.g. 1,2,3").build();
  public static final Setting<Integer> POOL_SIZE = Setting.of("pool_size", SettingType.INT, 10_000)
      .option("--pool-size").label("Pool size").unit("images").describe("Training images in the pool.")
      .check(v -> v >= 1 && v <= TRAIN_IMAGES, v -> "--pool-size = " + v + "; expected 1 to " + TRAIN_IMAGES
          + " (Fashion-MNIST's training images)").build();
  public static final Setting<Integer> INITIAL = Setting.of("initial", SettingType.INT, 20).option("--initial")
      .label("Initial labelled set").unit("images").describe("Balanced initial labelled set.").build();
  public static final Setting<Integer> QUERY = Setting.of("query", SettingType.INT, 20).option("--query")
      .label("Query").unit("images per step").describe("Examples labelled per step.")
      .check(v -> v >= 1, v -> "--query = " + v + "; expected at least 1 example labelled per step, e.g. 20").build();
  public static final Setting<Integer> STEPS = Setting.of("steps", SettingType.INT, 10).option("--steps")
      .label("Steps").describe("Query steps.")
      .check(v -> v >= 0, v -> "--steps = " + v + "; expected 0 or more query steps, e.g. 10").build();
  public static final Setting<Integer> TEST_SIZE = Setting.of("test_size", SettingType.INT, 10_000)
      .option("--test-size").label("Test images").unit("images").describe("Test images evaluated on.")
      .check(v -> v >= 1 && v <= TEST_IMAGES, v -> "--test-size = " + v + "; expected 1 to " + TEST_IMAGES).build();
  public static final Setting<Double> LEARNING_RATE = Setting.of("learning_rate", SettingType.DOUBLE, 1e-3)
      .option("--learning-rate").section(TRAINING).label("Learning rate").describe("Adam's learning rate.").build();
  public static final Setting<Double> L2 = Setting.of("l2", SettingType.DOUBLE, 5e-4).option("--l2")
      .section(TRAINING).label("L2 weight decay").describe("L2 weight decay.").build();
  public static final Setting<Integer> EPOCHS = Setting.of("epochs", SettingType.INT, 50).option("--epochs")
      .section(TRAINING).label("Epochs").describe("Epochs over the labelled set per step.").build();
  public static final Setting<Integer> BATCH_SIZE = Setting.of("batch_size", SettingType.INT, 32)
      .option("--batch-size").section(TRAINING).label("Training minibatch").unit("examples")
      .describe("Training minibatch.").build();
  public static final Setting<Integer> MIN_BATCHES = Setting.of("min_batches", SettingType.INT, 300)
      .option("--min-batches").section(TRAINING).label("Minimum minibatches")
      .describe("At least this many minibatches per step.").build();
  public static final Setting<Integer> CANDIDATES = Setting.of("candidates", SettingType.INT, 0)
      .option("--candidates").label("Candidates").unit("examples").defaultText("10 x --query")
      .describe("batch_bald: BALD-ranked candidates.")
      .check(v -> v >= 0, v -> "--candidates = " + v + "; expected 0 (10 x --query) or more").build();

  /** Every setting of a {@code learn} run, in the order its summary lists them. */
  public static final List<Setting<?>> DECLARED = List.of(DATA, OUT, CommonSettings.OVERWRITE, NETWORK, POSTERIOR,
      WEIGHT_DROP, ITERATIONS, HEURISTICS, SEEDS, POOL_SIZE, INITIAL, QUERY, STEPS, TEST_SIZE, LEARNING_RATE, L2, EPOCHS,
      BATCH_SIZE, MIN_BATCHES, CANDIDATES, CommonSettings.MASTER);

  public LearnSettings {
    require(values == null ? "the settings are required" : values.firstProblem(DECLARED));
    String posterior = values.get(POSTERIOR);
    double weightDrop = values.get(WEIGHT_DROP);
    // --weight-drop only means something for DropConnect; given with MC dropout it would be ignored.
    require(Double.isNaN(weightDrop) || posterior.equals("dropconnect") ? null : "--weight-drop " + weightDrop
        + " is DropConnect's weight-drop probability, but --posterior " + posterior + " samples the network's own"
        + " dropout; drop --weight-drop, or pass --posterior dropconnect");
    if (posterior.equals("dropconnect") && Double.isNaN(weightDrop)) {
      weightDrop = DEFAULT_WEIGHT_DROP;
      values = values.with(WEIGHT_DROP, weightDrop);
    }
    require(!posterior.equals("dropconnect") || (weightDrop > 0 && weightDrop < 1) ? null : "--weight-drop = "
        + weightDrop + "; expected a weight-drop probability in (0, 1), e.g. 0.5");
    List<String> runnable = java.util.Arrays.stream(Heuristic.values()).filter(x -> !x.needsTarget())
        .map(Heuristic::label).toList();
    List<String> hs = new ArrayList<>();
    for (String h : values.get(HEURISTICS)) {
      String k = lower(h);
      require(runnable.contains(k) ? null : "--heuristics: '" + h + "' is not a heuristic learn can run; expected some"
          + " of " + runnable + " (comma-separated, e.g. random,bald)");
      require(!hs.contains(k) ? null : "--heuristics names " + k + " twice; name each once");
      hs.add(k);
    }
    List<String> heuristics = List.copyOf(hs);
    values = values.with(HEURISTICS, heuristics);
    List<Long> seeds = values.get(SEEDS);
    require(seeds.stream().distinct().count() == seeds.size() ? null : "--seeds " + seeds
        + " repeats a seed; name each once");
    int poolSize = values.get(POOL_SIZE);
    int initial = values.get(INITIAL);
    int query = values.get(QUERY);
    int steps = values.get(STEPS);
    require(initial >= 1 && initial <= poolSize ? null : "--initial = " + initial + "; expected 1 to --pool-size ("
        + poolSize + ")");
    long needed = initial + (long) steps * query;
    require(needed <= poolSize ? null : "--query " + query + " x --steps " + steps + " after --initial " + initial
        + " needs " + needed + " pool examples but --pool-size is " + poolSize + ": the last query would be larger"
        + " than the pool left; use a larger --pool-size or fewer --steps or a smaller --query");
    training(values); // the training options' own checks
    int candidates = values.get(CANDIDATES);
    List<String> joint = heuristics.stream().filter(h -> Heuristic.byName(h).isJoint()).toList();
    require(candidates == 0 || !joint.isEmpty() ? null : "--candidates = " + candidates + " sets how many"
        + " BALD-ranked candidates batch_bald resamples, but --heuristics " + String.join(",", heuristics) + " has no"
        + " joint heuristic; drop --candidates, or add batch_bald to --heuristics");
    require(candidates == 0 || candidates >= query ? null : "--candidates = " + candidates + " is below --query = "
        + query + ": " + String.join(" and ", joint) + " picks its " + query + " examples per step from the candidates,"
        + " so it needs at least " + query + "; expected --candidates " + query + " or more (or leave it out for 10 x"
        + " --query)");
    int iterations = values.get(ITERATIONS);
    int evalChunk = Math.min(Predictions.CHUNK, values.get(TEST_SIZE));
    long maxIterations = Preflight.MAX_ARRAY / ((long) evalChunk * LearnRun.CLASSES);
    require(iterations <= maxIterations ? null : "--iterations = " + iterations + "; the MC-mean evaluation holds "
        + evalChunk + " test images x " + LearnRun.CLASSES + " classes x T samples in one Java array (at most 2^31"
        + " values): expected 1 to " + maxIterations);
  }

  private static TrainingSettings training(SettingValues v) {
    try {
      return new TrainingSettings(v.get(LEARNING_RATE), v.get(L2), v.get(EPOCHS), v.get(BATCH_SIZE),
          v.get(MIN_BATCHES));
    } catch (InvalidTrainingArgumentException e) {
      throw new JobSettingsException("training options (--learning-rate, --l2, --epochs, --batch-size,"
          + " --min-batches): " + e.getMessage(), e);
    }
  }

  /** A builder holding the defaults. */
  public static SettingsBuilder<LearnSettings> builder() {
    return SettingsBuilder.of(DECLARED, LearnSettings::new);
  }

  /** A builder holding these settings. */
  public SettingsBuilder<LearnSettings> toBuilder() {
    return SettingsBuilder.from(values, LearnSettings::new);
  }

  /** The directory with Fashion-MNIST's four IDX files. */
  public Path data() {
    return Path.of(values.get(DATA));
  }

  /** The output directory (written whole at the end). */
  public Path out() {
    return Path.of(values.get(OUT));
  }

  /** Replace an existing {@code out} once the new output is complete. */
  public boolean overwrite() {
    return values.get(CommonSettings.OVERWRITE);
  }

  /** mlp (784-512-512-10, dropout 0.5) or cnn (Gal et al. 2017). */
  public String network() {
    return values.get(NETWORK);
  }

  /** dropout (MC dropout) or dropconnect (trained and sampled with weight drop). */
  public String posterior() {
    return values.get(POSTERIOR);
  }

  /** DropConnect's weight-drop probability (only for dropconnect; NaN for dropout). */
  public double weightDrop() {
    return values.get(WEIGHT_DROP);
  }

  /** T, stochastic passes per example when scoring and for the MC-mean evaluation. */
  public int iterations() {
    return values.get(ITERATIONS);
  }

  /** Heuristics to run, one curve each. */
  public List<String> heuristics() {
    return values.get(HEURISTICS);
  }

  /** Seeds to run, each with its own pool, initial set and initial weights, shared by all heuristics. */
  public List<Long> seeds() {
    return values.get(SEEDS);
  }

  /** Training images drawn into the pool. */
  public int poolSize() {
    return values.get(POOL_SIZE);
  }

  /** Balanced initial labelled set. */
  public int initial() {
    return values.get(INITIAL);
  }

  /** Examples labelled per step. */
  public int query() {
    return values.get(QUERY);
  }

  /** Query steps (the curve has {@code steps + 1} points). */
  public int steps() {
    return values.get(STEPS);
  }

  /** Test images evaluated on (the first ones of the test set). */
  public int testSize() {
    return values.get(TEST_SIZE);
  }

  /** Optimiser, L2, epochs, minibatch and minimum minibatches per step. */
  public TrainingSettings training() {
    return training(values);
  }

  /** batch_bald: BALD-ranked candidates resampled jointly (0: 10 x query). */
  public int candidates() {
    return values.get(CANDIDATES);
  }

  /** Spark master, or null for local[*]. */
  public String master() {
    return values.get(CommonSettings.MASTER);
  }

  /**
   * Checks that the data files exist (before anything is read).
   *
   * @throws JobInputException naming the missing files and the fix
   */
  public void requireData() {
    List<String> missing = new ArrayList<>();
    for (String f : FILES) {
      if (!java.nio.file.Files.isRegularFile(data().resolve(f))) {
        missing.add(f);
      }
    }
    if (!missing.isEmpty()) {
      throw new JobInputException("--data " + data() + " lacks the Fashion-MNIST file(s) " + String.join(", ", missing)
        + "; expected the four IDX files of Debian's dataset-fashion-mnist package (apt-get install"
        + " dataset-fashion-mnist puts them in /usr/share/datasets/fashion-mnist) or of zalandoresearch/fashion-mnist");
    }
  }

  /** The settings a run wrote into its summary ({@link #toMap}), with another output, heuristics and seeds. */
  static LearnSettings fromMap(Map<?, ?> m, Path out, List<String> heuristics, List<Long> seeds) {
    try {
      return new LearnSettings(SettingValues.fromJson(m, DECLARED).with(OUT, out.toString())
          .with(CommonSettings.OVERWRITE, false).with(HEURISTICS, List.copyOf(heuristics)).with(SEEDS, List.copyOf(seeds))
          .with(CommonSettings.MASTER, null));
    } catch (InvalidSettingValueException e) {
      throw new JobSettingsException(e.getMessage(), e);
    }
  }

  /** The settings a run wrote into its summary ({@link #toMap}). @throws JobSettingsException if invalid */
  public static LearnSettings fromMap(Map<?, ?> m) {
    try {
      return new LearnSettings(SettingValues.fromJson(m, DECLARED));
    } catch (InvalidSettingValueException e) {
      throw new JobSettingsException(e.getMessage(), e);
    }
  }

  /**
   * How a step scores its unlabelled pool with {@code heuristic} (the score job's settings, one
   * declaration for the loop and for the checks before it): T iterations, the step's seed, MC
   * DropConnect on the dense layers for {@code --posterior dropconnect}, and the candidates for a
   * joint heuristic (the others rank every example and take none).
   */
  public ScorerSettings scorer(String heuristic, long seed) {
    return ScorerSettings.builder().iterations(iterations()).seed(seed).heuristic(heuristic)
        .dropConnect(posterior().equals("dropconnect") ? weightDrop() : Double.NaN, List.of("Linear"))
        .candidates(Heuristic.byName(heuristic).isJoint() ? candidates() : 0).build();
  }

  /**
   * Checks before any data is read or Spark starts that every step's scoring fits (its samples,
   * the batch and BatchBALD's candidates; see {@link Preflight}): the pool's images have
   * {@link #FEATURES} values and the network {@link LearnRun#CLASSES} outputs.
   */
  public void checkSizes() {
    for (String h : heuristics()) {
      Preflight.check(scorer(h, 0), query(), master(), LearnRun.CLASSES, FEATURES);
    }
  }

  /** Labels after the last step: {@code initial + steps * query}. */
  public int budget() {
    return initial() + steps() * query();
  }

  /** These settings as an ordered map, for the run summary; the folders absolute, so it names the same folders wherever it is read from. */
  public Map<String, Object> toMap() {
    return values.with(DATA, data().toAbsolutePath().normalize().toString())
        .with(OUT, out().toAbsolutePath().normalize().toString()).toJson(DECLARED);
  }

  private static String lower(String s) {
    return s == null ? "null" : s.trim().toLowerCase(Locale.ROOT);
  }

  private static void require(String problem) {
    if (problem != null) {
      throw new JobSettingsException(problem);
    }
  }
}
