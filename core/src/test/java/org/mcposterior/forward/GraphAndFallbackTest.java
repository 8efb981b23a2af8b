package org.mcposterior.forward;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.testsupport.Tolerances;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** ComputationGraphs and layers that run through DL4J's own implementation. */
class GraphAndFallbackTest {

  @Test
  void graphInferenceMatchesDl4j() {
    ComputationGraph g = Networks.branchyGraph(1, 0.5);
    InferenceMatchesDl4jTest.assertMatchesDl4j(g, Networks.input(2, -1, 1, 6, 1, 12, 12));
  }

  @Test
  void fallbackLayersMatchDl4j() {
    MultiLayerNetwork net = Networks.fallbackLayers(3, 0.5);
    InferenceMatchesDl4jTest.assertMatchesDl4j(net, Networks.input(4, -1, 1, 5, 2, 8, 8));
  }

  /** A preprocessor without a native kernel (a composed one) runs as DL4J, in both network kinds. */
  @Test
  void preprocessorsWithoutNativeKernelsMatchDl4j() {
    var reshape = new org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor(
        new org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor(6, 6, 4));
    var conv = new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nIn(2).nOut(4)
        .activation(org.nd4j.linalg.activations.Activation.RELU).build();
    var out = new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nIn(144).nOut(3)
        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).dropOut(0.5).build();
    var base = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(21)
        .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT);
    MultiLayerNetwork mln = new MultiLayerNetwork(base.clone().list().layer(conv).layer(out)
        .inputPreProcessor(1, reshape).build());
    mln.init();
    ComputationGraph graph = new ComputationGraph(base.clone().graphBuilder().addInputs("in")
        .addLayer("conv", conv.clone(), "in").addLayer("out", out.clone(), reshape.clone(), "conv").setOutputs("out")
        .build());
    graph.init();
    INDArray x = Networks.input(22, -1, 1, 5, 2, 8, 8);
    for (org.deeplearning4j.nn.api.Model m : new org.deeplearning4j.nn.api.Model[] {mln, graph}) {
      InferenceMatchesDl4jTest.assertMatchesDl4j(m, x);
      try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(m), SamplerConfig.defaults())) {
        assertTrue(s.plan(new int[][] {{2, 8, 8}}).describe().contains("DL4J preprocessor"), "the composed"
            + " preprocessor runs as DL4J:\n" + s.plan(new int[][] {{2, 8, 8}}).describe());
      }
    }
  }

  /**
   * DL4J's declared output type is asked in one place ({@link Dl4jFallback.Declared}); when DL4J
   * throws, or declares a type without a geometry here, its exception is kept: named in a
   * refusal's paragraph and attached to it (as the cause, or suppressed when the refusal already
   * has DL4J's run failure as its cause).
   */
  @Test
  void declaredTypeFailuresAreKeptForRefusals() {
    IllegalStateException dl4j = new IllegalStateException("Invalid input type: expected FeedForward");
    Dl4jFallback.Declared thrown = Dl4jFallback.Declared.of(() -> {
      throw dl4j;
    });
    org.junit.jupiter.api.Assertions.assertNull(thrown.type());
    org.junit.jupiter.api.Assertions.assertSame(dl4j, thrown.failure());
    assertTrue(thrown.note().contains("Invalid input type: expected FeedForward"), thrown.note());
    var refusal = thrown.chain(new org.mcposterior.stochastic.UnsupportedLayerException("refused"));
    org.junit.jupiter.api.Assertions.assertSame(dl4j, refusal.getCause());
    RuntimeException run = new RuntimeException("DL4J cannot run it");
    var withCause = thrown.chain(new org.mcposterior.models.InputShapeException("refused", run));
    org.junit.jupiter.api.Assertions.assertSame(run, withCause.getCause());
    org.junit.jupiter.api.Assertions.assertArrayEquals(new Throwable[] {dl4j}, withCause.getSuppressed());

    var unknownLength = org.deeplearning4j.nn.conf.inputs.InputType.recurrent(3);
    Dl4jFallback.Declared noGeometry = Dl4jFallback.Declared.of(() -> unknownLength);
    org.junit.jupiter.api.Assertions.assertSame(unknownLength, noGeometry.type(), "the type still says the format");
    org.junit.jupiter.api.Assertions.assertNull(noGeometry.geometry());
    assertTrue(noGeometry.failure() instanceof UnsupportedOperationException, String.valueOf(noGeometry.failure()));
    assertTrue(noGeometry.note().contains("unknown length"), noGeometry.note());

    Dl4jFallback.Declared fine = Dl4jFallback.Declared.of(
        () -> org.deeplearning4j.nn.conf.inputs.InputType.feedForward(4));
    org.junit.jupiter.api.Assertions.assertEquals(Geometry.flat(4), fine.geometry());
    org.junit.jupiter.api.Assertions.assertEquals("", fine.note());
    var untouched = fine.chain(new org.mcposterior.stochastic.UnsupportedLayerException("refused"));
    org.junit.jupiter.api.Assertions.assertNull(untouched.getCause());
  }

  @Test
  void graphSamplesAreKeyedAndCachedPrefixIsExact() {
    ComputationGraph g = Networks.branchyGraph(5, 0.5);
    INDArray x = Networks.input(6, -1, 1, 12, 1, 12, 12);
    checkKeyedAndCached(McDropout.patch(g), x);
  }

  @Test
  void fallbackSamplesAreKeyedAndCachedPrefixIsExact() {
    MultiLayerNetwork net = Networks.fallbackLayers(7, 0.5);
    INDArray x = Networks.input(8, -1, 1, 12, 2, 8, 8);
    checkKeyedAndCached(McDropout.patch(net), x);
  }

  private static void checkKeyedAndCached(org.mcposterior.stochastic.StochasticNetwork net, INDArray x) {
    SamplerConfig cfg = SamplerConfig.defaults().withSeed(9);
    Samples whole, uncached, halves;
    try (PosteriorSampler s = PosteriorSampler.of(net, cfg)) {
      whole = s.predictOnBatch(x, 10);
      Samples a = s.predictOnBatch(x.get(NDArrayIndex.interval(0, 6)), new long[] {0, 1, 2, 3, 4, 5}, 10);
      Samples b = s.predictOnBatch(x.get(NDArrayIndex.interval(6, 12)), new long[] {6, 7, 8, 9, 10, 11}, 10);
      halves = Samples.concat(java.util.List.of(a, b));
    }
    try (PosteriorSampler s = PosteriorSampler.of(net, cfg.withCachePrefix(false))) {
      uncached = s.predictOnBatch(x, 10);
    }
    Tolerances.assertClose(whole.toFloatArray(), halves.toFloatArray(), 1e-5, "two halves");
    Tolerances.assertClose(whole.toFloatArray(), uncached.toFloatArray(), 1e-5, "cached vs uncached prefix");
    double spread = 0;
    for (int t = 1; t < 10; t++) {
      spread = Math.max(spread, Math.abs(whole.get(0, 0, t) - whole.get(0, 0, 0)));
    }
    assertTrue(spread > 1e-4, "samples vary");
  }
}
