package org.mcposterior.models;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
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
}
