package org.mcposterior.jobs.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.spark.ValidatedPool;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.jobs.score.ScoringParts;
import org.mcposterior.models.InputShapes;
import org.mcposterior.models.Network;
import org.mcposterior.models.SequenceLayout;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.stats.Samples;

/**
 * The posterior samples and inputs of the report's first picks, {@code [outputs][iterations]} per
 * example: from the run's {@code samples} column when it wrote one, else resampled in the driver
 * for just those examples with the run's seed and settings. Masks are keyed by (seed, example,
 * iteration, layer), so these are the run's own samples (to float rounding).
 */
final class PickSamples {
  private PickSamples() {}

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
    Network net = Network.fromBytes(RunInputs.model(s, spark.sparkContext().hadoopConfiguration()), s.model());
    int[] shape = InputShapes.expected(net, s.scorer().inputShape().stream().mapToInt(Integer::intValue).toArray());
    List<String> present = new ArrayList<>();
    for (String k : keys) {
      if (features.containsKey(k)) {
        present.add(k);
      }
    }
    if (present.isEmpty()) {
      return Map.of();
    }
    // A sequence pool may hold shorter rows (padded at the end and masked, as the run sampled them):
    // each pick is sampled on its own (samples are keyed per example, so a batch of one gives the
    // same samples as the run's batches) and the picks' samples are put together in order.
    SequenceLayout seq = SequenceLayout.of(net, shape);
    int len = Math.toIntExact(InputShapes.product(shape));
    float[] joined = null;
    int[] dims = null;
    try (PosteriorSampler sampler = PosteriorSampler.of(s.scorer().stochastic(net), s.scorer().samplerConfig())) {
      for (int i = 0; i < present.size(); i++) {
        float[] f = features.get(present.get(i));
        long[] ek = {KeyedRandom.exampleKey(present.get(i))};
        Samples one;
        if (seq != null && f.length < len) {
          float[] x = new float[len];
          float[] mask = new float[seq.timeSteps()];
          seq.padMasked(f, x, mask, 0);
          one = sampler.predictOnBatch(x, shape, mask, ek, 0, s.scorer().iterations()).get(0);
        } else {
          one = sampler.predictOnBatch(new float[][] {f}, new int[][] {shape}, ek, 0, s.scorer().iterations()).get(0);
        }
        float[] v = one.toFloatArray();
        if (joined == null) {
          joined = new float[present.size() * v.length];
          dims = one.shape().clone();
        }
        System.arraycopy(v, 0, joined, i * v.length, v.length);
      }
    }
    dims[0] = present.size();
    Samples smp = Samples.wrap(joined, dims);
    // The run's view of its output (the same kind, decided or asked for, as the run's summary says).
    smp = org.mcposterior.models.OutputKinds.of(net, smp.outputShape(), s.scorer().outputKind()).apply(smp);
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
    Dataset<Row> pool = RunInputs.rawPool(spark, s);
    Map<String, float[]> out = new HashMap<>();
    for (Row r : pool.select(col(s.scorer().idColumn()).cast("string").as("__k"), ValidatedPool.featuresColumn(pool.schema(), s.scorer(), "pool").as("__x"))
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
}
