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
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.mcposterior.models.Network;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Models and pools for the job's tests: seeded, small, written as real files. */
public final class Fixtures {
  private Fixtures() {}

  /** 12 -> 32 ReLU -> dropout 0.5 -> 16 ReLU -> dropout 0.5 -> 4 softmax. */
  public static MultiLayerNetwork mlp(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).weightInit(WeightInit.XAVIER)
        .dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(12).nOut(32).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(32).nOut(16).activation(Activation.RELU).dropOut(0.5).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(4).activation(Activation.SOFTMAX)
            .dropOut(0.5).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** A small CNN for 1x8x8 images given as channels-first [1, 8, 8] (needs --input-shape). */
  public static MultiLayerNetwork cnn(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).weightInit(WeightInit.XAVIER)
        .dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).dropOut(0.7).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

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

  /** A Parquet pool with string ids "ex-<i>" and an array<float> features column. */
  public static Path parquetPool(SparkSession spark, Path dir, String name, float[][] x, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      Float[] f = new Float[x[i].length];
      for (int j = 0; j < f.length; j++) {
        f[j] = x[i][j];
      }
      rows.add(RowFactory.create("ex-" + i, f));
    }
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, true), true)));
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(partitions);
    Path p = dir.resolve(name);
    df.write().parquet(p.toString());
    return p;
  }

  public static boolean exists(Path p) {
    return Files.exists(p);
  }
}
