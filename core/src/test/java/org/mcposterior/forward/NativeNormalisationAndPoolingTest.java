package org.mcposterior.forward;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The native local response normalisation and global pooling kernels equal DL4J's layers on each
 * flag they implement, and the flags they do not implement run as DL4J itself (and still equal it);
 * layers that only move values (zero padding, cropping, upsampling, space-to-depth) run as gathers
 * whose maps are read off DL4J's own layer.
 */
class NativeNormalisationAndPoolingTest {

  /** conv 2->6 3x3 ReLU, then {@code layer}, then (for image output) a dense softmax output of 3. */
  private static MultiLayerNetwork around(Layer layer, CNN2DFormat format, long seed) {
    return around(layer, format, seed, 7, 6);
  }

  private static MultiLayerNetwork around(Layer layer, CNN2DFormat format, long seed, int h, int w) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(ReferenceNetworks.dl4jSeed(seed))
        .weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(6).dataFormat(format).activation(Activation.RELU).build())
        .layer(layer)
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(h, w, 2, format))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    // Large weights, so the normalisation's sum of squares matters and pooling sees signed values.
    net.params().muli(4);
    return net;
  }

  private static void check(MultiLayerNetwork net, CNN2DFormat format, String nativeKernel, boolean expectNative) {
    check(net, format, nativeKernel, expectNative, 7, 6);
  }

  private static void check(MultiLayerNetwork net, CNN2DFormat format, String nativeKernel, boolean expectNative,
      int h, int w) {
    long[] shape = format == CNN2DFormat.NCHW ? new long[] {4, 2, h, w} : new long[] {4, h, w, 2};
    InferenceMatchesDl4jTest.assertMatchesDl4j(net, Networks.input(5, -2, 2, shape));
    int[][] perExample = {java.util.Arrays.stream(shape).skip(1).mapToInt(v -> (int) v).toArray()};
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(net),
        SamplerConfig.defaults().withAllowDeterministic(true))) {
      String plan = s.plan(perExample).describe();
      if (expectNative) {
        assertTrue(plan.contains(nativeKernel) && !plan.contains("DL4J layer"), "native kernel expected:\n" + plan);
      } else {
        assertFalse(plan.contains(nativeKernel), "DL4J fallback expected:\n" + plan);
        assertTrue(plan.contains("DL4J layer"), "DL4J fallback expected:\n" + plan);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
      "NCHW, 5, 2.0, 1e-4, 0.75, true",
      "NCHW, 3, 1.0, 0.5, 0.6, true",
      "NHWC, 5, 0.5, 0.2, 0.75, true",
      "NCHW, 1, 1.5, 0.3, 1.2, true",
      "NCHW, 4, 2.0, 0.3, 0.75, false"})
  void localResponseNormalisation(CNN2DFormat format, double n, double k, double alpha, double beta, boolean expectNative) {
    LocalResponseNormalization lrn = new LocalResponseNormalization.Builder().n(n).k(k).alpha(alpha).beta(beta)
        .dataFormat(format).build();
    check(around(lrn, format, 11), format, "local response normalisation", expectNative);
  }

  @ParameterizedTest
  @CsvSource({
      "MAX, 2, true, true",
      "AVG, 2, true, true",
      "SUM, 2, true, true",
      "PNORM, 2, true, true",
      "PNORM, 3, true, true",
      "AVG, 2, false, false"})
  void globalPooling(PoolingType type, int pnorm, boolean collapse, boolean expectNative) {
    GlobalPoolingLayer gp = new GlobalPoolingLayer.Builder(type).pnorm(pnorm).collapseDimensions(collapse).build();
    check(around(gp, CNN2DFormat.NCHW, 12), CNN2DFormat.NCHW, "global", expectNative);
  }

  @ParameterizedTest
  @CsvSource({"NCHW", "NHWC"})
  void layersThatOnlyMoveValuesRunAsGathers(CNN2DFormat format) {
    check(around(new org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer.Builder(1, 2, 0, 3).dataFormat(format).build(),
        format, 13), format, "gather (ZeroPaddingLayer", true);
    check(around(new org.deeplearning4j.nn.conf.layers.Upsampling2D.Builder().size(new int[] {2, 3}).dataFormat(format)
        .build(), format, 14), format, "gather (Upsampling2D", true);
    check(around(new org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D.Builder(1, 0, 1, 2).dataFormat(format)
        .build(), format, 15), format, "gather (Cropping2D", true);
    check(around(new org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer.Builder(2, format == CNN2DFormat.NCHW
        ? org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer.DataFormat.NCHW
        : org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer.DataFormat.NHWC).build(), format, 16, 6, 8), format,
        "gather (SpaceToDepthLayer", true, 6, 8);
  }
}
