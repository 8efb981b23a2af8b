package org.mcposterior.jobs;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small seeded networks the demo and benchmarks build when no model file is given. */
final class DemoNetworks {
  private DemoNetworks() {}

  /** Dense 10->8, ReLU, dropout 0.5, Dense 8->4, ReLU, dropout 0.5, Dense 4->2. */
  static MultiLayerNetwork referenceMlp(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).weightInit(WeightInit.XAVIER)
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

  /** Conv2d(3->8, kernel 10) -> ReLU -> flatten -> Linear(8->1) -> Sigmoid, for 3x10x10 images. */
  static MultiLayerNetwork referenceDropConnectCnn(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).weightInit(WeightInit.XAVIER)
        .dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(10, 10).nIn(3).nOut(8).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(1).activation(Activation.SIGMOID).build())
        .setInputType(InputType.convolutional(10, 10, 3))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }
}
