package org.mcposterior.jobs.score;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.jobs.CommonSettings;
import org.mcposterior.settings.InvalidSettingValueException;
import org.mcposterior.settings.Setting;
import org.mcposterior.settings.SettingType;
import org.mcposterior.settings.SettingValues;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.spark.ScorerSettingsBuilder;

/**
 * Everything one {@code score} run is told, as one immutable value validated when built and
 * written back into the run's summary, so every output says how it was produced: where to read
 * and write and how many to pick (the run's settings, declared here: {@link #DECLARED}) and how to
 * score ({@link ScorerSettings}, the API's part, declared there). Both lists of declarations give
 * the command line's options, the summary's {@code settings} block ({@link #toMap}) and its
 * reader ({@link #fromMap}).
 *
 * @param run the run's settings ({@link #DECLARED})
 * @param scorer how to sample and score
 */
public record ScoreSettings(SettingValues run, ScorerSettings scorer) implements Serializable {

  /** The file formats (read as files by Spark's readers, after {@link PoolFormat}'s look at them). */
  public static final List<String> FORMATS = List.of("parquet", "csv", "json");
  /** Every {@code --format}: the file formats, then the table formats ({@link TableSource#FORMATS}). */
  public static final List<String> ALL_FORMATS = java.util.stream.Stream.concat(FORMATS.stream(),
      TableSource.FORMATS.stream()).toList();
  /** The table formats {@code --out-table-format} writes: those that replace a table in one commit. */
  public static final List<String> OUT_TABLE_FORMATS = List.of("delta", "iceberg");

  public static final Setting<String> MODEL = Setting.of("model", SettingType.STRING, null).option("--model")
      .label("Model").describe("DL4J model zip or ONNX model (local path or Hadoop URI).")
      .check(v -> v != null && !v.isBlank(), v -> "--model is required: the DL4J model zip or ONNX model to sample").build();
  public static final Setting<String> POOL = Setting.of("pool", SettingType.STRING, null).option("--pool")
      .label("Pool").describe("Unlabeled pool: a file or directory; with --format delta or iceberg a table's folder"
          + " or name; with --format table a catalog table's name (db.table).")
      .check(v -> v != null && !v.isBlank(), v -> "--pool is required: the unlabeled pool to score").build();
  public static final Setting<String> OUT = CommonSettings.OUT;
  public static final Setting<String> FORMAT = Setting.of("format", SettingType.named(
      (String v) -> v.toLowerCase(Locale.ROOT), (String v) -> v), "parquet").option("--format").label("Pool format")
      .describe("Pool format: parquet, csv or json (files); delta, iceberg or table (tables).")
      .check(ALL_FORMATS::contains, v -> "--format " + v + " is not supported; expected one of " + ALL_FORMATS)
      .build();
  public static final Setting<String> POOL_VERSION = Setting.of("pool_version", SettingType.STRING, null)
      .option("--pool-version").label("Pool version").defaultText("the current one")
      .describe("Table version to read the pool at: a Delta version, an Iceberg snapshot id (or tag); the version"
          + " read is recorded in the summary.").build();
  public static final Setting<String> TARGET_VERSION = Setting.of("target_version", SettingType.STRING, null)
      .option("--target-version").label("Target version").defaultText("the current one")
      .describe("epig: table version to read the target at.").build();
  public static final Setting<String> OUT_TABLE = Setting.of("out_table", SettingType.STRING, null)
      .option("--out-table").label("Scores table").defaultText("")
      .describe("Also write the scores, with each pick's top_k_rank, to this catalog table, created or replaced in"
          + " one commit (replaced only with --overwrite, and only if a score run wrote it).").build();
  public static final Setting<String> OUT_TABLE_FORMAT = Setting.of("out_table_format", SettingType.STRING, null)
      .option("--out-table-format").label("Scores table format").defaultText("the catalog's")
      .describe("Format of --out-table: delta or iceberg.")
      .check(v -> v == null || OUT_TABLE_FORMATS.contains(v), v -> "--out-table-format " + v + " is not supported;"
          + " expected one of " + OUT_TABLE_FORMATS + " (formats that replace a table in one commit)").build();
  public static final Setting<Integer> TOP_K = Setting.of("top_k", SettingType.INT, 1000).option("--top-k")
      .label("Top k").unit("examples").describe("Examples to pick.")
      .check(v -> v > 0, v -> "--top-k = " + v + "; expected a positive number of examples to pick, e.g. 1000")
      .build();
  public static final Setting<String> TARGET = Setting.of("target", SettingType.STRING, null).option("--target")
      .label("Target pool").defaultText("").describe("epig: the target pool (same format and columns).").build();
  public static final Setting<Boolean> OVERWRITE = CommonSettings.OVERWRITE;
  public static final Setting<Boolean> RESUME = Setting.of("resume", SettingType.BOOLEAN, true)
      .option("--no-resume").label("Resume").flag(false).defaultText("")
      .describe("Start fresh: do not reuse the partitions a killed run on the same --out with the same settings"
          + " finished (reused by default).").build();
  public static final Setting<String> MASTER = CommonSettings.MASTER;

  /** The run's own settings, in the order the summary lists them (before the scorer's). */
  public static final List<Setting<?>> DECLARED = List.of(MODEL, POOL, OUT, FORMAT, TOP_K, TARGET, OVERWRITE, RESUME,
      MASTER, POOL_VERSION, TARGET_VERSION, OUT_TABLE, OUT_TABLE_FORMAT);

  public ScoreSettings {
    require(run == null ? "the run's settings are required" : run.firstProblem(DECLARED));
    require(scorer == null ? "the scorer settings are required" : null);
    Heuristic heuristic = scorer.heuristic();
    String target = run.get(TARGET);
    int topK = run.get(TOP_K);
    int candidates = scorer.candidates();
    scorer.requireTarget(target != null);
    // An option the run would ignore is refused: a user who gave it expects it to change something.
    require(target == null || heuristic.needsTarget() ? null : "--target " + target + " is EPIG's target"
        + " pool, but --heuristic " + heuristic + " does not use one; drop --target, or pass --heuristic epig");
    String format = run.get(FORMAT);
    String poolVersion = run.get(POOL_VERSION);
    require(poolVersion == null || TableSource.isTable(format) ? null : "--pool-version " + poolVersion + " reads a"
        + " table at a version, but --format " + format + " reads files, which have none; drop --pool-version, or"
        + " pass --format delta, iceberg or table with the table as --pool");
    String targetVersion = run.get(TARGET_VERSION);
    require(targetVersion == null || (target != null && TableSource.isTable(format)) ? null : "--target-version "
        + targetVersion + " reads EPIG's target table at a version, but " + (target == null ? "there is no --target"
        : "--format " + format + " reads files, which have none") + "; drop --target-version");
    String outTable = run.get(OUT_TABLE);
    String outTableFormat = run.get(OUT_TABLE_FORMAT);
    require(outTableFormat == null || outTable != null ? null : "--out-table-format " + outTableFormat + " is the"
        + " format of --out-table, which is not given; pass --out-table db.table, or drop --out-table-format");
    require(outTable == null || !outTable.isBlank() ? null : "--out-table is blank; expected a table name such as"
        + " db.scores");
    require(outTable == null || !TableSource.isPath(outTable) ? null : "--out-table " + outTable + " is a path;"
        + " expected a catalog table name (db.table or catalog.db.table): scores go to a table by name, and to a"
        + " folder through --out");
    require(candidates == 0 || scorer.jointHeuristic() ? null : "--candidates = " + candidates + " sets how"
        + " many BALD-ranked candidates batch_bald and epig resample, but --heuristic " + heuristic
        + " ranks every example itself; drop --candidates, or pass --heuristic batch_bald or epig");
    require(candidates == 0 || candidates >= topK ? null : "--candidates = " + candidates
        + " is below --top-k = " + topK + ": " + heuristic + " picks its " + topK + " examples from the"
        + " candidates, so it needs at least " + topK + "; expected --candidates " + topK + " or more (or leave it out"
        + " for 10 x --top-k), or a smaller --top-k");
  }

  private static void require(String problem) {
    if (problem != null) {
      throw new JobSettingsException(problem);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.run = run;
    b.scorer = scorer.toBuilder();
    return b;
  }

  public String model() {
    return run.get(MODEL);
  }

  public String pool() {
    return run.get(POOL);
  }

  public String out() {
    return run.get(OUT);
  }

  public String format() {
    return run.get(FORMAT);
  }

  public String target() {
    return run.get(TARGET);
  }

  public boolean overwrite() {
    return run.get(OVERWRITE);
  }

  public boolean resume() {
    return run.get(RESUME);
  }

  public int topK() {
    return run.get(TOP_K);
  }

  public String master() {
    return run.get(MASTER);
  }

  public String poolVersion() {
    return run.get(POOL_VERSION);
  }

  public String targetVersion() {
    return run.get(TARGET_VERSION);
  }

  public String outTable() {
    return run.get(OUT_TABLE);
  }

  public String outTableFormat() {
    return run.get(OUT_TABLE_FORMAT);
  }

  /** These settings with the table versions a run read (the same when no table is read), for its summary. */
  public ScoreSettings withVersionsRead(String pool, String target) {
    return new ScoreSettings(run.with(POOL_VERSION, pool).with(TARGET_VERSION, target), scorer);
  }

  /** Candidates resampled for joint heuristics. */
  public int candidateCount() {
    return scorer.candidateCount(topK());
  }

  /** These settings as an ordered map, for the run summary: the run's, then the scorer's. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(run.toJson(DECLARED));
    m.putAll(scorer.toJson());
    return m;
  }

  /**
   * The settings a run summary's {@code settings} block holds ({@link #toMap}).
   *
   * @throws JobSettingsException if a value is not of its setting's type, or the settings are invalid
   */
  public static ScoreSettings fromMap(Map<?, ?> m) {
    try {
      return new ScoreSettings(SettingValues.fromJson(m, DECLARED), ScorerSettings.fromJson(m));
    } catch (InvalidSettingValueException e) {
      throw new JobSettingsException(e.getMessage(), e);
    }
  }

  /**
   * Collects a run's settings, starting from the defaults of the declarations: the run's (format
   * parquet, top 1000, no overwrite, resume, no target, no master) and the scorer's ({@link
   * ScorerSettings#defaults()}).
   */
  public static final class Builder {
    private SettingValues run = SettingValues.defaults(DECLARED);
    private ScorerSettingsBuilder scorer = ScorerSettings.builder();

    private Builder() {}

    /** Sets a declared setting: the run's ({@link #DECLARED}) or the scorer's ({@link ScorerSettings#DECLARED}). */
    public <T> Builder set(Setting<T> setting, T value) {
      if (DECLARED.contains(setting)) {
        run = run.with(setting, value);
      } else {
        scorer.set(setting, value);
      }
      return this;
    }

    public Builder model(String v) {
      return set(MODEL, v);
    }

    public Builder pool(String v) {
      return set(POOL, v);
    }

    public Builder out(String v) {
      return set(OUT, v);
    }

    public Builder format(String v) {
      return set(FORMAT, v == null ? FORMAT.defaultValue() : FORMAT.type().parse(v));
    }

    public Builder target(String v) {
      return set(TARGET, v);
    }

    public Builder overwrite(boolean v) {
      return set(OVERWRITE, v);
    }

    public Builder resume(boolean v) {
      return set(RESUME, v);
    }

    public Builder topK(int v) {
      return set(TOP_K, v);
    }

    public Builder master(String v) {
      return set(MASTER, v);
    }

    /** The scoring settings, replacing every scorer setting set so far. */
    public Builder scorer(ScorerSettings v) {
      scorer = v.toBuilder();
      return this;
    }

    /** @throws JobSettingsException naming the first invalid setting */
    public ScoreSettings build() {
      return new ScoreSettings(run, scorer.build());
    }
  }
}
