package org.mcposterior.jobs;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.jobs.score.ScoreJob;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code score}: the distributed scoring job over an unlabeled pool. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Sample the MC posterior of every example of a pool with a DL4J model, score it (BALD, entropy,"
        + " variance, margin, certainty) and pick the top-k to label.",
        "Runs on the Spark master given by spark-submit, --master, or local[*]. Writes <out>/scores (Parquet),"
            + " <out>/top_k (Parquet, and JSON lines in top_k_json) and <out>/summary.json, all at once when complete."})
public final class ScoreCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "DL4J model zip (local path or Hadoop URI).")
  String model;

  @Option(names = "--pool", required = true, description = "Unlabeled pool: a file or directory.")
  String pool;

  @Option(names = "--out", required = true, description = "Output directory.")
  String out;

  @Option(names = "--format", defaultValue = "parquet", description = "Pool format: parquet, csv or json (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--id-col", defaultValue = "id", description = "Unique id column (default ${DEFAULT-VALUE}).")
  String idCol;

  @Option(names = "--features-col", description = "Features column: array<float|double> or ML vector (default features).")
  String featuresCol;

  @Option(names = "--feature-cols", split = ",", description = "Numeric columns forming the features, in order.")
  List<String> featureCols;

  @Option(names = "--input-shape", split = ",", description = "Per-example shape of the features, e.g. 1,28,28.")
  List<Integer> inputShape;

  @Option(names = "--iterations", defaultValue = "20", description = "Stochastic passes per example (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--seed", defaultValue = "0", description = "Master seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--mode", defaultValue = "independent", converter = MaskModeConverter.class,
      description = "Masks: independent or consistent (default ${DEFAULT-VALUE}).")
  MaskMode mode;

  @Option(names = "--heuristic", defaultValue = "bald",
      description = "Top-k heuristic: bald, entropy, variance, margin, certainty, random, power_bald, power_entropy,"
          + " batch_bald, epig (default ${DEFAULT-VALUE}).")
  String heuristic;

  @Option(names = "--top-k", defaultValue = "1000", description = "Examples to pick (default ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--write-samples", description = "Also write each example's [outputs][iterations] samples.")
  boolean writeSamples;

  @Option(names = "--overwrite", description = "Replace an existing --out once the new output is complete.")
  boolean overwrite;

  @Option(names = "--no-resume", negatable = false, description = "Start fresh: do not reuse the partitions a killed"
      + " run on the same --out with the same settings finished (reused by default).")
  boolean noResume;

  @Option(names = "--batch-size", defaultValue = "256", description = "Examples per sampler call (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--memory-budget", defaultValue = "256m", converter = ByteSizeConverter.class,
      description = "Sampler memory per task, e.g. 256m, 1g (default ${DEFAULT-VALUE}).")
  long memoryBudget;

  @Option(names = "--dropout", converter = DropProbabilityConverter.class,
      description = "Drop probability for every dropout (default: each layer's own).")
  Double dropout;

  @Option(names = "--dropconnect", converter = DropProbabilityConverter.class,
      description = "MC DropConnect weight-drop probability, e.g. 0.5 (default: off).")
  Double dropConnect;

  @Option(names = "--dropconnect-layers", split = ",", description = "Layer types for DropConnect (default Linear).")
  List<String> dropConnectLayers;

  @Option(names = "--probabilities", defaultValue = "auto", converter = ProbabilitiesConverter.class,
      description = "Outputs are: auto (softmax when not probabilities), given, logits (default ${DEFAULT-VALUE}).")
  Probabilities probabilities;

  @Option(names = "--output-kind", defaultValue = "auto", converter = OutputKindConverter.class,
      description = "What the output is: auto (from the output layer), classes, binary, multi-label, per-position,"
          + " regression, detection (default ${DEFAULT-VALUE}).")
  OutputKind outputKind;

  @Option(names = "--reduction", defaultValue = "mean", converter = ReductionConverter.class,
      description = "How scores over the positions of a per-position, multi-label or detection output become one per"
          + " example: mean, sum, max, min, none (one position only) (default ${DEFAULT-VALUE}).")
  org.mcposterior.heuristics.Reduction reduction;

  @Option(names = "--on-invalid", defaultValue = "fail",
      description = "Rows with null/NaN features: fail or skip (default ${DEFAULT-VALUE}).")
  String onInvalid;

  @Option(names = "--partitions", defaultValue = "0", description = "Repartition the pool (default: keep).")
  int partitions;

  @Option(names = "--iteration-shards", defaultValue = "0", description = "Split the iterations (default: planned).")
  int iterationShards;

  @Option(names = "--candidates", defaultValue = "0", description = "batch_bald/epig: BALD-ranked candidates (default 10 x top-k).")
  int candidates;

  @Option(names = "--target", description = "epig: the target pool (same format and columns).")
  String target;

  @Option(names = "--master", description = "Spark master when not run by spark-submit (default local[*]).")
  String master;

  @Option(names = "--report", description = "Also write the run's HTML report to this file (see the report command).")
  String report;

  /** The validated settings these options describe. */
  public ScoreSettings settings() {
    if (!onInvalid.equals("fail") && !onInvalid.equals("skip")) {
      throw new org.mcposterior.jobs.score.InvalidSettingsException("--on-invalid " + onInvalid
          + " is not known; expected fail or skip");
    }
    ScorerSettings scorer = ScorerSettings.builder().idColumn(idCol).featuresColumn(featuresCol)
        .featureColumns(featureCols).inputShape(inputShape).iterations(iterations).seed(seed).maskMode(mode)
        .heuristic(heuristic).writeSamples(writeSamples).batchSize(batchSize).memoryBudgetBytes(memoryBudget)
        .dropout(dropout == null ? Double.NaN : dropout)
        .dropConnect(dropConnect == null ? Double.NaN : dropConnect, dropConnectLayers).probabilities(probabilities)
        .outputKind(outputKind).reduction(reduction).skipInvalid(onInvalid.equals("skip")).partitions(partitions).iterationShards(iterationShards)
        .candidates(candidates).build();
    return ScoreSettings.builder().model(model).pool(pool).out(out).format(format).target(target).overwrite(overwrite).resume(!noResume)
        .topK(topK).master(master).scorer(scorer).build();
  }

  /** The entry point that ran this command, which carries the run's observer ({@link Main#runAndExit}). */
  @picocli.CommandLine.ParentCommand
  Main main;

  @Override
  public Integer call() throws Exception {
    ScoreSettings s = settings();
    org.mcposterior.spark.Preflight.check(s.scorer(), topK, master, 0, 0); // sizes, before the session starts
    var reportSettings = report == null ? null : org.mcposterior.jobs.report.ReportSettings.of(out, report, overwrite,
        null, inputShape != null && (inputShape.size() == 2 || inputShape.size() == 3) ? inputShape : null);
    if (report != null) {
      java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
      inputs.put("--out", out);
      inputs.put("--model", model);
      inputs.put("--pool", pool);
      inputs.put("--target", target);
      org.mcposterior.jobs.report.ReportFile.checkOutside(java.nio.file.Path.of(report), inputs);
      org.mcposterior.jobs.report.ReportFile.check(java.nio.file.Path.of(report), overwrite); // before any work
    }
    java.util.Map<String, String> outInputs = new java.util.LinkedHashMap<>();
    outInputs.put("--model", model);
    outInputs.put("--pool", pool);
    outInputs.put("--target", target);
    org.mcposterior.jobs.score.ScoringParts.precheckOutput(out, overwrite, outInputs); // before Spark starts
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = session("mcposterior score", master);
    try {
      var summary = ScoreJob.run(spark, s, main == null ? org.mcposterior.spark.RunObserver.NONE : main.observer());
      System.out.println("mcposterior score: " + ((java.util.Map<?, ?>) summary.get("counts")).get("scored")
          + " examples scored, top " + topK + " by " + heuristic + " written to " + out);
      if (report != null) {
        var r = org.mcposterior.jobs.report.ReportJob.run(spark, reportSettings);
        System.out.printf(Locale.ROOT, "mcposterior score: report %s made in %.1f s%n", r.out(), r.seconds());
      }
      return 0;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }

  /** A Spark session on the master spark-submit gave, else {@code master}, else local[*]. */
  static SparkSession session(String appName, String master) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (master != null) {
      b = b.master(master);
    } else if (!conf.contains("spark.master")) {
      b = b.master("local[*]");
    }
    return b.config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "16")).getOrCreate();
  }

  static final class MaskModeConverter implements ITypeConverter<MaskMode> {
    @Override
    public MaskMode convert(String value) {
      try {
        return MaskMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a mask mode; expected independent or consistent");
      }
    }
  }

  /** auto (null: decided from the output layer) or an {@link OutputKind} by its label. */
  static final class OutputKindConverter implements ITypeConverter<OutputKind> {
    @Override
    public OutputKind convert(String value) {
      if (value.trim().equalsIgnoreCase("auto")) {
        return null;
      }
      try {
        return OutputKind.byName(value);
      } catch (org.mcposterior.stats.OutputKindException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class ReductionConverter implements ITypeConverter<org.mcposterior.heuristics.Reduction> {
    @Override
    public org.mcposterior.heuristics.Reduction convert(String value) {
      try {
        return org.mcposterior.heuristics.Reduction.byName(value.trim());
      } catch (org.mcposterior.heuristics.InvalidHeuristicArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not known; expected mean, sum, max, min or none");
      }
    }
  }

  static final class ProbabilitiesConverter implements ITypeConverter<Probabilities> {
    @Override
    public Probabilities convert(String value) {
      try {
        return Probabilities.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not known; expected auto, given or logits");
      }
    }
  }

  /** A drop probability: a finite number (its range is checked by the settings). */
  static final class DropProbabilityConverter implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double p;
      try {
        p = Double.parseDouble(value.trim());
      } catch (NumberFormatException e) {
        p = Double.NaN;
      }
      if (!Double.isFinite(p)) {
        throw new TypeConversionException("'" + value + "' is not a drop probability; expected a number in (0, 1),"
            + " e.g. 0.5");
      }
      return p;
    }
  }

  /** Parses sizes like 268435456, 256m, 1g, 512k. */
  static final class ByteSizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      long mult = 1;
      if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
        mult = switch (v.charAt(v.length() - 1)) {
          case 'k' -> 1L << 10;
          case 'm' -> 1L << 20;
          default -> 1L << 30;
        };
        v = v.substring(0, v.length() - 1);
      }
      try {
        return Math.multiplyExact(Long.parseLong(v), mult);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new TypeConversionException("'" + value + "' is not a byte count; expected e.g. 268435456, 256m or 1g");
      }
    }
  }
}
