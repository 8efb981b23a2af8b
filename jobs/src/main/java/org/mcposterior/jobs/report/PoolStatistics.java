package org.mcposterior.jobs.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.spark.ValidatedPool;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.evaluation.Histogram;
import org.mcposterior.evaluation.HistogramAccumulator;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.models.InputShapes;
import org.mcposterior.models.Network;
import org.mcposterior.models.SequenceLayout;
import org.mcposterior.stats.OutputShape;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The report's statistics over the whole pool, each one Spark aggregate computed on the executors:
 * the score distributions ({@link HistogramAccumulator}s), and the labelled statistics (calibration
 * of the MC mean and of the deterministic network, accuracy against coverage) as one join of pool
 * and scores folded into {@link LabeledPartial}s. A sequence pool's shorter rows run in the
 * deterministic pass as the run sampled them: padded at the end of time, with DL4J's features mask. Nothing proportional to the pool reaches the driver.
 */
final class PoolStatistics {
  private static final int COVERAGE_BINS = 200;
  private static final String BALD = Heuristic.BALD.scoreColumn();
  private static final String ENTROPY = Heuristic.ENTROPY.scoreColumn();
  private static final int BATCH = 256;

  private PoolStatistics() {}

  /** The {@link ReportJob#SCORES} of every row, binned into {@code bins} over {@code ranges}. */
  static Histogram[] distributions(Dataset<Row> scores, double[][] ranges, int bins) {
    int n = ReportJob.SCORES.size();
    HistogramAccumulator[] zero = new HistogramAccumulator[n];
    for (int i = 0; i < n; i++) {
      zero[i] = new HistogramAccumulator(bins, ranges[i][0], ranges[i][1]);
    }
    JavaRDD<Row> rows = scores.select(ReportJob.SCORES.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
        .javaRDD();
    HistogramAccumulator[] h = rows.treeAggregate(zero, (acc, row) -> {
      for (int i = 0; i < n; i++) {
        if (!row.isNullAt(i)) { // null: the score means nothing for the run's output kind
          acc[i].add(row.getDouble(i));
        }
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
  static LabeledPartial labeled(SparkSession spark, ScoreSettings s, Dataset<Row> pool, Dataset<Row> scores,
      String id, ReportSettings r, double[] entropyRange, double[] baldRange) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    byte[] model = RunInputs.model(s, hadoop);
    Network net = Network.fromBytes(model, s.model());
    int[] shape = InputShapes.expected(net, s.inputShape().stream().mapToInt(Integer::intValue).toArray());
    SequenceLayout sequence = SequenceLayout.of(net, shape);
    Broadcast<byte[]> bytes = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
    Probabilities conversion = s.probabilities();
    Dataset<Row> joined = pool.select(col(s.idColumn()).cast("string").as("__k"), ValidatedPool.featuresColumn(pool.schema(), s.scorer(), "pool").as("__x"),
            col(r.labelColumn()).cast("int").as("__y"))
        .filter(col("__y").isNotNull())
        .join(scores.select(col(id).cast("string").as("__k"), col("probabilities"), col(ENTROPY), col(BALD)), "__k")
        .select(col("__k"), col("__x"), col("__y"), col("probabilities"), col(ENTROPY), col(BALD));
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
          deterministic(det, shape, sequence, conversion, xs, ys, part);
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

  /**
   * DL4J's own deterministic output of a batch, as probabilities the way the run converts its
   * samples. For a sequence network ({@code sequence} not null) a row shorter than the full time
   * length is read as the run read it: padded at the end of time and passed with DL4J's features
   * mask ({@code output(x, false, mask, null)}); full-length rows and shorter rows run as separate
   * batches, so a full-length pool runs exactly as without sequences.
   */
  private static void deterministic(Network net, int[] shape, SequenceLayout sequence, Probabilities conversion,
      List<float[]> xs, List<Integer> ys, LabeledPartial part) {
    int n = xs.size();
    int len = Math.toIntExact(InputShapes.product(shape));
    List<Integer> full = new ArrayList<>();
    List<Integer> shorter = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      (sequence != null && xs.get(i).length < len ? shorter : full).add(i);
    }
    double[][] p = new double[n][];
    if (!full.isEmpty()) {
      float[] flat = new float[full.size() * len];
      for (int j = 0; j < full.size(); j++) {
        System.arraycopy(xs.get(full.get(j)), 0, flat, j * len, len);
      }
      probabilities(net.output(Nd4j.create(flat, dims(full.size(), shape), 'c'))[0], full, conversion, p);
    }
    if (!shorter.isEmpty()) {
      float[] flat = new float[shorter.size() * len];
      float[] mask = new float[shorter.size() * sequence.timeSteps()];
      for (int j = 0; j < shorter.size(); j++) {
        sequence.padMasked(xs.get(shorter.get(j)), flat, mask, j);
      }
      INDArray in = Nd4j.create(flat, dims(shorter.size(), shape), 'c');
      INDArray m = Nd4j.create(mask, new long[] {shorter.size(), sequence.timeSteps()}, 'c');
      INDArray out = net.output(in, m)[0];
      probabilities(out, shorter, conversion, p);
    }
    for (int i = 0; i < n; i++) {
      part.deterministic.add(p[i], ys.get(i));
    }
  }

  private static long[] dims(int n, int[] shape) {
    long[] dims = new long[shape.length + 1];
    dims[0] = n;
    for (int d = 0; d < shape.length; d++) {
      dims[d + 1] = shape[d];
    }
    return dims;
  }

  /** The rows of {@code out} (one per index of {@code rows}) as probabilities, into {@code p[rows[j]]}. */
  private static void probabilities(INDArray out, List<Integer> rows, Probabilities conversion, double[][] p) {
    int n = rows.size();
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
      double[] q = new double[c];
      for (int k = 0; k < c; k++) {
        q[k] = v[i * c + k];
      }
      p[rows.get(i)] = q;
    }
  }
}
