package org.mcposterior.stochastic;

import org.mcposterior.models.ReferenceNetworks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.models.Network;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SampleArrays;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.testsupport.Tolerances;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Patching a trained network into an MC sampler, and back, without touching it. */
class PatchingTest {

  @Test
  void patchingKeepsWeightsAndUnpatchingGivesTheDeterministicNetworkBack() {
    MultiLayerNetwork net = ReferenceNetworks.mlp(1);
    INDArray x = Networks.input(2, 0, 1, 10, 784);
    INDArray paramsBefore = net.params().dup();
    INDArray outBefore = net.output(x, false);

    StochasticNetwork mc = McDropout.patch(net);
    try (PosteriorSampler s = PosteriorSampler.of(mc, SamplerConfig.defaults())) {
      s.predictOnBatch(x, 20);
      s.output(x);
    }
    assertSame(net, mc.unpatch(), "unpatch hands back the same network");
    assertEquals(paramsBefore, net.params(), "weights unchanged");
    assertEquals(outBefore, ((MultiLayerNetwork) mc.unpatch()).output(x, false), "deterministic again");
    assertEquals(outBefore, net.output(x, false));
  }

  @Test
  void batchNormRunsInInferenceModeAndTheMcMeanConvergesAsPGoesToZero() {
    MultiLayerNetwork net = Networks.batchNormMlp(3, 0.5);
    INDArray x = Networks.input(4, -2, 2, 6, 12);
    INDArray deterministic = net.output(x, false);
    double previous = Double.POSITIVE_INFINITY;
    for (double p : new double[] {0.5, 0.1, 0.01, 0.0}) {
      try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net, p), SamplerConfig.defaults())) {
        Samples samples = s.predictOnBatch(x, 2000);
        double err = maxError(mean(samples), deterministic);
        assertTrue(err <= previous + 1e-3, "error should shrink with p: " + err + " at p=" + p + " after " + previous);
        previous = err;
        if (p == 0.0) {
          assertTrue(err < 1e-5, "p = 0 gives the deterministic output, got error " + err);
        }
      }
    }
    // Batch-norm in training mode (batch statistics) would give a different output: make sure the
    // inference-mode one is what we matched.
    INDArray trainMode = net.output(x, true);
    assertTrue(maxError(deterministic, trainMode) > 1e-3, "train-mode output differs (sanity)");
  }

  static INDArray mean(Samples s) {
    INDArray a = SampleArrays.toINDArray(s).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    return a.mean(a.rank() - 1);
  }

  static double maxError(INDArray a, INDArray b) {
    return a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE))
        .amaxNumber().doubleValue();
  }

  @Test
  void mcDropoutOverrideUsesTheGivenProbability() {
    // Identity network: Dense 1->1 weight 1 (no bias), dropout p on the input: samples are 0 or x/(1-p).
    var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(1)
        .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT).list()
        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
            org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(50).nOut(50).hasBias(false)
            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).dropOut(0.9).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    net.getLayer(0).getParam("W").assign(org.nd4j.linalg.factory.Nd4j.eye(50));
    INDArray x = org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 40, 50);
    for (double p : new double[] {0.1, 0.3, 0.7}) {
      try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net, p), SamplerConfig.defaults())) {
        Samples samples = s.predictOnBatch(x, 100);
        float[] v = samples.toFloatArray();
        int zeros = 0;
        for (float f : v) {
          if (f == 0f) {
            zeros++;
          } else {
            assertEquals(1.0 / (1.0 - p), f, 1e-5, "kept units are scaled by 1/(1-p)");
          }
        }
        double rate = zeros / (double) v.length;
        // 200,000 Bernoulli draws: standard error < 0.0011.
        assertEquals(p, rate, 0.006, "drop rate for p=" + p);
      }
    }
    // Configured retain 0.9 -> drop 0.1.
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults())) {
      float[] v = s.predictOnBatch(x, 100).toFloatArray();
      int zeros = 0;
      for (float f : v) {
        zeros += f == 0f ? 1 : 0;
      }
      assertEquals(0.1, zeros / (double) v.length, 0.006, "DL4J's dropOut(0.9) is drop probability 0.1");
    }
  }

  @Test
  void samplesOfASavedAndReloadedNetworkAreEqual() throws Exception {
    MultiLayerNetwork net = ReferenceNetworks.cnn(5);
    java.nio.file.Path f = java.nio.file.Files.createTempFile("net", ".zip");
    try {
      Network.of(net).save(f);
      Network loaded = Network.load(f);
      assertEquals(Network.of(net).fingerprint(), loaded.fingerprint());
      INDArray x = Networks.input(6, 0, 1, 5, 784);
      try (PosteriorSampler a = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults());
          PosteriorSampler b = PosteriorSampler.of(McDropout.patch(loaded.model()), SamplerConfig.defaults())) {
        Tolerances.assertClose(a.predictOnBatch(x, 5).toFloatArray(), b.predictOnBatch(x, 5).toFloatArray(), 0, "reloaded");
      }
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
  }
}
