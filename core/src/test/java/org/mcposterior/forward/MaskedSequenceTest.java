package org.mcposterior.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.models.InputShapeException;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SampleArrays;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.testsupport.Tolerances;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Variable-length sequences with DL4J's features mask (issue 17): the compiled pass equals DL4J's
 * {@code output(x, false, featuresMask, null)} with several lengths in one batch (per-step
 * outputs, LastTimeStep, Bidirectional, GlobalPoolingLayer; NCW and NWC), and an example's MC
 * samples do not depend on its batch neighbours or their masks.
 */
class MaskedSequenceTest {
  static final int[] LENGTHS = {7, 3, 5, 1};

  static INDArray mask(int... lengths) {
    INDArray m = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, lengths.length, SequenceInputTest.T);
    for (int e = 0; e < lengths.length; e++) {
      m.get(NDArrayIndex.point(e), NDArrayIndex.interval(0, lengths[e])).assign(1);
    }
    return m;
  }

  static long[] keys(int n) {
    long[] k = new long[n];
    for (int i = 0; i < n; i++) {
      k[i] = 100 + i;
    }
    return k;
  }

  /**
   * @param maskMatters DL4J's output with the mask differs from its output without (so a mask the
   *     plan ignored would fail); false for a forward LSTM's per-step outputs, which DL4J 1.0.0-M2.1
   *     computes alike at padded steps with or without the mask (padding comes after the real steps)
   */
  static void assertMatchesDl4jWithMask(MultiLayerNetwork net, INDArray x, INDArray mask, boolean maskMatters) {
    INDArray expected = net.output(x, false, mask, null);
    INDArray unmasked = net.output(x, false);
    assertTrue(!maskMatters || expected.sub(unmasked).amaxNumber().doubleValue() > 1e-3,
        "the mask must change DL4J's output here");
    SamplerConfig cfg = SamplerConfig.defaults().withAllowDeterministic(true);
    for (boolean cache : new boolean[] {true, false}) {
      try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(net), cfg.withCachePrefix(cache))) {
        Samples samples = s.predictOnBatch(x, mask, keys(LENGTHS.length), 0, 2).get(0);
        for (int t = 0; t < 2; t++) {
          INDArray it = SampleArrays.toINDArray(samples.iterationRange(t, t + 1)).reshape(expected.shape());
          Tolerances.assertClose(expected, it, Tolerances.FLOAT_KERNEL, "iteration " + t + " cache " + cache);
        }
      }
    }
  }

  @Test
  void perStepOutputsLastTimeStepAndBidirectionalMatchDl4j() {
    for (RNNFormat f : RNNFormat.values()) {
      INDArray x = Networks.input(60, -1, 1, SequenceInputTest.shape(f, LENGTHS.length));
      assertMatchesDl4jWithMask(SequenceInputTest.lstmPerStep(f), x, mask(LENGTHS), false);
      assertMatchesDl4jWithMask(SequenceInputTest.pooled(f), x, mask(LENGTHS), true);
    }
    INDArray x = Networks.input(61, -1, 1, SequenceInputTest.shape(RNNFormat.NCW, LENGTHS.length));
    assertMatchesDl4jWithMask(SequenceInputTest.globalPooling(RNNFormat.NCW), x, mask(LENGTHS), true);
  }

  /** MC dropout on: example 2's samples alone equal its samples among neighbours with other lengths. */
  @Test
  void aMaskedExamplesSamplesDoNotDependOnItsNeighbours() {
    for (MultiLayerNetwork net : List.of(SequenceInputTest.lstmPerStep(RNNFormat.NWC),
        SequenceInputTest.globalPooling(RNNFormat.NCW))) {
      RNNFormat f = net.getLayer(0).conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.LSTM l
          ? l.getRnnDataFormat() : RNNFormat.NCW;
      INDArray x = Networks.input(62, -1, 1, SequenceInputTest.shape(f, LENGTHS.length));
      try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.builder(net).mcDropout(0.3).build(),
          SamplerConfig.defaults().withSeed(9))) {
        float[] together = SampleArrays.toINDArray(s.predictOnBatch(x, mask(LENGTHS), keys(LENGTHS.length), 0, 6).get(0))
            .get(NDArrayIndex.point(2)).dup().data().asFloat();
        INDArray alone = x.get(NDArrayIndex.interval(2, 3)).dup();
        float[] single = SampleArrays.toINDArray(s.predictOnBatch(alone, mask(LENGTHS[2]), new long[] {102}, 0, 6).get(0))
            .get(NDArrayIndex.point(0)).dup().data().asFloat();
        assertArrayEquals(together, single, "example 2's samples alone and among neighbours of other lengths");
      }
    }
  }

  @Test
  void aMaskThatDoesNotFitIsRefused() {
    MultiLayerNetwork net = SequenceInputTest.lstmPerStep(RNNFormat.NCW);
    INDArray x = Networks.input(63, -1, 1, SequenceInputTest.shape(RNNFormat.NCW, 2));
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.builder(net).mcDropout().build(), SamplerConfig.defaults())) {
      InputShapeException e = assertThrows(InputShapeException.class,
          () -> s.predictOnBatch(x, Nd4j.ones(2, 5), keys(2), 0, 2));
      assertTrue(e.getMessage().contains("[2, 7]"), e.getMessage());
      e = assertThrows(InputShapeException.class, () -> s.predictOnBatch(x, mask(3, 0), keys(2), 0, 2));
      assertTrue(e.getMessage().contains("example 1") && e.getMessage().contains("no real time step"), e.getMessage());
    }
  }
}
