package org.mcposterior.models;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The reference networks of the benchmarks, with seeded random weights: the MLP and the MNIST CNN
 * that baal's and mcposterior's speed figures are measured on. Also used by the tests.
 */
public final class ReferenceNetworks {
  private ReferenceNetworks() {}

  /**
   * A seed for DL4J's {@code .seed(...)} from a project seed: nd4j treats seed 0 as "unseeded"
   * (measured: two networks initialised with {@code .seed(0)} get different weights), so a run
   * with the project's default seed 0 would not be repeatable. Mixed, and never 0.
   */
  public static long dl4jSeed(long seed) {
    long s = org.mcposterior.randomness.KeyedRandom.mix64(seed ^ 0x243F6A8885A308D3L);
    return s == 0 ? 1 : s;
  }

  /** 784 -> 512 ReLU -> dropout 0.5 -> 512 ReLU -> dropout 0.5 -> 10 softmax. */
  public static MultiLayerNetwork mlp(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(dl4jSeed(seed)).weightInit(WeightInit.XAVIER)
        .dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(512).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(512).nOut(512).activation(Activation.RELU).dropOut(0.5).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(512).nOut(10).activation(Activation.SOFTMAX)
            .dropOut(0.5).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * Gal, Islam and Ghahramani (2017), MNIST: input 1x28x28 (flat 784), conv 32 4x4 ReLU, conv 32
   * 4x4 ReLU, max-pool 2x2, dropout 0.25, dense 128 ReLU, dropout 0.5, dense 10 softmax.
   */
  public static MultiLayerNetwork cnn(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(dl4jSeed(seed)).weightInit(WeightInit.XAVIER)
        .dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(4, 4).nIn(1).nOut(32).activation(Activation.RELU).build())
        .layer(new ConvolutionLayer.Builder(4, 4).nOut(32).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).dropOut(0.75).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
            .dropOut(0.5).build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * The reference's MC dropout example network: Dense 10->8, ReLU, dropout 0.5, Dense 8->4, ReLU,
   * dropout 0.5, Dense 4->2 (identity output), with DL4J's ordinary dropout (off at inference; MC
   * dropout patches it on). Its example input is {@link #referenceMlpInput}: {@code [8, 10]}.
   */
  public static MultiLayerNetwork referenceMlp(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(dl4jSeed(seed)).weightInit(WeightInit.XAVIER)
        .dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(10).nOut(8).activation(Activation.RELU).build())
        .layer(new DropoutLayer(0.5))
        .layer(new DenseLayer.Builder().nIn(8).nOut(4).activation(Activation.RELU).build())
        .layer(new DropoutLayer(0.5))
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** The reference MLP's input: 8 examples x 10 features, uniform in [-1, 1) from a seeded generator. */
  public static float[] referenceMlpInput(long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    float[] x = new float[8 * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (2 * r.nextDouble() - 1);
    }
    return x;
  }

  /**
   * The reference's DropConnect example network: Conv2d(3->8, kernel 10) -> ReLU -> flatten ->
   * Linear(8->1) -> sigmoid, for 3x10x10 images (MC DropConnect 0.9 goes on the Linear layer).
   * Its example input is {@link #referenceCnnInput}: one image of 1/255.
   */
  public static MultiLayerNetwork referenceDropConnectCnn(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(dl4jSeed(seed)).weightInit(WeightInit.XAVIER)
        .dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(10, 10).nIn(3).nOut(8).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(1).activation(Activation.SIGMOID).build())
        .setInputType(InputType.convolutional(10, 10, 3))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** The DropConnect reference's input: one 3x10x10 image, every value 1/255. */
  public static float[] referenceCnnInput() {
    float[] x = new float[3 * 10 * 10];
    java.util.Arrays.fill(x, 1f / 255);
    return x;
  }
}
