package org.mcposterior.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.evaluation.CoveragePoint;
import org.mcposterior.evaluation.Histogram;
import org.mcposterior.evaluation.HistogramAccumulator;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;

/**
 * The page of one scoring run, made from its output folder (and, for labels, resampling and the
 * deterministic comparison, from the pool and model its summary names).
 *
 * <p>Nothing proportional to the pool reaches the driver: the score distributions are binned by a
 * Spark aggregate of {@link HistogramAccumulator}s on the executors (after a min/max aggregate
 * picks the ranges), the labelled statistics (calibration of the MC mean and of the deterministic
 * network, accuracy against coverage) are one join and one aggregate of {@link LabeledPartial}s,
 * and only the top-k table's rows and the first picks' samples are collected. The posterior
 * histograms of the picks come from the run's {@code samples} column when it wrote one, else they
 * are resampled for just those examples with the run's seed and settings: masks are keyed by
 * (seed, example, iteration, layer), so these are the run's own samples (to float rounding).
 *
 * <p>This class checks the inputs and runs the phases in order; each phase's work is its own type:
 * {@link RunInputs} (the run's summary, pool and labels), {@link PoolStatistics} (the aggregates),
 * {@link PickSamples} (the picks' samples and inputs) and {@link ReportPage} (the page).
 */
public final class ReportJob {
  /** The score columns of a scoring run, in order ({@link org.mcposterior.heuristics.Heuristic#scoreColumns()}). */
  static final List<String> SCORES = org.mcposterior.heuristics.Heuristic.scoreColumns();

  private ReportJob() {}

  /** What a report run made. */
  public record Result(Path out, double seconds, long scored, Calibration mc, Calibration deterministic,
      double picksAccuracy, Map<String, Double> timings) {}

  /** The run a score output describes: its summary and its settings. */
  record Run(Map<String, Object> summary, ScoreSettings settings) {}

  /**
   * Checks everything that can be checked before any work: the report path, that {@code scores}
   * is a complete score output, and (with a label column) that the pool has that column as
   * integers in the classes' range. Returns the run.
   */
  static Run check(SparkSession spark, ReportSettings r) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, Object> summary = RunInputs.readSummary(r.scores(), hadoop);
    ScoreSettings s = settingsOf(summary, r.scores());
    java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
    inputs.put("--scores", r.scores());
    inputs.put("the run's --model", s.model());
    inputs.put("the run's --pool", s.pool());
    inputs.put("the run's --target", s.target());
    ReportFile.checkOutside(Path.of(r.out()), inputs);
    ReportFile.check(Path.of(r.out()), r.overwrite()); // after checkOutside: an input is named as such
    return new Run(summary, s);
  }

  /**
   * Makes the report page of one score run, phase by phase (each timed for the page's closing
   * line): the checks, the score ranges and distributions, the top picks (with labels, the
   * statistics against them), the first picks' samples, and the page, written atomically.
   */
  public static Result run(SparkSession spark, ReportSettings r) throws IOException {
    Phases phases = new Phases();
    Run run = check(spark, r);
    ScoreSettings s = run.settings();
    phases.end("checks");
    Dataset<Row> scores = spark.read().parquet(child(r.scores(), "scores"));
    String id = scores.schema().fieldNames()[0];
    Map<?, ?> output = run.summary().get("output") instanceof Map<?, ?> o ? o : Map.of();
    // Runs from before output kinds scored every output as classes.
    OutputKind kind = output.get("kind") == null ? OutputKind.CLASSES : OutputKind.byName(output.get("kind").toString());
    Dataset<Row> pool = r.labelColumn() == null ? null : labelledPool(spark, r, s, kind);

    // 1. Score distributions: ranges, then bins, both aggregates on the executors.
    Ranges ranges = ranges(scores);
    phases.end("ranges");
    Histogram[] dist = PoolStatistics.distributions(scores, ranges.ranges(), r.bins());
    phases.end("distributions");

    // 2. The top picks, and with labels the statistics against them.
    Dataset<Row> topAll = spark.read().parquet(child(r.scores(), "top_k"));
    List<Row> top = topAll.orderBy(col("rank")).limit(Math.max(r.tableRows(), r.picks())).collectAsList();
    Labelled labelled = pool == null ? Labelled.NONE
        : labelled(spark, r, s, pool, scores, id, new Top(topAll, top), ranges.ranges());
    phases.end(pool != null ? "top_k_and_labels" : "top_k");

    // 3. Posterior samples of the first picks, and their images.
    Picks picks = picks(spark, r, s, scores, id, top);
    phases.end("picks");

    // 4. The page.
    ReportPage.Content content = new ReportPage.Content(ranges.scored(), dist, new Top(topAll, top), labelled, picks,
        new ReportPage.Output(kind, intArray(output.get("shape")), intArray(output.get("scored_shape"))));
    String html = ReportPage.render(r, s, run.summary(), id, pool != null, content,
        new ReportPage.Closing(phases.t0, phases.timings, spark.sparkContext().master()));
    ReportFile.write(Path.of(r.out()), html, r.overwrite());
    phases.end("page");
    return new Result(Path.of(r.out()).toAbsolutePath(), (System.nanoTime() - phases.t0) / 1e9, ranges.scored(),
        labelled.mc(), labelled.deterministic(), labelled.picksAccuracy(), Map.copyOf(phases.timings));
  }

  /** The report's phases and how long each took, in the order they ran. */
  private static final class Phases {
    final long t0 = System.nanoTime();
    final Map<String, Double> timings = new LinkedHashMap<>();
    private long lap = t0;

    /** Ends the phase running now, naming it. */
    void end(String name) {
      long now = System.nanoTime();
      timings.put(name, (now - lap) / 1e9);
      lap = now;
    }
  }

  /**
   * The run's pool, for a report with {@code --label-col}: refused for an output kind with no single
   * predicted class, and checked to hold integer labels in the classes' range.
   */
  private static Dataset<Row> labelledPool(SparkSession spark, ReportSettings r, ScoreSettings s, OutputKind kind) {
    if (!kind.hasOnePrediction()) {
      throw new ReportInputException("--label-col " + r.labelColumn() + " gives one class label per example, but the"
          + " run's output kind is " + kind.label() + " (no single predicted class to compare it with); expected a"
          + " run of a classes or binary output. Fix: leave out --label-col for this run");
    }
    int classes = ((List<?>) spark.read().parquet(child(r.scores(), "top_k")).select("probabilities").first()
        .getList(0)).size();
    Dataset<Row> pool = RunInputs.rawPool(spark, s);
    RunInputs.checkLabels(pool, s, r.labelColumn(), classes);
    return pool;
  }

  /** How many examples were scored, and each score's histogram range ({@link #SCORES} order). */
  private record Ranges(long scored, double[][] ranges) {}

  /** One min/max/count aggregate over the scores, on the executors. */
  private static Ranges ranges(Dataset<Row> scores) {
    List<Column> aggs = new ArrayList<>();
    for (String c : SCORES) {
      aggs.add(min(col(c)));
      aggs.add(max(col(c)));
    }
    aggs.add(count(lit(1)));
    Row mm = scores.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    long scored = mm.getLong(2 * SCORES.size());
    double[][] ranges = new double[SCORES.size()][];
    for (int i = 0; i < SCORES.size(); i++) {
      ranges[i] = Histogram.range(mm.isNullAt(2 * i) ? Double.NaN : mm.getDouble(2 * i),
          mm.isNullAt(2 * i + 1) ? Double.NaN : mm.getDouble(2 * i + 1));
    }
    return new Ranges(scored, ranges);
  }

  /** What the labels say: the shown picks' labels, the picks' accuracy, calibration and coverage curves. */
  /** The run's whole top-k output ({@code all}) and its first rows in rank order. */
  record Top(Dataset<Row> all, List<Row> first) {}

  record Labelled(Map<String, Integer> topLabels, double picksAccuracy, Calibration mc,
      Calibration deterministic, List<CoveragePoint> coverageByEntropy, List<CoveragePoint> coverageByBald) {
    /** A report without labels. */
    static final Labelled NONE = new Labelled(Map.of(), Double.NaN, null, null, List.of(), List.of());
  }

  /**
   * The statistics against the labels: the accuracy of all top-k picks and the labels of the shown
   * ones (one join, one aggregate), and the pool's calibration and coverage ({@link PoolStatistics}).
   */
  private static Labelled labelled(SparkSession spark, ReportSettings r, ScoreSettings s, Dataset<Row> pool,
      Dataset<Row> scores, String id, Top picked, double[][] ranges) {
    Dataset<Row> topAll = picked.all();
    List<Row> top = picked.first();
    Dataset<Row> labels = pool.select(col(s.scorer().idColumn()).cast("string").as("__k"), col(r.labelColumn()).cast("int").as("__y"))
        .filter(col("__y").isNotNull());
    Row acc = topAll.select(col(id).cast("string").as("__t"), col("predicted_class"))
        .join(labels, col("__t").equalTo(col("__k")))
        .agg(count(lit(1)), sum(when(col("predicted_class").equalTo(col("__y")), 1).otherwise(0))).first();
    double picksAccuracy = acc.getLong(0) == 0 ? Double.NaN : (double) acc.getLong(1) / acc.getLong(0);
    List<String> keys = new ArrayList<>();
    for (Row t : top) {
      keys.add(String.valueOf(t.get(1)));
    }
    Map<String, Integer> topLabels = new HashMap<>();
    for (Row l : labels.filter(col("__k").isin(keys.toArray())).collectAsList()) {
      topLabels.put(l.getString(0), l.getInt(1));
    }
    LabeledPartial lp = PoolStatistics.labeled(spark, s, pool, scores, id, r, ranges[1], ranges[0]);
    return new Labelled(topLabels, picksAccuracy, lp.mc.result(), lp.deterministic.result(), lp.entropy.result(),
        lp.bald.result());
  }

  /** The first picks: their keys, their inputs (for images), their posterior samples and where those came from. */
  record Picks(List<String> keys, List<Integer> imageShape, Map<String, float[]> features,
      Map<String, float[][]> samples, String source) {}

  /**
   * The first {@code --picks} picks' samples: the run's written {@code samples} column when it has
   * one, else resampled with the run's keyed masks; their features when they are drawn as images or
   * needed to resample.
   */
  private static Picks picks(SparkSession spark, ReportSettings r, ScoreSettings s, Dataset<Row> scores, String id,
      List<Row> top) {
    int picks = Math.min(r.picks(), top.size());
    List<String> pickKeys = new ArrayList<>();
    for (int i = 0; i < picks; i++) {
      pickKeys.add(String.valueOf(top.get(i).get(1)));
    }
    List<Integer> imageShape = !r.inputShape().isEmpty() ? r.inputShape()
        : s.scorer().inputShape().size() == 2 || s.scorer().inputShape().size() == 3 ? s.scorer().inputShape() : List.of();
    boolean hasSamples = Arrays.asList(scores.schema().fieldNames()).contains("samples");
    Map<String, float[]> features = picks == 0 || (hasSamples && imageShape.isEmpty()) ? Map.of()
        : PickSamples.pickFeatures(spark, s, pickKeys);
    Map<String, float[][]> pickSamples = picks == 0 ? Map.of()
        : hasSamples ? PickSamples.writtenSamples(scores, id, pickKeys) : PickSamples.resample(spark, s, pickKeys, features);
    String source = picks == 0 ? "" : hasSamples ? "the run's --write-samples output"
        : "resampled for these examples with the run's seed and settings (keyed masks: the run's own samples)";
    return new Picks(pickKeys, imageShape, features, pickSamples, source);
  }

  /** The run's settings, read back from its summary by their declarations (validated again by {@link ScoreSettings}). */
  static ScoreSettings settingsOf(Map<String, Object> summary, String scores) {
    try {
      if (!(summary.get("settings") instanceof Map<?, ?> m)) {
        throw new JobSettingsException("it has no settings block");
      }
      return ScoreSettings.fromMap(m);
    } catch (RuntimeException e) {
      throw new ReportInputException("--scores " + scores + "/summary.json does not hold a score run's settings ("
          + e.getMessage() + "); expected the summary.json a score run writes", e);
    }
  }

  private static int[] intArray(Object v) {
    if (!(v instanceof List<?> l)) {
      return new int[0];
    }
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ((Number) l.get(i)).intValue();
    }
    return a;
  }

  private static String child(String dir, String name) {
    return new org.apache.hadoop.fs.Path(dir, name).toString();
  }
}
