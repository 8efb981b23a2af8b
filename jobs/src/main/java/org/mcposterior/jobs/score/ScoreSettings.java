package org.mcposterior.jobs.score;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcposterior.heuristics.Heuristics;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.stats.Probabilities;

/**
 * Everything one {@code score} run is told, as one immutable value validated when built and
 * written back into the run's summary, so every output says how it was produced: where to read
 * and write (the command line's part, checked here) and how to score ({@link ScorerSettings}, the
 * API's part, checked there). Build it with {@link #builder()}; the accessors of the scorer's
 * settings are repeated here so that code reading a run's settings reads them in one place.
 *
 * @param model DL4J model zip (local path or any Hadoop file system URI)
 * @param pool the unlabeled pool (a file or directory Spark can read)
 * @param out output directory (scores, top-k, summary)
 * @param format pool format: parquet, csv or json
 * @param target EPIG: the target pool (same format and columns), or null
 * @param overwrite replace an existing output (only once the new one is complete)
 * @param resume reuse the partitions a dead run with the same result-changing settings finished
 * @param topK how many examples to pick
 * @param master Spark master when not run by spark-submit (default local[*]), or null
 * @param scorer how to sample and score
 */
public record ScoreSettings(String model, String pool, String out, String format, String target, boolean overwrite,
    boolean resume, int topK, String master, ScorerSettings scorer) implements Serializable {

  public static final List<String> FORMATS = List.of("parquet", "csv", "json");

  public ScoreSettings {
    require(model != null && !model.isBlank(), "--model is required: the DL4J model zip to sample");
    require(pool != null && !pool.isBlank(), "--pool is required: the unlabeled pool to score");
    require(out != null && !out.isBlank(), "--out is required: the output directory");
    format = format == null ? "parquet" : format.toLowerCase(Locale.ROOT);
    require(FORMATS.contains(format), "--format " + format + " is not supported; expected one of " + FORMATS);
    require(scorer != null, "the scorer settings are required");
    require(topK > 0, "--top-k = " + topK + "; expected a positive number of examples to pick, e.g. 1000");
    require(!Heuristics.needsTarget(scorer.heuristic()) || target != null, "--heuristic " + scorer.heuristic()
        + " needs --target, the pool whose predictions should become more certain");
    // An option the run would ignore is refused: a user who gave it expects it to change something.
    require(target == null || Heuristics.needsTarget(scorer.heuristic()), "--target " + target + " is EPIG's target"
        + " pool, but --heuristic " + scorer.heuristic() + " does not use one; drop --target, or pass --heuristic epig");
    require(scorer.candidates() == 0 || scorer.jointHeuristic(), "--candidates = " + scorer.candidates() + " sets how"
        + " many BALD-ranked candidates batch_bald and epig resample, but --heuristic " + scorer.heuristic()
        + " ranks every example itself; drop --candidates, or pass --heuristic batch_bald or epig");
    require(scorer.candidates() == 0 || scorer.candidates() >= topK, "--candidates = " + scorer.candidates()
        + " is below --top-k = " + topK + ": " + scorer.heuristic() + " picks its " + topK + " examples from the"
        + " candidates, so it needs at least " + topK + "; expected --candidates " + topK + " or more (or leave it out"
        + " for 10 x --top-k), or a smaller --top-k");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new JobSettingsException(message);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String idColumn() {
    return scorer.idColumn();
  }

  public String featuresColumn() {
    return scorer.featuresColumn();
  }

  public List<String> featureColumns() {
    return scorer.featureColumns();
  }

  public List<Integer> inputShape() {
    return scorer.inputShape();
  }

  public int iterations() {
    return scorer.iterations();
  }

  public long seed() {
    return scorer.seed();
  }

  public MaskMode maskMode() {
    return scorer.maskMode();
  }

  public String heuristic() {
    return scorer.heuristic();
  }

  public boolean writeSamples() {
    return scorer.writeSamples();
  }

  public int batchSize() {
    return scorer.batchSize();
  }

  public long memoryBudgetBytes() {
    return scorer.memoryBudgetBytes();
  }

  public double dropout() {
    return scorer.dropout();
  }

  public double dropConnect() {
    return scorer.dropConnect();
  }

  public List<String> dropConnectLayers() {
    return scorer.dropConnectLayers();
  }

  public Probabilities probabilities() {
    return scorer.probabilities();
  }

  public boolean skipInvalid() {
    return scorer.skipInvalid();
  }

  public int partitions() {
    return scorer.partitions();
  }

  public int iterationShards() {
    return scorer.iterationShards();
  }

  public int candidates() {
    return scorer.candidates();
  }

  /** Whether the heuristic selects jointly on the driver from resampled candidates. */
  public boolean jointHeuristic() {
    return scorer.jointHeuristic();
  }

  /** Candidates resampled for joint heuristics. */
  public int candidateCount() {
    return scorer.candidateCount(topK);
  }

  /** The core sampler settings of one task. */
  public SamplerConfig samplerConfig() {
    return scorer.samplerConfig();
  }

  /** These settings as an ordered map, for the run summary. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("pool", pool);
    m.put("out", out);
    m.put("format", format);
    m.put("id_col", idColumn());
    m.put("features_col", featuresColumn());
    m.put("feature_cols", featureColumns());
    m.put("input_shape", inputShape());
    m.put("iterations", iterations());
    m.put("seed", seed());
    m.put("mode", maskMode().name().toLowerCase(Locale.ROOT));
    m.put("heuristic", heuristic());
    m.put("top_k", topK);
    m.put("write_samples", writeSamples());
    m.put("overwrite", overwrite);
    m.put("resume", resume);
    m.put("batch_size", batchSize());
    m.put("memory_budget", memoryBudgetBytes());
    m.put("dropout", Double.isNaN(dropout()) ? null : dropout());
    m.put("dropconnect", Double.isNaN(dropConnect()) ? null : dropConnect());
    m.put("dropconnect_layers", dropConnectLayers());
    m.put("probabilities", probabilities().name().toLowerCase(Locale.ROOT));
    m.put("output_kind", scorer.outputKind() == null ? "auto" : scorer.outputKind().label());
    m.put("reduction", scorer.reduction().name().toLowerCase(Locale.ROOT));
    m.put("on_invalid", skipInvalid() ? "skip" : "fail");
    m.put("partitions", partitions());
    m.put("iteration_shards", iterationShards());
    m.put("candidates", candidates());
    m.put("beta", scorer.beta());
    m.put("target", target);
    return m;
  }

  /**
   * Collects a run's settings: the paths and the top-k here, the scoring settings as a {@link
   * ScorerSettings} (default {@link ScorerSettings#defaults()}). Defaults: format parquet, top 1000,
   * no overwrite, no target, no master.
   */
  public static final class Builder {
    private String model;
    private String pool;
    private String out;
    private String format = "parquet";
    private String target;
    private boolean overwrite;
    private boolean resume = true;
    private int topK = 1000;
    private String master;
    private ScorerSettings scorer = ScorerSettings.defaults();

    private Builder() {}

    public Builder model(String v) {
      model = v;
      return this;
    }

    public Builder pool(String v) {
      pool = v;
      return this;
    }

    public Builder out(String v) {
      out = v;
      return this;
    }

    public Builder format(String v) {
      format = v;
      return this;
    }

    public Builder target(String v) {
      target = v;
      return this;
    }

    public Builder overwrite(boolean v) {
      overwrite = v;
      return this;
    }

    public Builder resume(boolean v) {
      resume = v;
      return this;
    }

    public Builder topK(int v) {
      topK = v;
      return this;
    }

    public Builder master(String v) {
      master = v;
      return this;
    }

    public Builder scorer(ScorerSettings v) {
      scorer = v;
      return this;
    }

    /** @throws JobSettingsException naming the first invalid setting */
    public ScoreSettings build() {
      return new ScoreSettings(model, pool, out, format, target, overwrite, resume, topK, master, scorer);
    }
  }
}
