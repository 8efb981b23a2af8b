package org.mcposterior.jobs.score;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcposterior.heuristics.Heuristics;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Probabilities;

/**
 * Everything one scoring run is told, as one immutable value validated when built (every field
 * below is checked in the constructor) and written back into the run's summary, so every output
 * says how it was produced.
 *
 * @param model DL4J model zip (local path or any Hadoop file system URI)
 * @param pool the unlabeled pool (a file or directory Spark can read)
 * @param out output directory (scores, top-k, summary)
 * @param format pool format: parquet, csv or json
 * @param idColumn column with each example's unique id
 * @param featuresColumn column holding the features as array or ML vector, or null with {@code featureColumns}
 * @param featureColumns numeric columns forming the features, in order, or empty
 * @param inputShape per-example shape the features are reshaped to (e.g. [1, 28, 28]), or empty for flat
 * @param iterations stochastic passes per example (T)
 * @param seed master seed of every mask and every seeded heuristic
 * @param maskMode independent or consistent masks
 * @param heuristic acquisition heuristic used for the top-k
 * @param topK how many examples to pick
 * @param writeSamples also write each example's [outputs x T] samples
 * @param overwrite replace an existing output (only once the new one is complete)
 * @param batchSize examples per sampler call inside a task
 * @param memoryBudgetBytes sampler memory budget per task
 * @param dropout MC dropout drop probability override, or NaN to keep each layer's configured one
 * @param dropConnect MC DropConnect weight-drop probability, or NaN for none
 * @param dropConnectLayers layer types for DropConnect (e.g. Linear, Conv2d)
 * @param probabilities how outputs become probabilities (auto, given, logits)
 * @param skipInvalid skip rows with null or non-finite features (and report them) instead of failing
 * @param partitions repartition the pool into this many partitions, or 0 to keep Spark's
 * @param iterationShards split the iterations into this many shards, or 0 to plan automatically
 * @param candidates BatchBALD / EPIG: how many BALD-ranked candidates to resample jointly
 * @param target EPIG: the target pool (same format and columns), or null
 * @param master Spark master when not run by spark-submit (default local[*]), or null
 */
public record ScoreSettings(String model, String pool, String out, String format, String idColumn,
    String featuresColumn, List<String> featureColumns, List<Integer> inputShape, int iterations, long seed,
    MaskMode maskMode, String heuristic, int topK, boolean writeSamples, boolean overwrite, int batchSize,
    long memoryBudgetBytes, double dropout, double dropConnect, List<String> dropConnectLayers,
    Probabilities probabilities, boolean skipInvalid, int partitions, int iterationShards, int candidates,
    String target, String master) implements Serializable {

  public static final List<String> FORMATS = List.of("parquet", "csv", "json");

  public ScoreSettings {
    require(model != null && !model.isBlank(), "--model is required: the DL4J model zip to sample");
    require(pool != null && !pool.isBlank(), "--pool is required: the unlabeled pool to score");
    require(out != null && !out.isBlank(), "--out is required: the output directory");
    format = format == null ? "parquet" : format.toLowerCase(Locale.ROOT);
    require(FORMATS.contains(format), "--format " + format + " is not supported; expected one of " + FORMATS);
    require(idColumn != null && !idColumn.isBlank(), "--id-col must name the id column");
    featureColumns = featureColumns == null ? List.of() : List.copyOf(featureColumns);
    require(featuresColumn == null || featureColumns.isEmpty(),
        "give either --features-col or --feature-cols, not both");
    if (featuresColumn == null && featureColumns.isEmpty()) {
      featuresColumn = "features";
    }
    inputShape = inputShape == null ? List.of() : List.copyOf(inputShape);
    for (int d : inputShape) {
      require(d > 0, "--input-shape " + inputShape + " has a non-positive dimension; expected e.g. 1,28,28");
    }
    require(iterations > 0, "--iterations = " + iterations + "; expected a positive number of stochastic passes, e.g. 20");
    require(maskMode != null, "--mode must be independent or consistent");
    require(heuristic != null && Heuristics.NAMES.contains(heuristic.toLowerCase(Locale.ROOT)),
        "--heuristic " + heuristic + " is not known; expected one of " + Heuristics.NAMES);
    heuristic = heuristic.toLowerCase(Locale.ROOT);
    require(topK > 0, "--top-k = " + topK + "; expected a positive number of examples to pick, e.g. 1000");
    require(batchSize > 0 && batchSize <= 1_000_000, "--batch-size = " + batchSize + "; expected 1 to 1000000");
    require(memoryBudgetBytes >= (1 << 20), "--memory-budget = " + memoryBudgetBytes + " bytes; expected at least 1 MiB");
    require(Double.isNaN(dropout) || (dropout >= 0 && dropout < 1),
        "--dropout = " + dropout + "; expected a drop probability in [0, 1)");
    require(Double.isNaN(dropConnect) || (dropConnect >= 0 && dropConnect < 1),
        "--dropconnect = " + dropConnect + "; expected a weight-drop probability in [0, 1)");
    dropConnectLayers = dropConnectLayers == null || dropConnectLayers.isEmpty() ? List.of("Linear") : List.copyOf(dropConnectLayers);
    require(probabilities != null, "--probabilities must be auto, given or logits");
    require(partitions >= 0, "--partitions = " + partitions + "; expected >= 0 (0 keeps the pool's partitioning)");
    require(iterationShards >= 0 && iterationShards <= iterations, "--iteration-shards = " + iterationShards
        + "; expected 0 (automatic) to --iterations (" + iterations + ")");
    require(candidates >= 0, "--candidates = " + candidates + "; expected >= 0 (0: 10 x top-k)");
    require(!heuristic.equals("epig") || target != null, "--heuristic epig needs --target, the pool whose"
        + " predictions should become more certain");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidSettingsException(message);
    }
  }

  /** Whether the heuristic selects jointly on the driver from resampled candidates. */
  public boolean jointHeuristic() {
    return Heuristics.isJoint(heuristic);
  }

  /** Candidates resampled for joint heuristics. */
  public int candidateCount() {
    return candidates > 0 ? Math.max(candidates, topK) : (int) Math.min(Integer.MAX_VALUE, 10L * topK);
  }

  /** The core sampler settings of one task. */
  public SamplerConfig samplerConfig() {
    return SamplerConfig.defaults().withSeed(seed).withMaskMode(maskMode).withMemoryBudget(memoryBudgetBytes);
  }

  /** These settings as an ordered map, for the run summary. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("pool", pool);
    m.put("out", out);
    m.put("format", format);
    m.put("id_col", idColumn);
    m.put("features_col", featuresColumn);
    m.put("feature_cols", featureColumns);
    m.put("input_shape", inputShape);
    m.put("iterations", iterations);
    m.put("seed", seed);
    m.put("mode", maskMode.name().toLowerCase(Locale.ROOT));
    m.put("heuristic", heuristic);
    m.put("top_k", topK);
    m.put("write_samples", writeSamples);
    m.put("overwrite", overwrite);
    m.put("batch_size", batchSize);
    m.put("memory_budget", memoryBudgetBytes);
    m.put("dropout", Double.isNaN(dropout) ? null : dropout);
    m.put("dropconnect", Double.isNaN(dropConnect) ? null : dropConnect);
    m.put("dropconnect_layers", dropConnectLayers);
    m.put("probabilities", probabilities.name().toLowerCase(Locale.ROOT));
    m.put("on_invalid", skipInvalid ? "skip" : "fail");
    m.put("partitions", partitions);
    m.put("iteration_shards", iterationShards);
    m.put("candidates", candidates);
    m.put("target", target);
    return m;
  }
}
