package org.mcposterior.jobs.sample;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.settings.InvalidSettingValueException;
import org.mcposterior.settings.Setting;
import org.mcposterior.settings.SettingType;
import org.mcposterior.settings.SettingValues;
import org.mcposterior.settings.SettingsBuilder;
import org.mcposterior.spark.ScorerSettings;

/**
 * Everything one {@code sample} run is told, validated when built and written into its summary:
 * the settings declared here ({@link #DECLARED}), several of them the scorer's own declarations
 * with {@code sample}'s defaults (10000 iterations). How it samples is a real {@link
 * ScorerSettings} ({@link #scorer()}), validated as {@code score}'s.
 *
 * @param values one value per declared setting
 */
public record SampleSettings(SettingValues values) implements Serializable {

  /** The reference's ready-made examples. */
  public static final List<String> EXAMPLES = List.of("mc-dropout", "dropconnect");
  /** Seed of the example networks' weights (the masks use {@code --seed}). */
  public static final long EXAMPLE_WEIGHTS_SEED = 42;
  /** The DropConnect example's weight-drop probability, the reference's. */
  static final double EXAMPLE_DROPCONNECT = 0.9;

  public static final Setting<String> EXAMPLE = Setting.of("example", SettingType.named(
      (String v) -> v.toLowerCase(Locale.ROOT), (String v) -> v), null).option("--example").label("Reference example")
      .defaultText("").describe("A reference example instead of --model/--input: mc-dropout (Dense 10-8-4-2, 8 x 10"
          + " input) or dropconnect (Conv2d 3->8 k10 + Linear, DropConnect 0.9, one 3x10x10 image of 1/255).")
      .check(v -> v == null || EXAMPLES.contains(v), v -> "--example " + v + " is not known; expected one of " + EXAMPLES)
      .build();
  public static final Setting<String> MODEL = ScoreSettings.MODEL.describedAs("DL4J model zip or ONNX model (local"
      + " path or Hadoop URI).").withCheck(null);
  public static final Setting<String> INPUT = Setting.of("input", SettingType.STRING, null).option("--input")
      .label("Inputs").describe("The inputs: a Parquet, CSV or JSON file or directory of rows.").build();
  public static final Setting<String> OUT = ScoreSettings.OUT;
  public static final Setting<String> FORMAT = ScoreSettings.FORMAT.withDefault(null, "from the file name, else parquet")
      .describedAs("Input format: parquet, csv or json.").withCheck(v -> v == null || ScoreSettings.FORMATS.contains(v)
          ? null : "--format " + v + " is not supported; expected one of " + ScoreSettings.FORMATS);
  public static final Setting<Integer> ITERATIONS = ScorerSettings.ITERATIONS.withDefault(10_000, null)
      .describedAs("Stochastic passes per input.");
  public static final Setting<Long> SEED = ScorerSettings.SEED.describedAs("Master seed of the masks.");
  public static final Setting<Double> DROPCONNECT = ScorerSettings.DROPCONNECT.withDefault(Double.NaN,
      "off; " + EXAMPLE_DROPCONNECT + " for --example dropconnect").describedAs("MC DropConnect weight-drop probability.");
  public static final Setting<Integer> BINS = Setting.of("bins", SettingType.INT, 50).option("--bins")
      .label("Histogram bins").describe("Histogram bins (as the reference).")
      .check(v -> v >= 1 && v <= 1000, v -> "--bins = " + v + "; expected 1 to 1000 (the reference uses 50)").build();
  /** Refuse runs holding more than this many samples (inputs x outputs x iterations); the API's, no option. */
  public static final Setting<Long> MAX_VALUES = Setting.of("max_values", SettingType.LONG, 200_000_000L)
      .label("Sample limit").unit("values").check(v -> v > 0, v -> "the sample limit must be positive").build();

  /** Every setting of a {@code sample} run, in the order its summary lists them. */
  public static final List<Setting<?>> DECLARED = List.of(EXAMPLE, MODEL, INPUT, OUT, FORMAT,
      ScorerSettings.ID_COLUMN, ScorerSettings.FEATURES_COLUMN, ScorerSettings.FEATURE_COLUMNS,
      ScorerSettings.INPUT_SHAPE, ITERATIONS, SEED, ScorerSettings.MASK_MODE, ScorerSettings.DROPOUT, DROPCONNECT,
      ScorerSettings.DROPCONNECT_LAYERS, ScoreSettings.OVERWRITE, BINS, ScoreSettings.MASTER, MAX_VALUES);

  /** The settings {@code sample} shares with the scorer (its {@link #scorer()}). */
  private static final List<Setting<?>> SHARED = List.of(ScorerSettings.ID_COLUMN, ScorerSettings.FEATURES_COLUMN,
      ScorerSettings.FEATURE_COLUMNS, ScorerSettings.INPUT_SHAPE, ITERATIONS, SEED, ScorerSettings.MASK_MODE,
      ScorerSettings.DROPOUT, DROPCONNECT, ScorerSettings.DROPCONNECT_LAYERS);

  public SampleSettings {
    require(values == null ? "the settings are required" : values.firstProblem(DECLARED));
    String example = values.get(EXAMPLE);
    if (example != null) {
      require(values.get(MODEL) == null && values.get(INPUT) == null ? null : "--example " + example + " brings its"
          + " own network and input; drop --model and --input, or drop --example");
      if (Double.isNaN(values.get(DROPCONNECT)) && example.equals("dropconnect")) {
        values = values.with(DROPCONNECT, EXAMPLE_DROPCONNECT);
      }
    } else {
      require(values.get(MODEL) != null && values.get(INPUT) != null ? null : "sample needs --model and --input (the"
          + " inputs to sample), or --example " + String.join(" | ", EXAMPLES) + " for the reference's ready-made"
          + " networks");
    }
    if (values.get(FORMAT) == null) {
      String lower = values.get(INPUT) == null ? "" : values.get(INPUT).toLowerCase(Locale.ROOT);
      values = values.with(FORMAT, lower.endsWith(".csv") ? "csv"
          : lower.endsWith(".json") || lower.endsWith(".jsonl") ? "json" : "parquet");
      require(values.firstProblem(List.of(FORMAT)));
    }
    // Checked here, before Spark starts: even one input with one output would hold T samples.
    int iterations = values.get(ITERATIONS);
    long maxValues = values.get(MAX_VALUES);
    require(iterations <= maxValues ? null : "--iterations = " + iterations + "; sample holds every sample in memory,"
        + " at most " + maxValues + " (inputs x outputs x iterations): expected at most " + maxValues + " iterations"
        + " for one input with one output (fewer for more), or use score --write-samples for more");
    ScorerSettings scorer = scorer(values); // validated as score's settings
    values = values.with(ScorerSettings.FEATURES_COLUMN, scorer.featuresColumn())
        .with(ScorerSettings.DROPCONNECT_LAYERS, scorer.dropConnectLayers());
  }

  private static ScorerSettings scorer(SettingValues values) {
    var b = ScorerSettings.builder().writeSamples(true);
    for (Setting<?> s : SHARED) {
      copy(values, s, b);
    }
    return b.build();
  }

  private static <T> void copy(SettingValues values, Setting<T> s, org.mcposterior.spark.ScorerSettingsBuilder b) {
    b.set(s, values.get(s));
  }

  private static void require(String problem) {
    if (problem != null) {
      throw new JobSettingsException(problem);
    }
  }

  /** A builder holding the defaults. */
  public static SettingsBuilder<SampleSettings> builder() {
    return SettingsBuilder.of(DECLARED, SampleSettings::new);
  }

  /** How this run samples: its settings shared with {@code score}, samples written, validated as there. */
  public ScorerSettings scorer() {
    return scorer(values);
  }

  public String example() {
    return values.get(EXAMPLE);
  }

  public String model() {
    return values.get(MODEL);
  }

  public String input() {
    return values.get(INPUT);
  }

  public String out() {
    return values.get(OUT);
  }

  public String format() {
    return values.get(FORMAT);
  }

  public int iterations() {
    return values.get(ITERATIONS);
  }

  public long seed() {
    return values.get(SEED);
  }

  public MaskMode maskMode() {
    return values.get(ScorerSettings.MASK_MODE);
  }

  public double dropout() {
    return values.get(ScorerSettings.DROPOUT);
  }

  /** DropConnect probability of the run: the DropConnect example's is the reference's 0.9 unless given. */
  public double dropConnect() {
    return values.get(DROPCONNECT);
  }

  public List<String> dropConnectLayers() {
    return values.get(ScorerSettings.DROPCONNECT_LAYERS);
  }

  public boolean overwrite() {
    return values.get(ScoreSettings.OVERWRITE);
  }

  public int bins() {
    return values.get(BINS);
  }

  public long maxValues() {
    return values.get(MAX_VALUES);
  }

  public String master() {
    return values.get(ScoreSettings.MASTER);
  }

  /** These settings as an ordered map, for the summary. */
  public Map<String, Object> toMap() {
    return values.toJson(DECLARED);
  }

  /** The settings a summary's block holds ({@link #toMap}). @throws JobSettingsException if invalid */
  public static SampleSettings fromMap(Map<?, ?> m) {
    try {
      return new SampleSettings(SettingValues.fromJson(m, DECLARED));
    } catch (InvalidSettingValueException e) {
      throw new JobSettingsException(e.getMessage(), e);
    }
  }
}
