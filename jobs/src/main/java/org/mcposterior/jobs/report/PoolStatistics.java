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
import org.mcposterior.models.DeterministicPredictor;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;

/**
 * The report's statistics over the whole pool, each one Spark aggregate computed on the executors:
 * the score distributions ({@link HistogramAccumulator}s), and the labelled statistics (calibration
 * of the MC mean and of the deterministic network, accuracy against coverage) as one join of pool
 * and scores folded into {@link LabeledPartial}s. The deterministic predictions are core's ({@link
 * DeterministicPredictor}: DL4J's own pass, read by the run's output view; a sequence pool's
 * shorter rows padded and masked as the run sampled them); this class only plans the Spark part.
 * Nothing proportional to the pool reaches the driver.
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

  /**
   * The labelled statistics: one join of pool and scores, one aggregate; the deterministic network
   * runs in the tasks through core's {@link DeterministicPredictor} (the run's output view and
   * probability conversion), and the MC mean's predicted class is read by the same view.
   */
  static LabeledPartial labeled(SparkSession spark, ScoreSettings s, Dataset<Row> pool, Dataset<Row> scores,
      String id, ReportSettings r, double[] entropyRange, double[] baldRange) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    byte[] model = RunInputs.model(s, hadoop);
    Network net = Network.fromBytes(model, s.model());
    int[] shape = InputShapes.expected(net, s.scorer().inputShape().stream().mapToInt(Integer::intValue).toArray());
    Broadcast<byte[]> bytes = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
    Probabilities conversion = s.scorer().probabilities();
    OutputKind requested = s.scorer().outputKind();
    Dataset<Row> joined = pool.select(col(s.scorer().idColumn()).cast("string").as("__k"),
        ValidatedPool.featuresColumn(pool.schema(), s.scorer(), "pool").as("__x"),
            col(r.labelColumn()).cast("int").as("__y"))
        .filter(col("__y").isNotNull())
        .join(scores.select(col(id).cast("string").as("__k"), col("probabilities"), col(ENTROPY), col(BALD)), "__k")
        .select(col("__k"), col("__x"), col("__y"), col("probabilities"), col(ENTROPY), col(BALD));
    int bins = Calibration.DEFAULT_BINS;
    String source = s.model();
    LabeledPartial zero = new LabeledPartial(bins, entropyRange, baldRange, COVERAGE_BINS);
    return joined.queryExecution().toRdd().toJavaRDD().mapPartitions(it -> {
      LabeledPartial part = new LabeledPartial(bins, entropyRange, baldRange, COVERAGE_BINS);
      DeterministicPredictor det = null;
      List<float[]> xs = new ArrayList<>(BATCH);
      List<org.apache.spark.sql.catalyst.InternalRow> batch = new ArrayList<>(BATCH);
      while (it.hasNext()) {
        org.apache.spark.sql.catalyst.InternalRow row = it.next().copy(); // the iterator reuses its row
        xs.add(row.getArray(1).toFloatArray());
        batch.add(row);
        if (xs.size() == BATCH || !it.hasNext()) {
          if (det == null) {
            det = DeterministicPredictor.of(Network.fromBytes(bytes.value(), source), shape, requested, conversion);
          }
          double[][] p = det.probabilities(xs);
          for (int i = 0; i < batch.size(); i++) {
            org.apache.spark.sql.catalyst.InternalRow b = batch.get(i);
            int y = b.getInt(2);
            double[] mc = b.getArray(3).toDoubleArray();
            part.mc.add(mc, y);
            boolean right = det.predictedClass(mc) == y;
            part.entropy.add(b.getDouble(4), right);
            part.bald.add(b.getDouble(5), right);
            part.deterministic.add(p[i], y);
          }
          xs.clear();
          batch.clear();
        }
      }
      return List.of(part).iterator();
    }).fold(zero, LabeledPartial::combine);
  }
}
