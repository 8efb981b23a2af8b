package org.mcposterior.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.conf.weightnoise.WeightNoise;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.stochastic.UnsupportedLayerException;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every configuration flag that changes inference on a layer with a native kernel, one case per
 * value: the compiled plan equals DL4J's {@code output(x)} (relative 1e-4) and its MC mean at drop
 * probability 1e-3 is close to it. A flag the kernels do not implement must send the layer to DL4J
 * or be refused, never differ silently.
 */
class NativeFlagsTest {

  record Flag(String name, Supplier<MultiLayerNetwork> net, Supplier<INDArray> input) {}

  static List<Flag> flags() {
    List<Flag> f = new ArrayList<>();
    for (CNN2DFormat fmt : CNN2DFormat.values()) {
      for (ConvolutionMode mode : new ConvolutionMode[] {ConvolutionMode.Same, ConvolutionMode.Truncate,
          ConvolutionMode.Strict}) {
        f.add(conv("conv " + fmt + " " + mode, fmt, new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(4)
            .dataFormat(fmt).convolutionMode(mode).activation(Activation.RELU).build()));
      }
      f.add(conv("conv " + fmt + " dilation 2", fmt, new ConvolutionLayer.Builder(2, 2).dilation(2, 2).nOut(3)
          .dataFormat(fmt).build()));
      f.add(conv("conv " + fmt + " padding 1,2", fmt, new ConvolutionLayer.Builder(3, 2).padding(1, 2).nOut(3)
          .dataFormat(fmt).build()));
      f.add(conv("conv " + fmt + " no bias", fmt, new ConvolutionLayer.Builder(3, 3).hasBias(false).nOut(3)
          .dataFormat(fmt).build()));
      for (ConvolutionMode mode : new ConvolutionMode[] {ConvolutionMode.Same, ConvolutionMode.Truncate,
          ConvolutionMode.Strict}) {
        f.add(conv("separable " + fmt + " " + mode + " stride 2 depth multiplier 2", fmt,
            new SeparableConvolution2D.Builder(3, 3).stride(2, 2).depthMultiplier(2).nOut(4).dataFormat(fmt)
                .convolutionMode(mode).activation(Activation.RELU).build()));
      }
      f.add(conv("separable " + fmt + " dilation 2", fmt, new SeparableConvolution2D.Builder(2, 2).dilation(2, 2).nOut(3)
          .dataFormat(fmt).build()));
      f.add(conv("separable " + fmt + " padding 1,2 depth multiplier 3", fmt, new SeparableConvolution2D.Builder(3, 2)
          .padding(1, 2).depthMultiplier(3).nOut(3).dataFormat(fmt).build()));
      f.add(conv("separable " + fmt + " no bias", fmt, new SeparableConvolution2D.Builder(3, 3).hasBias(false).nOut(3)
          .dataFormat(fmt).convolutionMode(ConvolutionMode.Same).build()));
      for (PoolingType p : new PoolingType[] {PoolingType.MAX, PoolingType.AVG, PoolingType.PNORM}) {
        for (boolean includePad : new boolean[] {true, false}) {
          f.add(conv("pool " + fmt + " " + p + " includePad " + includePad, fmt, new SubsamplingLayer.Builder(p)
              .kernelSize(3, 3).stride(2, 2).padding(1, 1).pnorm(3).eps(1e-6).avgPoolIncludePadInDivisor(includePad)
              .dataFormat(fmt).build()));
        }
      }
      for (boolean lock : new boolean[] {true, false}) {
        for (boolean logStd : new boolean[] {true, false}) {
          f.add(conv("batch-norm " + fmt + " lockGammaBeta " + lock + " useLogStd " + logStd, fmt,
              new BatchNormalization.Builder().lockGammaBeta(lock).useLogStd(logStd).dataFormat(fmt).build()));
        }
      }
    }
    for (Activation a : new Activation[] {Activation.IDENTITY, Activation.RELU, Activation.LEAKYRELU, Activation.ELU,
        Activation.SELU, Activation.GELU, Activation.SWISH, Activation.MISH, Activation.SIGMOID, Activation.TANH,
        Activation.SOFTPLUS, Activation.SOFTSIGN, Activation.HARDTANH, Activation.HARDSIGMOID, Activation.RELU6,
        Activation.CUBE, Activation.RATIONALTANH, Activation.RECTIFIEDTANH, Activation.THRESHOLDEDRELU}) {
      f.add(dense("dense activation " + a, new DenseLayer.Builder().nOut(5).activation(a).build()));
      f.add(conv("conv activation " + a, CNN2DFormat.NCHW, new ConvolutionLayer.Builder(2, 2).nOut(3).activation(a)
          .build()));
      f.add(conv("separable activation " + a, CNN2DFormat.NCHW, new SeparableConvolution2D.Builder(2, 2).nOut(3)
          .activation(a).build()));
    }
    f.add(dense("dense no bias", new DenseLayer.Builder().nOut(5).hasBias(false).build()));
    f.add(dense("dense layer norm", new DenseLayer.Builder().nOut(5).hasLayerNorm(true).build()));
    f.add(dense("dense layer norm, no bias", new DenseLayer.Builder().nOut(5).hasLayerNorm(true).hasBias(false)
        .build()));
    f.add(dense("output no bias", new OutputLayer.Builder().nOut(5).hasBias(false).activation(Activation.SOFTMAX)
        .build()));
    f.add(dense("dense DropConnect weight noise (training only)", new DenseLayer.Builder().nOut(5)
        .weightNoise(new DropConnect(0.5)).build()));
    f.add(dense("dense WeightNoise (training only)", new DenseLayer.Builder().nOut(5)
        .weightNoise(new WeightNoise(new org.deeplearning4j.nn.conf.distribution.NormalDistribution(0, 0.5))).build()));
    f.add(conv("conv DropConnect weight noise (training only)", CNN2DFormat.NCHW, new ConvolutionLayer.Builder(2, 2)
        .nOut(3).weightNoise(new DropConnect(0.5)).build()));
    f.add(conv("separable DropConnect weight noise (training only)", CNN2DFormat.NCHW,
        new SeparableConvolution2D.Builder(2, 2).nOut(3).weightNoise(new DropConnect(0.5)).build()));
    return f;
  }

  /** The separable cases run in the native kernel, not through DL4J (the flags above would pass either way). */
  @Test
  void separableConvolutionRunsNatively() {
    for (Flag f : flags()) {
      if (f.name().startsWith("separable")) {
        MultiLayerNetwork net = f.net().get();
        long[] shape = f.input().get().shape();
        int[] perExample = {(int) shape[1], (int) shape[2], (int) shape[3]};
        try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(net),
            SamplerConfig.defaults().withAllowDeterministic(true))) {
          List<String> nodes = s.profile(new int[][] {perExample}).nodes();
          assertTrue(nodes.stream().anyMatch(n -> n.contains("separable conv")), f.name() + ": " + nodes);
          assertTrue(nodes.stream().noneMatch(n -> n.contains(": DL4J ")), f.name() + ": " + nodes);
        }
      }
    }
  }

  /**
   * DropConnect on a separable convolution (the layer's own DL4J DropConnect kept on at inference)
   * is refused, naming the layer: the kernel takes no dropped weights. The type names of
   * {@code dropConnect(p, types)} cannot select this layer at all.
   */
  @Test
  void dropConnectOnASeparableConvolutionIsRefused() {
    MultiLayerNetwork net = ConformanceTable.mln(InputType.convolutional(7, 7, 2), new SeparableConvolution2D.Builder(3, 3)
        .nOut(4).weightNoise(new DropConnect(0.9)).build(), ConformanceTable.out(3));
    StochasticNetwork dc = StochasticNetwork.builder(net).configuredDropConnect().build();
    try (PosteriorSampler s = PosteriorSampler.of(dc, SamplerConfig.defaults())) {
      UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class,
          () -> s.predictOnBatch(Networks.input(3, -1, 1, 2L, 2, 7, 7), 2));
      assertTrue(e.getMessage().contains("DropConnect cannot run on"), e.getMessage());
    }
  }

  @TestFactory
  Stream<DynamicTest> everyFlagMatchesDl4j() {
    return flags().stream().map(f -> DynamicTest.dynamicTest(f.name(),
        () -> ConformanceSuiteTest.assertMatches(f.net().get(), f.input().get(), f.name())));
  }

  private static Flag conv(String name, CNN2DFormat fmt, Layer layer) {
    InputType in = InputType.convolutional(7, 7, 2, fmt);
    long[] shape = fmt == CNN2DFormat.NCHW ? new long[] {3, 2, 7, 7} : new long[] {3, 7, 7, 2};
    return new Flag(name, () -> ConformanceTable.mln(in, new ConvolutionLayer.Builder(1, 1).nOut(2).dataFormat(fmt)
        .activation(Activation.TANH).build(), layer, ConformanceTable.out(3)),
        () -> Networks.input(name.hashCode(), -1, 1, shape));
  }

  private static Flag dense(String name, Layer layer) {
    return new Flag(name, () -> ConformanceTable.mln(InputType.feedForward(6), ConformanceTable.dense(6), layer,
        ConformanceTable.out(3)), ConformanceTable.ff(6));
  }
}
