package org.mcposterior.jobs.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.spark.ScorerSettings;

/**
 * Everything one {@code sample} run is told, validated when built and written into its summary.
 *
 * @param example a ready-made reference example ({@link #EXAMPLES}) instead of model and input, or null
 * @param model DL4J model zip, or null with an example
 * @param input the inputs (Parquet, CSV or JSON rows), or null with an example
 * @param out output directory
 * @param bins histogram bins per output (the reference's 50)
 * @param maxValues refuse runs holding more than this many samples (inputs x outputs x iterations)
 */
public record SampleSettings(String example, String model, String input, String out, String format, String idColumn,
    String featuresColumn, List<String> featureColumns, List<Integer> inputShape, int iterations, long seed,
    MaskMode maskMode, double dropout, double dropConnect, List<String> dropConnectLayers, boolean overwrite,
    int bins, long maxValues, String master) {

  /** The reference's ready-made examples. */
  public static final List<String> EXAMPLES = List.of("mc-dropout", "dropconnect");
  /** Seed of the example networks' weights (the masks use {@code --seed}). */
  public static final long EXAMPLE_WEIGHTS_SEED = 42;

  public SampleSettings {
    if (example != null) {
      example = example.toLowerCase(Locale.ROOT);
      require(EXAMPLES.contains(example), "--example " + example + " is not known; expected one of " + EXAMPLES);
      require(model == null && input == null, "--example " + example + " brings its own network and input; drop"
          + " --model and --input, or drop --example");
    } else {
      require(model != null && input != null, "sample needs --model and --input (the inputs to sample), or --example "
          + String.join(" | ", EXAMPLES) + " for the reference's ready-made networks");
    }
    require(out != null && !out.isBlank(), "--out is required: the output directory");
    require(bins >= 1 && bins <= 1000, "--bins = " + bins + "; expected 1 to 1000 (the reference uses 50)");
    require(maxValues > 0, "the sample limit must be positive");
    // Checked here, before Spark starts: even one input with one output would hold T samples.
    require(iterations <= maxValues, "--iterations = " + iterations + "; sample holds every sample in memory, at most "
        + maxValues + " (inputs x outputs x iterations): expected at most " + maxValues + " iterations for one input"
        + " with one output (fewer for more), or use score --write-samples for more");
    // validated like score's settings (an example has placeholders for model and input)
    score(example, model, input, out, format, idColumn, featuresColumn, featureColumns, inputShape, iterations, seed,
        maskMode, dropout, dropConnect, dropConnectLayers, overwrite, master);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new JobSettingsException(message);
    }
  }

  /** DropConnect probability of the run: the DropConnect example defaults to the reference's 0.9. */
  public double effectiveDropConnect() {
    return Double.isNaN(dropConnect) && "dropconnect".equals(example) ? 0.9 : dropConnect;
  }

  /** The same options as score settings, to read the inputs and build the stochastic network as {@code score} does. */
  public ScoreSettings toScoreSettings() {
    return score(example, model, input, out, format, idColumn, featuresColumn, featureColumns, inputShape, iterations,
        seed, maskMode, dropout, dropConnect, dropConnectLayers, overwrite, master);
  }

  private static ScoreSettings score(String example, String model, String input, String out, String format,
      String idColumn, String featuresColumn, List<String> featureColumns, List<Integer> inputShape, int iterations,
      long seed, MaskMode maskMode, double dropout, double dropConnect, List<String> dropConnectLayers,
      boolean overwrite, String master) {
    String m = example != null ? "example:" + example : model;
    String in = example != null ? "example:" + example : input;
    double dc = Double.isNaN(dropConnect) && "dropconnect".equals(example) ? 0.9 : dropConnect;
    ScorerSettings scorer = ScorerSettings.builder().idColumn(idColumn).featuresColumn(featuresColumn)
        .featureColumns(featureColumns).inputShape(inputShape).iterations(iterations).seed(seed).maskMode(maskMode)
        .writeSamples(true).dropout(dropout).dropConnect(dc, dropConnectLayers).build();
    return ScoreSettings.builder().model(m).pool(in).out(out).format(format).overwrite(overwrite).topK(1)
        .master(master).scorer(scorer).build();
  }

  /** These settings as an ordered map, for the summary. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("example", example);
    Map<String, Object> s = toScoreSettings().toMap();
    for (String k : List.of("model", "pool", "out", "format", "id_col", "features_col", "feature_cols", "input_shape",
        "iterations", "seed", "mode", "dropout", "dropconnect", "dropconnect_layers", "overwrite")) {
      m.put(k.equals("pool") ? "input" : k, s.get(k));
    }
    m.put("bins", bins);
    return m;
  }
}
