package org.mcposterior.jobs.sample;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.mcposterior.spark.InvalidInputException;
import org.mcposterior.spark.ValidatedPool;
import org.mcposterior.evaluation.Histogram;
import org.mcposterior.evaluation.PosteriorSummary;
import org.mcposterior.jobs.report.HistogramChart;
import org.mcposterior.jobs.report.HtmlPage;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.jobs.score.ScoringParts;
import org.mcposterior.jobs.score.SummaryPaths;
import org.mcposterior.models.InputShapes;
import org.mcposterior.models.Network;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.models.SequenceLayout;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.stats.Samples;

/**
 * Samples the posterior of a few inputs: {@code T} stochastic passes of each, keyed by the input's
 * id exactly as {@code score} keys it (so the samples of an id equal its {@code --write-samples}
 * samples in a score run with the same settings, to float rounding), and writes into {@code --out}
 * at once when complete: {@code samples/} (Parquet, one row per input: id, samples
 * {@code [outputs][T]}), {@code stats/} (Parquet: id, output, mean, sd, quantiles), {@code
 * summary.json} and {@code posterior.html} (a histogram of every output of every input).
 */
public final class SampleJob {
  private SampleJob() {}

  /** The inputs to sample: ids, flat features, per-example shape. */
  record Inputs(List<String> ids, float[] features, int[] shape) {}

  /** What a run produced: the samples {@code [N, outputs, T]} (held in memory: runs are small), the summary. */
  public record Result(List<String> ids, Samples samples, List<List<PosteriorSummary>> stats, Map<String, Object> summary) {}

  public static Result run(SparkSession spark, SampleSettings s) throws IOException {
    long t0 = System.nanoTime();
    ScorerSettings ss = s.scorer();
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
    inputs.put("--model", s.model());
    inputs.put("--input", s.input());
    try (ScoringParts.Output out = ScoringParts.prepareOutput(s.out(), s.overwrite(), inputs, hadoop, "sample")) {
      return run(spark, s, ss, hadoop, out, t0);
    }
  }

  /**
   * The run's steps, into the claimed output {@code out}: the network and the inputs (the
   * reference example's, or {@code --model} and {@code --input}), their samples, the summaries,
   * then the files; committed when all are written, aborted (nothing left in {@code --out}) on any
   * failure, which is rethrown.
   */
  private static Result run(SparkSession spark, SampleSettings s, ScorerSettings ss,
      org.apache.hadoop.conf.Configuration hadoop, ScoringParts.Output out, long t0) throws IOException {
    try {
      Network net = s.example() != null ? exampleNetwork(s) : Network.fromBytes(ScoringParts.readModel(s.model(), hadoop),
          s.model());
      Inputs in = s.example() != null ? exampleInputs(s) : modelInputs(spark, s, ss, net);
      Samples samples = sample(s, ss, net, in);
      double sampleSeconds = (System.nanoTime() - t0) / 1e9;
      List<List<PosteriorSummary>> stats = summaries(samples);
      writeSamples(spark, out, in.ids(), samples);
      writeStats(spark, out, in.ids(), stats);
      Map<String, Object> summary = summary(s, hadoop, net, in, samples, stats, sampleSeconds, t0);
      write(out, "summary.json", new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(summary));
      write(out, "posterior.html", page(s, in.ids(), samples, stats, net.fingerprint()));
      out.commit();
      return new Result(in.ids(), samples, stats, summary);
    } catch (Throwable e) {
      out.abort(e);
      throw e;
    }
  }

  /** The reference example's network ({@code --example}): its fixed weights. */
  private static Network exampleNetwork(SampleSettings s) {
    return Network.of(s.example().equals("mc-dropout") ? ReferenceNetworks.referenceMlp(SampleSettings.EXAMPLE_WEIGHTS_SEED)
        : ReferenceNetworks.referenceDropConnectCnn(SampleSettings.EXAMPLE_WEIGHTS_SEED));
  }

  /** The reference example's own inputs, with ids x0, x1, ... */
  private static Inputs exampleInputs(SampleSettings s) {
    boolean mlp = s.example().equals("mc-dropout");
    float[] x = mlp ? ReferenceNetworks.referenceMlpInput(SampleSettings.EXAMPLE_WEIGHTS_SEED)
        : ReferenceNetworks.referenceCnnInput();
    int[] shape = mlp ? new int[] {10} : new int[] {3, 10, 10};
    int n = x.length / (int) InputShapes.product(shape);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("x" + i);
    }
    return new Inputs(ids, x, shape);
  }

  /** The rows of {@code --input}, validated against the model's input shape. */
  private static Inputs modelInputs(SparkSession spark, SampleSettings s, ScorerSettings ss, Network net) {
    int[] shape = InputShapes.expected(net, ss.inputShape().stream().mapToInt(Integer::intValue).toArray());
    return readInputs(spark, ss, s, shape, InputShapes.indexBound(net), SequenceLayout.of(net, shape));
  }

  /**
   * The {@code T} posterior samples {@code [N, outputs, T]} of every input, keyed by its id as
   * {@code score} keys it; refused before sampling when they would not fit what sample holds.
   */
  private static Samples sample(SampleSettings s, ScorerSettings ss, Network net, Inputs in) {
    try (PosteriorSampler sampler = PosteriorSampler.of(ss.stochastic(net), ss.samplerConfig())) {
      int outSize = sampler.outputSize(new int[][] {in.shape()}, 0);
      long values = (long) in.ids().size() * outSize * s.iterations();
      if (values > s.maxValues()) {
        throw new JobSettingsException(in.ids().size() + " inputs x " + outSize
            + " outputs x " + s.iterations() + " iterations = " + values + " samples, more than sample holds ("
            + s.maxValues() + "); sample fewer inputs or iterations, or use score (with --write-samples) for pools");
      }
      long[] keys = new long[in.ids().size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = KeyedRandom.exampleKey(in.ids().get(i));
      }
      return sampler.predictOnBatch(new float[][] {in.features()}, new int[][] {in.shape()}, keys, 0, s.iterations())
          .get(0);
    }
  }

  /** The summary (mean, sd, quantiles) of each output of each input: {@code [input][output]}. */
  private static List<List<PosteriorSummary>> summaries(Samples samples) {
    int outputs = samples.outputSize();
    int t = samples.iterations();
    float[] all = samples.toFloatArray();
    List<List<PosteriorSummary>> stats = new ArrayList<>();
    for (int i = 0; i < samples.batchSize(); i++) {
      List<PosteriorSummary> per = new ArrayList<>();
      for (int o = 0; o < outputs; o++) {
        per.add(PosteriorSummary.of(all, (i * outputs + o) * t, t));
      }
      stats.add(per);
    }
    return stats;
  }

  /** {@code samples/}: one row per input, its id and its samples {@code [outputs][T]}. */
  private static void writeSamples(SparkSession spark, ScoringParts.Output out, List<String> ids, Samples samples) {
    int outputs = samples.outputSize();
    int t = samples.iterations();
    float[] all = samples.toFloatArray();
    List<Row> sampleRows = new ArrayList<>();
    for (int i = 0; i < samples.batchSize(); i++) {
      List<List<Float>> nested = new ArrayList<>();
      for (int o = 0; o < outputs; o++) {
        int off = (i * outputs + o) * t;
        List<Float> row = new ArrayList<>(t);
        for (int k = 0; k < t; k++) {
          row.add(all[off + k]);
        }
        nested.add(row);
      }
      sampleRows.add(RowFactory.create(ids.get(i), nested));
    }
    spark.createDataFrame(sampleRows, DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("samples", DataTypes.createArrayType(
            DataTypes.createArrayType(DataTypes.FloatType, false), false), false))))
        .coalesce(1).write().parquet(out.tmp("samples"));
  }

  /** {@code stats/}: one row per input and output, its mean, sd and quantiles. */
  private static void writeStats(SparkSession spark, ScoringParts.Output out, List<String> ids,
      List<List<PosteriorSummary>> stats) {
    List<Row> statRows = new ArrayList<>();
    for (int i = 0; i < stats.size(); i++) {
      for (int o = 0; o < stats.get(i).size(); o++) {
        PosteriorSummary ps = stats.get(i).get(o);
        statRows.add(RowFactory.create(ids.get(i), o, ps.mean(), ps.sd(), ps.q025(), ps.q25(), ps.median(),
            ps.q75(), ps.q975()));
      }
    }
    List<org.apache.spark.sql.types.StructField> statFields = new ArrayList<>();
    statFields.add(DataTypes.createStructField("id", DataTypes.StringType, false));
    statFields.add(DataTypes.createStructField("output", DataTypes.IntegerType, false));
    for (String c : List.of("mean", "sd", "q025", "q25", "median", "q75", "q975")) {
      statFields.add(DataTypes.createStructField(c, DataTypes.DoubleType, false));
    }
    spark.createDataFrame(statRows, DataTypes.createStructType(statFields)).coalesce(1).write()
        .parquet(out.tmp("stats"));
  }

  /** {@code summary.json}: the settings, the model, the shapes, every summary, the timings. */
  private static Map<String, Object> summary(SampleSettings s, org.apache.hadoop.conf.Configuration hadoop, Network net,
      Inputs in, Samples samples, List<List<PosteriorSummary>> stats, double sampleSeconds, long t0) {
    Map<String, Object> summary = new LinkedHashMap<>(org.mcposterior.spark.RunFormat.SUMMARY.header());
    summary.put("status", "succeeded");
    summary.put("settings", s.example() != null ? SummaryPaths.qualified(s.toMap(), hadoop, "out")
        : SummaryPaths.qualified(s.toMap(), hadoop, "model", "input", "out"));
    summary.put("model_fingerprint", net.fingerprint());
    summary.put("shape", samples.shape());
    summary.put("input_shape", in.shape());
    List<Map<String, Object>> statList = new ArrayList<>();
    for (int i = 0; i < stats.size(); i++) {
      for (int o = 0; o < stats.get(i).size(); o++) {
        PosteriorSummary ps = stats.get(i).get(o);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", in.ids().get(i));
        m.put("output", o);
        m.put("mean", ps.mean());
        m.put("sd", ps.sd());
        m.put("quantiles", Map.of("0.025", ps.q025(), "0.25", ps.q25(), "0.5", ps.median(), "0.75", ps.q75(),
            "0.975", ps.q975()));
        statList.add(m);
      }
    }
    summary.put("stats", statList);
    summary.put("timings", Map.of("sample_seconds", sampleSeconds, "total_seconds", (System.nanoTime() - t0) / 1e9));
    return summary;
  }

  private static void write(ScoringParts.Output out, String name, String text) throws IOException {
    try (OutputStream o = out.fs().create(new Path(out.tmp(name)), false)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The input's rows, validated as {@code score} validates a pool. For a sequence network ({@code
   * sequence} not null) a row shorter than the full time length is refused here, before any
   * sampling: {@code sample} writes and draws every output of every input, and a per-time-step
   * output's padded steps would be shown as if they were real; {@code score} takes such rows.
   */
  private static Inputs readInputs(SparkSession spark, ScorerSettings ss, SampleSettings s, int[] shape,
      int indexBound, SequenceLayout sequence) {
    int len = Math.toIntExact(InputShapes.product(shape));
    ValidatedPool pool = ScoringParts.readPool(spark, s.format(), ss, s.input(), len, indexBound, sequence, "input");
    if (pool.padded() > 0) {
      Row first = pool.rows().filter(expr("size(" + ValidatedPool.FEATURES + ") < " + len))
          .select(col(ValidatedPool.KEY), expr("size(" + ValidatedPool.FEATURES + ")")).orderBy(col(ValidatedPool.KEY))
          .first();
      throw new InvalidInputException("input " + s.input() + " has " + pool.padded() + " row(s) shorter than the"
          + " network's " + sequence.timeSteps() + " time steps, e.g. example '" + first.getString(0) + "' with "
          + sequence.steps(first.getInt(1)) + " steps; sample takes full-length sequences only (it draws every output"
          + " of every input, and a per-time-step output's padded steps would be shown as if they were real). Fix:"
          + " score such inputs with score --write-samples (shorter sequences padded at the end and masked as DL4J"
          + " does, scores over their real steps only, the samples [outputs][T] of each row written), or sample only"
          + " the full-length ones");
    }
    long limit = Math.max(1, s.maxValues() / s.iterations());
    if (pool.scored() > limit) {
      throw new JobSettingsException("input " + s.input() + " has " + pool.scored() + " rows; sample draws "
          + s.iterations() + " iterations for at most " + limit + " inputs; sample a few inputs, or use score for"
          + " pools");
    }
    List<ValidatedPool.Example> rows = new ArrayList<>(pool.examples().collect());
    rows.sort(java.util.Comparator.comparing(ValidatedPool.Example::key));
    List<String> ids = new ArrayList<>();
    float[] x = new float[rows.size() * len];
    for (int i = 0; i < rows.size(); i++) {
      ids.add(rows.get(i).key());
      System.arraycopy(rows.get(i).features(), 0, x, i * len, len);
    }
    return new Inputs(ids, x, shape);
  }

  /** The page: one 50-bin histogram (by default) of every output of every input, the mean marked. */
  static String page(SampleSettings s, List<String> ids, Samples samples, List<List<PosteriorSummary>> stats,
      String fingerprint) {
    int outputs = samples.outputSize();
    int t = samples.iterations();
    float[] all = samples.toFloatArray();
    HtmlPage page = new HtmlPage("mcposterior sample: the posterior of " + ids.size() + " input(s)");
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("network", s.example() != null ? "reference example " + s.example() : s.model());
    info.put("samples [N, outputs, T]", java.util.Arrays.toString(samples.shape()));
    info.put("seed", s.seed());
    info.put("masks", s.maskMode().name().toLowerCase(Locale.ROOT));
    info.put("dropout", Double.isNaN(s.dropout()) ? "each layer's own" : s.dropout());
    info.put("dropconnect", Double.isNaN(s.dropConnect()) ? "off" : s.dropConnect() + " on " + s.dropConnectLayers());
    info.put("model fingerprint", fingerprint);
    page.keyValues(info);
    page.paragraph("Each chart is the histogram (" + s.bins() + " bins) of one output's " + t + " posterior samples;"
        + " the dashed line is the sample mean.");
    for (int i = 0; i < ids.size(); i++) {
      page.heading("input " + ids.get(i));
      List<HistogramChart> charts = new ArrayList<>();
      for (int o = 0; o < outputs; o++) {
        double[] v = new double[t];
        for (int k = 0; k < t; k++) {
          v[k] = all[(i * outputs + o) * t + k];
        }
        PosteriorSummary ps = stats.get(i).get(o);
        charts.add(new HistogramChart(String.format(Locale.ROOT, "%s output %d: mean %.4g, sd %.3g", ids.get(i), o,
            ps.mean(), ps.sd()), "output " + o, Histogram.of(v, s.bins()), ps.mean()));
      }
      page.charts(charts);
    }
    return page.render();
  }
}
