package org.mcposterior.jobs.learn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.learning.StepScorer;
import org.mcposterior.spark.ScorerSettings;

/**
 * The pool of one seed's active-learning run as a DataFrame source, in memory: its examples are
 * broadcast once (position {@code p} is {@code rows[p]}), and {@link #frame} turns any set of
 * positions (a step's unlabelled pool) into a lazy DataFrame of {@code id} ({@code p<position>},
 * five digits: the example key of the scoring masks) and {@code features} ({@code array<float>}),
 * built on the executors from the broadcast. Nothing is written to a file.
 *
 * <p>Close it when the seed is done: the broadcast is destroyed.
 */
final class InMemoryPool implements AutoCloseable {
  static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("id", DataTypes.StringType, false),
      DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)));

  private final SparkSession spark;
  private final Broadcast<float[][]> rows;
  private final int slices;

  private InMemoryPool(SparkSession spark, Broadcast<float[][]> rows, int slices) {
    this.spark = spark;
    this.rows = rows;
    this.slices = slices;
  }

  /**
   * The pool whose position {@code p} holds the features {@code rows[p]}, broadcast now; frames are
   * split into twice the default parallelism.
   */
  static InMemoryPool of(SparkSession spark, float[][] rows) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return new InMemoryPool(spark, jsc.broadcast(rows), Math.max(1, 2 * spark.sparkContext().defaultParallelism()));
  }

  /** The id of pool position {@code pos}: {@code p} and five digits. */
  static String id(int pos) {
    return String.format(Locale.ROOT, "p%05d", pos);
  }

  /** The pool position of an id written by {@link #id}. */
  static int position(String id) {
    return Integer.parseInt(id.substring(1));
  }

  /** The examples at {@code positions} as a lazy DataFrame (see the class comment). */
  Dataset<Row> frame(int[] positions) {
    List<Integer> ps = new ArrayList<>(positions.length);
    for (int p : positions) {
      ps.add(p);
    }
    Broadcast<float[][]> b = rows;
    JavaRDD<Row> r = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(ps, Math.min(slices, Math.max(1, ps.size()))).map(p -> {
          float[] x = b.value()[p];
          Float[] f = new Float[x.length];
          for (int j = 0; j < f.length; j++) {
            f[j] = x[j];
          }
          return RowFactory.create(id(p), f);
        });
    return spark.createDataFrame(r, SCHEMA);
  }

  /** A step scorer over this pool with the settings {@code settings} gives for a step's query seed. */
  StepScorer<MultiLayerNetwork> scorer(LongFunction<ScorerSettings> settings) {
    return new ApiStepScorer(this, settings);
  }

  @Override
  public void close() {
    rows.destroy();
  }
}
