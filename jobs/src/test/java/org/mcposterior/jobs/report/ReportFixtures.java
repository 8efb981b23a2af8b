package org.mcposterior.jobs.report;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.jobs.Main;
import org.mcposterior.models.Network;
import org.mcposterior.testsupport.Networks;

/** A small image classifier and a labelled image pool written as real files, and the command line. */
final class ReportFixtures {
  private ReportFixtures() {}

  /** Conv 1->4 3x3 ReLU -> dense 16 ReLU, dropout 0.5 -> 3 softmax, for 1x8x8 images. */
  static Path cnn(Path dir) throws Exception {
    MultiLayerNetwork net = Networks.reportCnn(5);
    Path p = dir.resolve("cnn.zip");
    Network.of(net).save(p);
    return p;
  }

  /** n seeded 8x8 images with ids "img-<i>" and labels 0..2 (a bright stripe's position). */
  static Path imagePool(SparkSession spark, Path dir, String name, int n) {
    SplittableRandom r = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = i % 3;
      Float[] f = new Float[64];
      for (int j = 0; j < 64; j++) {
        int col = j % 8;
        f[j] = (float) (0.3 * r.nextDouble() + (col / 3 == label ? 0.7 : 0));
      }
      rows.add(RowFactory.create(String.format("img-%04d", i), f, label));
    }
    Path p = dir.resolve(name);
    spark.createDataFrame(rows, DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false),
        DataTypes.createStructField("label", DataTypes.IntegerType, false)))).repartition(3).write().parquet(p.toString());
    return p;
  }

  /** What a command printed and returned. */
  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }
}
