package org.mcposterior.jobs.score;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.models.Network;

/**
 * Pools for the job's tests, seeded, small, written as real files, and models saved as files; the
 * networks themselves come from core's test support ({@code org.mcposterior.testsupport.Networks}).
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path save(MultiLayerNetwork net, Path dir, String name) throws Exception {
    Path p = dir.resolve(name);
    Network.of(net).save(p);
    return p;
  }

  /** Seeded features in [0, 1): n rows of width w. */
  public static float[][] features(long seed, int n, int w) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] x = new float[n][w];
    for (float[] row : x) {
      for (int j = 0; j < w; j++) {
        row[j] = (float) r.nextDouble();
      }
    }
    return x;
  }

  /** An in-memory pool of rows [from, to) of {@code x}: string ids "ex-<i>" and an array<float> features column. */
  public static Dataset<Row> frame(SparkSession spark, float[][] x, int from, int to) {
    List<Row> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Float[] f = new Float[x[i].length];
      for (int j = 0; j < f.length; j++) {
        f[j] = x[i][j];
      }
      rows.add(RowFactory.create("ex-" + i, f));
    }
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, true), true)));
    return spark.createDataFrame(rows, schema);
  }

  /** A Parquet pool of {@link #frame} in {@code partitions} partitions. */
  public static Path parquetPool(SparkSession spark, Path dir, String name, float[][] x, int partitions) {
    Dataset<Row> df = frame(spark, x, 0, x.length).repartition(partitions);
    Path p = dir.resolve(name);
    df.write().parquet(p.toString());
    return p;
  }

  public static boolean exists(Path p) {
    return Files.exists(p);
  }
}
