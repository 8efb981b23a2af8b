package org.mcposterior.forward;

import org.mcposterior.models.ReferenceNetworks;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.mcposterior.models.Network;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SampleArrays;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.testsupport.Tolerances;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The compiled forward pass computes what DL4J's own inference computes, layer kind by layer kind
 * (dense, convolution with every padding/stride/dilation/mode/format, pooling, batch-norm, DL4J
 * fallbacks), with nothing stochastic switched on.
 */
class InferenceMatchesDl4jTest {

  static void assertMatchesDl4j(Model model, INDArray input) {
    INDArray expected = Network.of(model).output(input)[0];
    SamplerConfig cfg = SamplerConfig.defaults().withAllowDeterministic(true);
    for (boolean cache : new boolean[] {true, false}) {
      try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(model), cfg.withCachePrefix(cache))) {
        Samples samples = s.predictOnBatch(input, 3);
        for (int t = 0; t < 3; t++) {
          INDArray it = SampleArrays.toINDArray(samples.iterationRange(t, t + 1)).reshape(expected.shape());
          Tolerances.assertClose(expected, it, Tolerances.FLOAT_KERNEL, "iteration " + t + " cache " + cache);
        }
      }
    }
  }

  @Test
  void referenceMlp() {
    assertMatchesDl4j(ReferenceNetworks.referenceMlp(1), Networks.input(2, -1, 1, 16, 10));
  }

  @Test
  void benchmarkMlp() {
    assertMatchesDl4j(ReferenceNetworks.mlp(3), Networks.input(4, 0, 1, 33, 784));
  }

  @Test
  void galCnnFlatInput() {
    assertMatchesDl4j(ReferenceNetworks.cnn(5), Networks.input(6, 0, 1, 7, 784));
  }

  @Test
  void dropConnectReferenceCnn() {
    assertMatchesDl4j(ReferenceNetworks.referenceDropConnectCnn(7), Networks.input(8, 0, 1, 4, 3, 10, 10));
  }

  /** A dense layer with layer normalisation (issue 17: it was computed without it, 0.17 off). */
  @Test
  void denseLayerWithLayerNorm() {
    MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
        .seed(13).list()
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(12).nOut(16).hasLayerNorm(true)
            .activation(org.nd4j.linalg.activations.Activation.RELU).dropOut(0.7).build())
        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nIn(16).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build());
    net.init();
    // a gain away from one, so that a missing normalisation cannot pass
    net.getLayer(0).getParam("g").assign(Networks.input(14, 0.5, 1.5, 1, 16).reshape(net.getLayer(0).getParam("g").shape()));
    assertMatchesDl4j(net, Networks.input(15, -2, 2, 9, 12));
  }

  /** An EmbeddingSequenceLayer takes inputLength indices per example, as DL4J does. */
  @Test
  void startingWithAnEmbeddingSequenceLayer() {
    MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
        .seed(19).list()
        .layer(new org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer.Builder().nIn(30).nOut(6).inputLength(4)
            .build())
        .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder().nIn(6).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build());
    net.init();
    assertEquals(4, org.mcposterior.models.InputShapes.expected(Network.of(net), new int[0])[0]);
    assertMatchesDl4j(net, org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{0, 3, 29, 7}, {5, 5, 1, 0}}));
  }

  /** A network ending in a LossLayer (issue 17: refused on the executors after the driver's checks passed). */
  @Test
  void endingInALossLayer() {
    MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
        .seed(16).list()
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(12).nOut(10)
            .activation(org.nd4j.linalg.activations.Activation.TANH).dropOut(0.7).build())
        .layer(new org.deeplearning4j.nn.conf.layers.LossLayer.Builder()
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build());
    net.init();
    assertMatchesDl4j(net, Networks.input(17, -2, 2, 9, 12));
  }

  /** A network starting with an EmbeddingLayer takes one index per example, as DL4J does (issue 17). */
  @Test
  void startingWithAnEmbeddingLayer() {
    MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
        .seed(18).dropOut(0.8).list()
        .layer(new org.deeplearning4j.nn.conf.layers.EmbeddingLayer.Builder().nIn(50).nOut(8)
            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(8).nOut(6)
            .activation(org.nd4j.linalg.activations.Activation.RELU).build())
        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nIn(6).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build());
    net.init();
    assertEquals(1, org.mcposterior.models.InputShapes.expected(Network.of(net), new int[0])[0]);
    INDArray indices = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{0}, {7}, {49}, {7}, {23}});
    assertMatchesDl4j(net, indices);
    // MC dropout on: the dense and output layers' inputs are dropped, the indices never (as DL4J's own preOutput)
    StochasticNetwork mc = StochasticNetwork.builder(net).mcDropout().build();
    assertEquals(null, mc.inputNoise("0", net.getLayer(0).conf().getLayer()));
    assertEquals(0.2, ((org.mcposterior.stochastic.Noise.Bernoulli) mc.inputNoise("1", net.getLayer(1).conf().getLayer()))
        .p(), 1e-12);
    try (PosteriorSampler s = PosteriorSampler.of(mc, SamplerConfig.defaults())) {
      s.predictOnBatch(indices, 200); // a dropped-and-rescaled index (49 / 0.8) would be out of the vocabulary
    }
  }

  @Test
  void batchNormMlp() {
    MultiLayerNetwork net = Networks.batchNormMlp(9, 0.3);
    assertMatchesDl4j(net, Networks.input(10, -2, 2, 21, 12));
  }

  static Stream<Arguments> convVariants() {
    return Stream.of(
        Arguments.of(CNN2DFormat.NCHW, ConvolutionMode.Truncate, new int[] {0, 0}, new int[] {1, 1}, new int[] {1, 1},
            SubsamplingLayer.PoolingType.MAX, false),
        Arguments.of(CNN2DFormat.NCHW, ConvolutionMode.Truncate, new int[] {1, 2}, new int[] {2, 1}, new int[] {1, 1},
            SubsamplingLayer.PoolingType.AVG, false),
        Arguments.of(CNN2DFormat.NCHW, ConvolutionMode.Truncate, new int[] {1, 2}, new int[] {2, 1}, new int[] {1, 1},
            SubsamplingLayer.PoolingType.AVG, true),
        Arguments.of(CNN2DFormat.NCHW, ConvolutionMode.Truncate, new int[] {2, 1}, new int[] {1, 1}, new int[] {2, 2},
            SubsamplingLayer.PoolingType.MAX, false),
        Arguments.of(CNN2DFormat.NCHW, ConvolutionMode.Same, new int[] {0, 0}, new int[] {2, 2}, new int[] {1, 1},
            SubsamplingLayer.PoolingType.AVG, false),
        Arguments.of(CNN2DFormat.NCHW, ConvolutionMode.Same, new int[] {0, 0}, new int[] {1, 1}, new int[] {1, 1},
            SubsamplingLayer.PoolingType.MAX, true),
        Arguments.of(CNN2DFormat.NHWC, ConvolutionMode.Truncate, new int[] {1, 1}, new int[] {1, 2}, new int[] {1, 1},
            SubsamplingLayer.PoolingType.MAX, false),
        Arguments.of(CNN2DFormat.NHWC, ConvolutionMode.Same, new int[] {0, 0}, new int[] {2, 1}, new int[] {1, 1},
            SubsamplingLayer.PoolingType.AVG, true));
  }

  @ParameterizedTest
  @MethodSource("convVariants")
  void convolutionVariants(CNN2DFormat format, ConvolutionMode mode, int[] pad, int[] stride, int[] dilation,
      SubsamplingLayer.PoolingType pooling, boolean includePad) {
    MultiLayerNetwork net = Networks.convVariants(11, format, mode, pad, stride, dilation, pooling, includePad);
    long[] shape = format == CNN2DFormat.NCHW ? new long[] {5, 2, 11, 9} : new long[] {5, 11, 9, 2};
    assertMatchesDl4j(net, Networks.input(12, -1, 1, shape));
  }

  @Test
  void samplesHaveIterationsLast() {
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(ReferenceNetworks.referenceMlp(1)),
        SamplerConfig.defaults().withAllowDeterministic(true))) {
      Samples samples = s.predictOnBatch(Networks.input(2, -1, 1, 8, 10), 7);
      assertEquals(java.util.List.of(8, 2, 7), java.util.Arrays.stream(samples.shape()).boxed().toList());
    }
  }
}
