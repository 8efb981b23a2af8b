package org.mcposterior.forward;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.activations.Activation;

/** Recurrent networks: the compiled pass equals DL4J's output(x) on the same sequences, NCW and NWC. */
class SequenceInputTest {
  static final int F = 3, T = 7;

  static MultiLayerNetwork lstmPerStep(RNNFormat format) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(31).dropOut(0.8).list()
        .layer(new LSTM.Builder().nIn(F).nOut(5).activation(Activation.TANH).dataFormat(format).build())
        .layer(new RnnOutputLayer.Builder().nIn(5).nOut(4).activation(Activation.SOFTMAX).dataFormat(format).build())
        .setInputType(InputType.recurrent(F, T, format))
        .build());
    net.init();
    return net;
  }

  static MultiLayerNetwork pooled(RNNFormat format) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(32).dropOut(0.8).list()
        .layer(new Bidirectional(new LSTM.Builder().nIn(F).nOut(4).activation(Activation.TANH).dataFormat(format).build()))
        .layer(new LastTimeStep(new SimpleRnn.Builder().nIn(8).nOut(6).activation(Activation.TANH).dataFormat(format).build()))
        .layer(new OutputLayer.Builder().nIn(6).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.recurrent(F, T, format))
        .build());
    net.init();
    return net;
  }

  static MultiLayerNetwork globalPooling(RNNFormat format) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(33).dropOut(0.8).list()
        .layer(new LSTM.Builder().nIn(F).nOut(5).activation(Activation.TANH).dataFormat(format).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(new OutputLayer.Builder().nIn(5).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.recurrent(F, T, format))
        .build());
    net.init();
    return net;
  }

  static long[] shape(RNNFormat f, int n) {
    return f == RNNFormat.NCW ? new long[] {n, F, T} : new long[] {n, T, F};
  }

  /** A recurrent network does not record its sequence length: the user is told the shape in the layer's layout. */
  @Test
  void theInputShapeIsAskedForInTheLayersLayout() {
    MultiLayerNetwork nwc = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
        .layer(new LSTM.Builder().nIn(F).nOut(5).dataFormat(RNNFormat.NWC).build())
        .layer(new RnnOutputLayer.Builder().nIn(5).nOut(4).dataFormat(RNNFormat.NWC).build())
        .build());
    nwc.init();
    org.mcposterior.models.InputShapeException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.mcposterior.models.InputShapeException.class,
        () -> org.mcposterior.models.InputShapes.expected(org.mcposterior.models.Network.of(nwc), new int[0]));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("--input-shape 20,3 for 20 time steps"),
        e.getMessage());
  }

  @Test
  void lstmWithPerStepOutputs() {
    for (RNNFormat f : RNNFormat.values()) {
      InferenceMatchesDl4jTest.assertMatchesDl4j(lstmPerStep(f), Networks.input(40, -1, 1, shape(f, 5)));
    }
  }

  @Test
  void bidirectionalAndLastTimeStep() {
    for (RNNFormat f : RNNFormat.values()) {
      InferenceMatchesDl4jTest.assertMatchesDl4j(pooled(f), Networks.input(41, -1, 1, shape(f, 5)));
    }
  }

  /**
   * NCW only: DL4J 1.0.0-M2.1's GlobalPoolingLayer pools dimension 2 whatever the format, so on NWC
   * sequences it averages features, and DL4J's own output(x) fails at the next layer.
   */
  @Test
  void globalPoolingOverTime() {
    InferenceMatchesDl4jTest.assertMatchesDl4j(globalPooling(RNNFormat.NCW), Networks.input(42, -1, 1, shape(RNNFormat.NCW, 5)));
  }
}
