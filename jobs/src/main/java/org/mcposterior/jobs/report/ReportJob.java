package org.mcposterior.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.evaluation.CoveragePoint;
import org.mcposterior.evaluation.Histogram;
import org.mcposterior.evaluation.HistogramAccumulator;
import org.mcposterior.jobs.score.InvalidSettingsException;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.jobs.score.ScoringParts;
import org.mcposterior.models.InputShapes;
import org.mcposterior.models.Network;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.OutputShape;
import org.mcposterior.stats.Probabilities;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 */
public final class ReportJob {
  static final List<String> SCORES = List.of("bald", "entropy", "variance", "margin", "certainty");
  private static final int COVERAGE_BINS = 200;
  private static final int BATCH = 256;

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
    ReportFile.check(Path.of(r.out()), r.overwrite());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, Object> summary = readSummary(r.scores(), hadoop);
    ScoreSettings s = settingsOf(summary, r.scores());
    java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
    inputs.put("--scores", r.scores());
    inputs.put("the run's --model", s.model());
    inputs.put("the run's --pool", s.pool());
    inputs.put("the run's --target", s.target());
    ReportFile.checkOutside(Path.of(r.out()), inputs);
    return new Run(summary, s);
  }

  public static Result run(SparkSession spark, ReportSettings r) throws IOException {
    long t0 = System.nanoTime();
    Map<String, Double> timings = new LinkedHashMap<>();
    long[] lap = {t0};
    java.util.function.Consumer<String> phase = name -> {
      long now = System.nanoTime();
      timings.put(name, (now - lap[0]) / 1e9);
      lap[0] = now;
    };
    Run run = check(spark, r);
    ScoreSettings s = run.settings();
    phase.accept("checks");
    Dataset<Row> scores = spark.read().parquet(child(r.scores(), "scores"));
    String id = scores.schema().fieldNames()[0];
    Dataset<Row> pool = null;
    int classes = ((List<?>) spark.read().parquet(child(r.scores(), "top_k")).select("probabilities").first().getList(0))
        .size();
    if (r.labelColumn() != null) {
      pool = rawPool(spark, s);
      checkLabels(pool, s, r.labelColumn(), classes);
    }

    // 1. Score distributions: ranges, then bins, both aggregates on the executors.
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
    phase.accept("ranges");
    Histogram[] dist = distributions(scores, ranges, r.bins());
    phase.accept("distributions");

    // 2. The top picks.
    Dataset<Row> topAll = spark.read().parquet(child(r.scores(), "top_k"));
    List<Row> top = topAll.orderBy(col("rank")).limit(Math.max(r.tableRows(), r.picks())).collectAsList();
    Map<String, Integer> topLabels = new HashMap<>();
    double picksAccuracy = Double.NaN;
    Calibration mcCal = null;
    Calibration detCal = null;
    List<CoveragePoint> covEntropy = List.of();
    List<CoveragePoint> covBald = List.of();
    if (pool != null) {
      Dataset<Row> labels = pool.select(col(s.idColumn()).cast("string").as("__k"), col(r.labelColumn()).cast("int").as("__y"))
          .filter(col("__y").isNotNull());
      Row acc = topAll.select(col(id).cast("string").as("__t"), col("predicted_class"))
          .join(labels, col("__t").equalTo(col("__k")))
          .agg(count(lit(1)), sum(when(col("predicted_class").equalTo(col("__y")), 1).otherwise(0))).first();
      picksAccuracy = acc.getLong(0) == 0 ? Double.NaN : (double) acc.getLong(1) / acc.getLong(0);
      List<String> keys = new ArrayList<>();
      for (Row t : top) {
        keys.add(String.valueOf(t.get(1)));
      }
      for (Row l : labels.filter(col("__k").isin(keys.toArray())).collectAsList()) {
        topLabels.put(l.getString(0), l.getInt(1));
      }
      LabeledPartial lp = labeled(spark, s, pool, scores, id, r, ranges[1], ranges[0]);
      mcCal = lp.mc.result();
      detCal = lp.deterministic.result();
      covEntropy = lp.entropy.result();
      covBald = lp.bald.result();
    }

    phase.accept(pool != null ? "top_k_and_labels" : "top_k");
    // 3. Posterior samples of the first picks, and their images.
    int picks = Math.min(r.picks(), top.size());
    List<String> pickKeys = new ArrayList<>();
    for (int i = 0; i < picks; i++) {
      pickKeys.add(String.valueOf(top.get(i).get(1)));
    }
    List<Integer> imageShape = !r.inputShape().isEmpty() ? r.inputShape()
        : s.inputShape().size() == 2 || s.inputShape().size() == 3 ? s.inputShape() : List.of();
    boolean hasSamples = Arrays.asList(scores.schema().fieldNames()).contains("samples");
    Map<String, float[]> features = picks == 0 || (hasSamples && imageShape.isEmpty()) ? Map.of()
        : pickFeatures(spark, s, pickKeys);
    Map<String, float[][]> pickSamples = picks == 0 ? Map.of()
        : hasSamples ? writtenSamples(scores, id, pickKeys) : resample(spark, s, pickKeys, features);
    String source = picks == 0 ? "" : hasSamples ? "the run's --write-samples output"
        : "resampled for these examples with the run's seed and settings (keyed masks: the run's own samples)";

    phase.accept("picks");
    // 4. The page.
    HtmlPage page = new HtmlPage("mcposterior report: " + r.scores());
    page.heading("Run");
    page.keyValues(runSummary(run.summary()));
    page.heading("Scores over the whole pool (" + scored + " examples)");
    page.paragraph("Each score binned into " + r.bins() + " equal-width bins by a Spark aggregate on the executors.");
    List<Chart> distCharts = new ArrayList<>();
    for (int i = 0; i < SCORES.size(); i++) {
      distCharts.add(new HistogramChart(SCORES.get(i), SCORES.get(i), dist[i], Double.NaN));
    }
    page.charts(distCharts);
    if (mcCal != null) {
      page.heading("Against the labels (" + r.labelColumn() + ")");
      page.table(List.of("", "examples", "accuracy", "ECE", "NLL (nats)"), List.of(
          List.of("MC mean (" + s.iterations() + " iterations)", Long.toString(mcCal.count()), pct(mcCal.accuracy()),
              fmt(mcCal.ece()), fmt(mcCal.nll())),
          List.of("deterministic network", Long.toString(detCal.count()), pct(detCal.accuracy()), fmt(detCal.ece()),
              fmt(detCal.nll())),
          List.of("top " + topAll.count() + " picks by " + s.heuristic(), "", pct(picksAccuracy), "", "")));
      page.charts(List.of(
          new BarChart("accuracy: pool vs picks", "accuracy", List.of("pool (MC)", "pool (deterministic)", "picks"),
              new double[] {mcCal.accuracy(), detCal.accuracy(), picksAccuracy}),
          new ReliabilityChart("reliability (" + mcCal.bins().size() + " bins)", List.of(
              new ReliabilityChart.Entry("MC mean", mcCal), new ReliabilityChart.Entry("deterministic", detCal))),
          new LineChart("accuracy vs coverage (most uncertain set aside)", "coverage", "accuracy", List.of(
              curve("by entropy", covEntropy), curve("by BALD", covBald)))));
    }
    page.heading("Top picks by " + s.heuristic());
    List<String> header = new ArrayList<>(List.of("rank", id, "priority", "predicted", "bald", "entropy", "variance",
        "margin", "certainty"));
    if (pool != null) {
      header.add("label");
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(r.tableRows(), top.size()); i++) {
      Row t = top.get(i);
      List<String> cells = new ArrayList<>(List.of(String.valueOf(t.get(0)), String.valueOf(t.get(1)),
          fmt(t.getDouble(t.fieldIndex("priority"))), String.valueOf(t.get(t.fieldIndex("predicted_class")))));
      for (String c : SCORES) {
        cells.add(fmt(t.getDouble(t.fieldIndex(c))));
      }
      if (pool != null) {
        Integer y = topLabels.get(String.valueOf(t.get(1)));
        cells.add(y == null ? "" : y + (y == t.getInt(t.fieldIndex("predicted_class")) ? "" : " (wrong)"));
      }
      rows.add(cells);
    }
    page.table(header, rows);
    if (picks > 0) {
      page.heading("Posterior of the first " + picks + " picks");
      page.paragraph("Histograms (" + r.bins() + " bins) of the " + s.iterations() + " posterior samples of each pick's"
          + " two most probable classes, " + source + "; the dashed line is the mean.");
      for (int i = 0; i < picks; i++) {
        String k = pickKeys.get(i);
        float[][] smp = pickSamples.get(k);
        page.subheading("#" + (i + 1) + " " + k + (topLabels.containsKey(k) ? " (label " + topLabels.get(k) + ")" : ""));
        page.row();
        if (!imageShape.isEmpty() && features.containsKey(k)) {
          int c = imageShape.size() == 3 ? imageShape.get(0) : 1;
          int h = imageShape.get(imageShape.size() - 2);
          int w = imageShape.get(imageShape.size() - 1);
          page.image(Images.png(features.get(k), c, h, w), Math.max(84, 3 * w), "input " + k);
        }
        if (smp != null) {
          for (int cls : topClasses(smp, 2)) {
            double[] v = new double[smp[cls].length];
            double mean = 0;
            for (int t = 0; t < v.length; t++) {
              v[t] = smp[cls][t];
              mean += v[t];
            }
            page.figureChart(new HistogramChart(k + ": class " + cls, "p(class " + cls + ")",
                Histogram.of(v, r.bins()), mean / v.length), "class " + cls);
          }
        }
        page.endRow();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    StringBuilder phases = new StringBuilder();
    timings.forEach((k, v) -> phases.append(phases.length() == 0 ? "" : ", ").append(k)
        .append(String.format(Locale.ROOT, " %.1f s", v)));
    page.paragraph(String.format(Locale.ROOT, "Report made in %.1f s (%s) by mcposterior report on %s.", seconds,
        phases, spark.sparkContext().master()));
    ReportFile.write(Path.of(r.out()), page.render(), r.overwrite());
    phase.accept("page");
    return new Result(Path.of(r.out()).toAbsolutePath(), (System.nanoTime() - t0) / 1e9, scored, mcCal, detCal,
        picksAccuracy, Map.copyOf(timings));
  }

  private static LineChart.Series curve(String name, List<CoveragePoint> c) {
    double[] x = new double[c.size()];
    double[] y = new double[c.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = c.get(i).coverage();
      y[i] = c.get(i).accuracy();
    }
    return LineChart.Series.of(name, x, y);
  }

  /** Indices of the {@code k} classes with the largest mean sample, largest first. */
  static int[] topClasses(float[][] samples, int k) {
    Integer[] order = new Integer[samples.length];
    double[] mean = new double[samples.length];
    for (int c = 0; c < samples.length; c++) {
      order[c] = c;
      for (float v : samples[c]) {
        mean[c] += v;
      }
    }
    Arrays.sort(order, (a, b) -> Double.compare(mean[b], mean[a]) != 0 ? Double.compare(mean[b], mean[a]) : a - b);
    int[] out = new int[Math.min(k, samples.length)];
    for (int i = 0; i < out.length; i++) {
      out[i] = order[i];
    }
    return out;
  }

  private static Histogram[] distributions(Dataset<Row> scores, double[][] ranges, int bins) {
    int n = SCORES.size();
    HistogramAccumulator[] zero = new HistogramAccumulator[n];
    for (int i = 0; i < n; i++) {
      zero[i] = new HistogramAccumulator(bins, ranges[i][0], ranges[i][1]);
    }
    JavaRDD<Row> rows = scores.select(SCORES.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
        .javaRDD();
    HistogramAccumulator[] h = rows.treeAggregate(zero, (acc, row) -> {
      for (int i = 0; i < n; i++) {
        acc[i].add(row.getDouble(i));
      }
      return acc;
    }, (a, b) -> {
      for (int i = 0; i < n; i++) {
        a[i].combine(b[i]);
      }
      return a;
    });
    Histogram[] out = new Histogram[n];
    for (int i = 0; i < n; i++) {
      out[i] = h[i].result();
    }
    return out;
  }

  /** The labelled statistics: one join of pool and scores, one aggregate; the deterministic network runs in the tasks. */
  private static LabeledPartial labeled(SparkSession spark, ScoreSettings s, Dataset<Row> pool, Dataset<Row> scores,
      String id, ReportSettings r, double[] entropyRange, double[] baldRange) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    byte[] model = ScoringParts.readModel(s.model(), hadoop);
    Network net = Network.fromBytes(model, s.model());
    int[] shape = InputShapes.expected(net, s.inputShape().stream().mapToInt(Integer::intValue).toArray());
    Broadcast<byte[]> bytes = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
    Probabilities conversion = s.probabilities();
    Dataset<Row> joined = pool.select(col(s.idColumn()).cast("string").as("__k"), featuresColumn(pool.schema(), s).as("__x"),
            col(r.labelColumn()).cast("int").as("__y"))
        .filter(col("__y").isNotNull())
        .join(scores.select(col(id).cast("string").as("__k"), col("probabilities"), col("entropy"), col("bald")), "__k")
        .select(col("__k"), col("__x"), col("__y"), col("probabilities"), col("entropy"), col("bald"));
    int bins = Calibration.DEFAULT_BINS;
    String source = s.model();
    LabeledPartial zero = new LabeledPartial(bins, entropyRange, baldRange, COVERAGE_BINS);
    return joined.queryExecution().toRdd().toJavaRDD().mapPartitions(it -> {
      LabeledPartial part = new LabeledPartial(bins, entropyRange, baldRange, COVERAGE_BINS);
      Network det = null;
      List<float[]> xs = new ArrayList<>(BATCH);
      List<Integer> ys = new ArrayList<>(BATCH);
      while (it.hasNext()) {
        org.apache.spark.sql.catalyst.InternalRow row = it.next();
        float[] x = row.getArray(1).toFloatArray();
        int y = row.getInt(2);
        double[] p = row.getArray(3).toDoubleArray();
        part.mc.add(p, y);
        int predicted = argmax(p);
        part.entropy.add(row.getDouble(4), predicted == y);
        part.bald.add(row.getDouble(5), predicted == y);
        xs.add(x);
        ys.add(y);
        if (xs.size() == BATCH || !it.hasNext()) {
          if (det == null) {
            det = Network.fromBytes(bytes.value(), source);
          }
          deterministic(det, shape, conversion, xs, ys, part);
          xs.clear();
          ys.clear();
        }
      }
      return List.of(part).iterator();
    }).fold(zero, LabeledPartial::combine);
  }

  private static int argmax(double[] p) {
    int a = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[a]) {
        a = k;
      }
    }
    return a;
  }

  /** DL4J's own deterministic output of a batch, as probabilities the way the run converts its samples. */
  private static void deterministic(Network net, int[] shape, Probabilities conversion, List<float[]> xs, List<Integer> ys,
      LabeledPartial part) {
    int n = xs.size();
    int len = xs.get(0).length;
    float[] flat = new float[n * len];
    for (int i = 0; i < n; i++) {
      System.arraycopy(xs.get(i), 0, flat, i * len, len);
    }
    long[] dims = new long[shape.length + 1];
    dims[0] = n;
    for (int d = 0; d < shape.length; d++) {
      dims[d + 1] = shape[d];
    }
    INDArray out = net.output(Nd4j.create(flat, dims, 'c'))[0];
    int c = (int) (out.length() / n);
    Samples smp = Samples.of(out.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat(), n, c, 1);
    if (c == 1) {
      smp = smp.asTwoClasses();
      c = 2;
    }
    float[] v = smp.toFloatArray();
    OutputShape os = OutputShape.of(c);
    for (int i = 0; i < n; i++) {
      conversion.apply(v, i * c, os, 1, i, null);
      double[] p = new double[c];
      for (int k = 0; k < c; k++) {
        p[k] = v[i * c + k];
      }
      part.deterministic.add(p, ys.get(i));
    }
  }

  static Map<String, float[][]> writtenSamples(Dataset<Row> scores, String id, List<String> keys) {
    Map<String, float[][]> out = new HashMap<>();
    for (Row r : scores.filter(col(id).cast("string").isin(keys.toArray())).select(col(id).cast("string"),
        org.apache.spark.sql.functions.size(col("samples")), org.apache.spark.sql.functions.flatten(col("samples")))
        .collectAsList()) {
      int outputs = r.getInt(1);
      List<Float> flat = r.getList(2);
      int t = flat.size() / outputs;
      float[][] a = new float[outputs][t];
      for (int o = 0; o < outputs; o++) {
        for (int k = 0; k < t; k++) {
          a[o][k] = flat.get(o * t + k);
        }
      }
      out.put(r.getString(0), a);
    }
    return out;
  }

  /** The picks' samples drawn again, in the driver, with the run's seed, masks and settings. */
  static Map<String, float[][]> resample(SparkSession spark, ScoreSettings s, List<String> keys,
      Map<String, float[]> features) {
    Network net = Network.fromBytes(ScoringParts.readModel(s.model(), spark.sparkContext().hadoopConfiguration()),
        s.model());
    int[] shape = InputShapes.expected(net, s.inputShape().stream().mapToInt(Integer::intValue).toArray());
    List<String> present = new ArrayList<>();
    for (String k : keys) {
      if (features.containsKey(k)) {
        present.add(k);
      }
    }
    if (present.isEmpty()) {
      return Map.of();
    }
    int len = features.get(present.get(0)).length;
    float[] x = new float[present.size() * len];
    long[] ek = new long[present.size()];
    for (int i = 0; i < present.size(); i++) {
      System.arraycopy(features.get(present.get(i)), 0, x, i * len, len);
      ek[i] = KeyedRandom.exampleKey(present.get(i));
    }
    Samples smp;
    try (PosteriorSampler sampler = PosteriorSampler.of(ScoringParts.stochastic(net, s), s.samplerConfig())) {
      smp = sampler.predictOnBatch(new float[][] {x}, new int[][] {shape}, ek, 0, s.iterations()).get(0);
    }
    if (smp.outputShape()[0] == 1) {
      smp = smp.asTwoClasses();
    }
    Map<String, float[][]> out = new HashMap<>();
    int outputs = smp.outputSize();
    int t = smp.iterations();
    float[] all = smp.toFloatArray();
    for (int i = 0; i < present.size(); i++) {
      float[][] a = new float[outputs][t];
      for (int o = 0; o < outputs; o++) {
        System.arraycopy(all, (i * outputs + o) * t, a[o], 0, t);
      }
      out.put(present.get(i), a);
    }
    return out;
  }

  /** The features of just the picked examples, read from the run's pool. */
  static Map<String, float[]> pickFeatures(SparkSession spark, ScoreSettings s, List<String> keys) {
    Dataset<Row> pool = rawPool(spark, s);
    Map<String, float[]> out = new HashMap<>();
    for (Row r : pool.select(col(s.idColumn()).cast("string").as("__k"), featuresColumn(pool.schema(), s).as("__x"))
        .filter(col("__k").isin(keys.toArray())).collectAsList()) {
      List<Float> l = r.getList(1);
      if (l == null) {
        continue;
      }
      float[] f = new float[l.size()];
      for (int i = 0; i < f.length; i++) {
        Float v = l.get(i);
        f[i] = v == null ? Float.NaN : v;
      }
      out.put(r.getString(0), f);
    }
    return out;
  }

  /** The run's pool as Spark reads it, checked to exist. */
  static Dataset<Row> rawPool(SparkSession spark, ScoreSettings s) {
    try {
      var reader = spark.read().format(s.format());
      if (s.format().equals("csv")) {
        reader = reader.option("header", "true").option("inferSchema", "true");
      }
      return reader.load(s.pool());
    } catch (Exception e) {
      throw new ReportInputException("the run's pool " + s.pool() + " (from its summary.json) cannot be read as "
          + s.format() + ": " + firstLine(e.getMessage()) + "; the report reads the pool for labels, images and"
          + " resampling: run the report where the pool is reachable at that path", e);
    }
  }

  /** The features column exactly as the run read it ({@code --features-col} or {@code --feature-cols}) as {@code array<float>}. */
  static Column featuresColumn(StructType schema, ScoreSettings s) {
    if (s.featuresColumn() != null) {
      StructField f = schema.apply(s.featuresColumn());
      DataType t = f.dataType();
      if (t instanceof ArrayType) {
        return col(f.name()).cast("array<float>");
      }
      return org.apache.spark.ml.functions.vector_to_array(col(f.name()), "float32");
    }
    return org.apache.spark.sql.functions.array(s.featureColumns().stream().map(c -> col(c).cast("float"))
        .toArray(Column[]::new));
  }

  private static void checkLabels(Dataset<Row> pool, ScoreSettings s, String label, int classes) {
    StructType schema = pool.schema();
    if (!Arrays.asList(schema.fieldNames()).contains(label)) {
      throw new ReportInputException("the pool " + s.pool() + " has no label column '" + label + "' (--label-col); its"
          + " columns are " + Arrays.toString(schema.fieldNames()) + "; name the column holding each example's class,"
          + " or leave out --label-col for a report without labels");
    }
    DataType t = schema.apply(label).dataType();
    if (!(t instanceof IntegralType)) {
      throw new ReportInputException("the pool's label column '" + label + "' has type " + t.simpleString()
          + "; --label-col expects integer class indices 0 to " + (classes - 1));
    }
    Row mm = pool.agg(min(col(label)), max(col(label)), count(col(label))).first();
    if (mm.getLong(2) == 0) {
      throw new ReportInputException("the pool's label column '" + label + "' holds no labels (every value is null);"
          + " label some examples or leave out --label-col");
    }
    long lo = ((Number) mm.get(0)).longValue();
    long hi = ((Number) mm.get(1)).longValue();
    if (lo < 0 || hi >= classes) {
      throw new ReportInputException("the pool's label column '" + label + "' holds values from " + lo + " to " + hi
          + ", but the model has " + classes + " classes; expected class indices 0 to " + (classes - 1));
    }
  }

  private static Map<String, Object> runSummary(Map<String, Object> summary) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<?, ?> settings = (Map<?, ?>) summary.get("settings");
    m.put("model", settings.get("model"));
    m.put("model fingerprint", summary.get("model_fingerprint"));
    m.put("pool", settings.get("pool") + " (" + settings.get("format") + ")");
    m.put("seed", summary.get("seed"));
    m.put("heuristic / top-k", settings.get("heuristic") + " / " + settings.get("top_k"));
    m.put("iterations / masks", settings.get("iterations") + " / " + settings.get("mode"));
    m.put("dropout / dropconnect", (settings.get("dropout") == null ? "each layer's own" : settings.get("dropout"))
        + " / " + (settings.get("dropconnect") == null ? "off" : settings.get("dropconnect") + " on "
        + settings.get("dropconnect_layers")));
    m.put("counts", summary.get("counts"));
    m.put("plan", summary.get("plan"));
    m.put("timings (s)", summary.get("timings"));
    Object eps = summary.get("example_iterations_per_second");
    m.put("throughput", eps instanceof Number n ? String.format(Locale.ROOT, "%,.0f example-iterations/s", n.doubleValue())
        : String.valueOf(eps));
    m.put("spark", summary.get("spark"));
    m.put("all settings", settings);
    return m;
  }

  static Map<String, Object> readSummary(String scores, Configuration hadoop) {
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(scores);
      FileSystem fs = dir.getFileSystem(hadoop);
      if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
        throw new ReportInputException("--scores " + scores + " is not a folder; expected the --out folder of a score"
            + " run (it holds scores/, top_k/ and summary.json)");
      }
      org.apache.hadoop.fs.Path sum = new org.apache.hadoop.fs.Path(dir, "summary.json");
      for (String part : List.of("summary.json", "scores", "top_k")) {
        if (!fs.exists(new org.apache.hadoop.fs.Path(dir, part))) {
          throw new ReportInputException("--scores " + scores + " is not a score output: it has no " + part
              + "; expected the --out folder of a finished score run (scores/, top_k/ and summary.json)");
        }
      }
      Map<String, Object> m;
      try (InputStream in = fs.open(sum)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> read = new ObjectMapper().readValue(in, Map.class);
        m = read;
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new ReportInputException("--scores " + scores + "/summary.json is not a score run summary (not JSON: "
            + firstLine(e.getOriginalMessage()) + "); expected the summary.json a score run writes", e);
      }
      if (!"succeeded".equals(m.get("status")) || !(m.get("settings") instanceof Map)) {
        throw new ReportInputException("--scores " + scores + "/summary.json is not the summary of a finished score"
            + " run (no status \"succeeded\" and settings); expected the --out folder of a finished score run");
      }
      return m;
    } catch (IOException e) {
      throw new ReportInputException("cannot read --scores " + scores + ": " + e.getMessage(), e);
    }
  }

  /** The run's settings, rebuilt from its summary (validated again by {@link ScoreSettings}). */
  static ScoreSettings settingsOf(Map<String, Object> summary, String scores) {
    Map<?, ?> m = (Map<?, ?>) summary.get("settings");
    try {
      return new ScoreSettings(str(m, "model"), str(m, "pool"), str(m, "out"), str(m, "format"), str(m, "id_col"),
          str(m, "features_col"), strings(m.get("feature_cols")), ints(m.get("input_shape")), num(m, "iterations").intValue(),
          num(m, "seed").longValue(), MaskMode.parse(str(m, "mode")), str(m, "heuristic"), num(m, "top_k").intValue(),
          Boolean.TRUE.equals(m.get("write_samples")), false, num(m, "batch_size").intValue(),
          num(m, "memory_budget").longValue(), m.get("dropout") == null ? Double.NaN : num(m, "dropout").doubleValue(),
          m.get("dropconnect") == null ? Double.NaN : num(m, "dropconnect").doubleValue(),
          strings(m.get("dropconnect_layers")), Probabilities.valueOf(str(m, "probabilities").toUpperCase(Locale.ROOT)),
          "skip".equals(m.get("on_invalid")), num(m, "partitions").intValue(), num(m, "iteration_shards").intValue(),
          num(m, "candidates").intValue(), str(m, "target"), null);
    } catch (RuntimeException e) {
      throw new ReportInputException("--scores " + scores + "/summary.json does not hold a score run's settings ("
          + e.getMessage() + "); expected the summary.json a score run writes", e);
    }
  }

  private static String str(Map<?, ?> m, String k) {
    Object v = m.get(k);
    return v == null ? null : v.toString();
  }

  private static Number num(Map<?, ?> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Number n)) {
      throw new InvalidSettingsException("setting " + k + " is " + v + ", not a number");
    }
    return n;
  }

  private static List<String> strings(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        out.add(String.valueOf(o));
      }
    }
    return out;
  }

  private static List<Integer> ints(Object v) {
    List<Integer> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        out.add(((Number) o).intValue());
      }
    }
    return out;
  }

  private static String child(String dir, String name) {
    return new org.apache.hadoop.fs.Path(dir, name).toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}
