package org.mcposterior.forward;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SampleArrays;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.stochastic.UnsupportedLayerException;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every dropout kind's MC noise has the distribution of DL4J's own training-mode noise (issue 17):
 * for one example, the mean and variance of each output over many MC samples equal those of DL4J's
 * {@code output(x, true)} over as many copies of the example, for Dropout, AlphaDropout,
 * GaussianDropout and SpatialDropout, on native kernels (dense, convolution NCHW and NHWC) and on
 * layers the plan runs through DL4J (LSTM NCW and NWC, SimpleRnn, Convolution1D). Spatial dropout
 * is checked to be told apart from element-wise dropout by the same statistics, so a mask over the
 * wrong dimension fails.
 */
class DropoutMatchesDl4jTest {
  static final int DRAWS = 4000;

  /** [mean over draws, variance over draws] of each output value; {@code draws} is [draws, values]. */
  static double[][] moments(INDArray draws) {
    INDArray d = draws.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    return new double[][] {d.mean(0).toDoubleVector(), d.var(false, 0).toDoubleVector()};
  }

  static double[][] dl4j(MultiLayerNetwork net, INDArray x) {
    long[] shape = x.shape().clone();
    shape[0] = DRAWS;
    INDArray copies = x.broadcast(shape).dup();
    Nd4j.getRandom().setSeed(99);
    return moments(net.output(copies, true).reshape(DRAWS, -1));
  }

  static double[][] mc(MultiLayerNetwork net, INDArray x) {
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.builder(net).mcDropout().build(),
        SamplerConfig.defaults().withSeed(5))) {
      INDArray samples = SampleArrays.toINDArray(s.predictOnBatch(x, DRAWS)); // [1, outputs..., T]
      return moments(samples.reshape(-1, DRAWS).transpose());
    }
  }

  /** Means within 5 standard errors, and the summed variance within 10%. */
  static void assertSameDistribution(double[][] expected, double[][] actual, String what) {
    double ve = 0, va = 0;
    for (int j = 0; j < expected[0].length; j++) {
      double se = Math.sqrt((expected[1][j] + actual[1][j]) / DRAWS) + 1e-6;
      assertTrue(Math.abs(expected[0][j] - actual[0][j]) < 5 * se, what + ": mean of output " + j + " is "
          + actual[0][j] + ", DL4J's " + expected[0][j] + " (standard error " + se + ")");
      ve += expected[1][j];
      va += actual[1][j];
    }
    assertTrue(Math.abs(va / ve - 1) < 0.10, what + ": summed variance " + va + ", DL4J's " + ve);
  }

  static void check(Function<IDropout, MultiLayerNetwork> build, IDropout d, INDArray x, String what) {
    MultiLayerNetwork net = build.apply(d);
    assertSameDistribution(dl4j(net, x), mc(net, x), what);
  }

  static MultiLayerNetwork mlp(IDropout d, Activation a) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(51).list()
        .layer(new DenseLayer.Builder().nIn(6).nOut(8).activation(a).dropOut(d).build())
        .layer(new OutputLayer.Builder().nIn(8).nOut(3).activation(Activation.SOFTMAX).dropOut(d.clone()).build())
        .build());
    net.init();
    return net;
  }

  @Test
  void elementwiseKindsOnDenseLayers() {
    INDArray x = Networks.input(52, -1, 1, 1, 6);
    check(d -> mlp(d, Activation.TANH), new Dropout(0.7), x, "Dropout");
    check(d -> mlp(d, Activation.SELU), new AlphaDropout(0.8), x, "AlphaDropout");
    check(d -> mlp(d, Activation.TANH), new GaussianDropout(0.3), x, "GaussianDropout");
  }

  static MultiLayerNetwork cnn(IDropout d, CNN2DFormat f) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(53).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(3).activation(Activation.RELU).dataFormat(f).dropOut(d)
            .build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build())
        .setInputType(InputType.convolutional(9, 3, 2, f))
        .build());
    net.init();
    return positive(net);
  }

  /** 2 channels and 9 rows: dropping channels (DL4J on NCHW) and rows (DL4J on NHWC) differ in the statistics. */
  @Test
  void spatialDropoutOnConvolutionsDropsWhatDl4jDrops() {
    for (CNN2DFormat f : CNN2DFormat.values()) {
      INDArray x = Networks.input(54, 0, 1, f == CNN2DFormat.NCHW ? new long[] {1, 2, 9, 3} : new long[] {1, 9, 3, 2});
      MultiLayerNetwork spatial = cnn(new SpatialDropout(0.6), f);
      double[][] expected = dl4j(spatial, x);
      assertSameDistribution(expected, mc(spatial, x), "SpatialDropout " + f);
      assertDiffers(expected, dl4j(cnn(new Dropout(0.6), f), x), "SpatialDropout " + f);
    }
  }

  static MultiLayerNetwork rnn(IDropout d, RNNFormat f, boolean lstm) {
    var first = lstm ? new LSTM.Builder().nIn(3).nOut(5).activation(Activation.TANH).dataFormat(f).dropOut(d).build()
        : new SimpleRnn.Builder().nIn(3).nOut(5).activation(Activation.TANH).dataFormat(f).dropOut(d).build();
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(55).list()
        .layer(first)
        .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(2).activation(Activation.IDENTITY)
            .dataFormat(f).build())
        .setInputType(InputType.recurrent(3, 6, f))
        .build());
    net.init();
    return positive(net);
  }

  /** Dropout on recurrent layers' inputs (layers the plan runs through DL4J): element-wise and spatial, NCW and NWC. */
  @Test
  void dropoutOnRecurrentLayersInputs() {
    for (RNNFormat f : RNNFormat.values()) {
      INDArray x = Networks.input(56, 0, 1, f == RNNFormat.NCW ? new long[] {1, 3, 6} : new long[] {1, 6, 3});
      check(d -> rnn(d, f, true), new Dropout(0.7), x, "LSTM Dropout " + f);
      for (boolean lstm : new boolean[] {true, false}) {
        MultiLayerNetwork spatial = rnn(new SpatialDropout(0.6), f, lstm);
        double[][] expected = dl4j(spatial, x);
        String what = (lstm ? "LSTM" : "SimpleRnn") + " SpatialDropout " + f;
        assertSameDistribution(expected, mc(spatial, x), what);
        assertDiffers(expected, dl4j(rnn(new Dropout(0.6), f, lstm), x), what);
      }
    }
  }

  /** A Convolution1D layer (run by DL4J) with dropout: MC noise on its input, as DL4J's training mode. */
  @Test
  void dropoutOnAConvolution1dLayer() {
    Function<IDropout, MultiLayerNetwork> build = d -> {
      MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(57).list()
          .layer(new Convolution1DLayer.Builder(3).nIn(3).nOut(4).activation(Activation.RELU).dropOut(d).build())
          .layer(new LastTimeStep(new SimpleRnn.Builder().nIn(4).nOut(4).activation(Activation.TANH).build()))
          .layer(new OutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build())
          .setInputType(InputType.recurrent(3, 8))
          .build());
      net.init();
      return net;
    };
    check(build, new Dropout(0.7), Networks.input(58, -1, 1, 1, 3, 8), "Convolution1D Dropout");
  }

  /** DL4J drops a Bidirectional layer's input twice, one mask per direction; one mask would be another distribution. */
  @Test
  void dropoutOnABidirectionalLayerIsRefused() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(59).dropOut(0.8).list()
        .layer(new Bidirectional(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build()))
        .layer(new RnnOutputLayer.Builder().nIn(8).nOut(2).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.recurrent(3, 6))
        .build());
    net.init();
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.builder(net).mcDropout().build(), SamplerConfig.defaults())) {
      UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class, () -> s.plan(new int[][] {{3, 6}}));
      assertTrue(e.getMessage().contains("layer 0 (Bidirectional)") && e.getMessage().contains("DropoutLayer"),
          e.getMessage());
    }
  }

  /** DL4J never applies a GravesBidirectionalLSTM's dropout, not even in training: MC noise there is refused. */
  @Test
  void dropoutOnAGravesBidirectionalLstmIsRefused() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(60).list()
        .layer(new org.deeplearning4j.nn.conf.layers.GravesBidirectionalLSTM.Builder().nIn(3).nOut(4)
            .activation(Activation.TANH).dropOut(0.8).build())
        .layer(new RnnOutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.recurrent(3, 6))
        .build());
    net.init();
    INDArray x = Networks.input(61, -1, 1, 2, 3, 6);
    // the premise: DL4J's training-mode output is its inference output (the configured dropout is never applied)
    org.mcposterior.testsupport.Tolerances.assertClose(net.output(x, false), net.output(x, true),
        org.mcposterior.testsupport.Tolerances.FLOAT_KERNEL, "DL4J's own training mode");
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.builder(net).mcDropout().build(), SamplerConfig.defaults())) {
      UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class, () -> s.plan(new int[][] {{3, 6}}));
      assertTrue(e.getMessage().contains("layer 0 (GravesBidirectionalLSTM)") && e.getMessage().contains("never applies"),
          e.getMessage());
    }
  }

  /**
   * All parameters made positive: with positive inputs every output then grows with every input
   * value, so dropping values together (spatial) spreads the outputs more than dropping them
   * one by one, and the variance tells the mask's dimension.
   */
  static MultiLayerNetwork positive(MultiLayerNetwork net) {
    net.setParams(org.nd4j.linalg.ops.transforms.Transforms.abs(net.params(), true));
    return net;
  }

  /** The statistics tell spatial from element-wise dropout: the summed variances differ by more than 25%. */
  static void assertDiffers(double[][] spatial, double[][] elementwise, String what) {
    double vs = 0, ve = 0;
    for (int j = 0; j < spatial[1].length; j++) {
      vs += spatial[1][j];
      ve += elementwise[1][j];
    }
    assertTrue(Math.abs(vs / ve - 1) > 0.25, what + ": spatial variance " + vs + " vs element-wise " + ve
        + " too close for this check to tell a wrong mask dimension");
  }
}
