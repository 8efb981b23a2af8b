package org.mcposterior.stochastic;

import org.mcposterior.models.ReferenceNetworks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The three reference examples of the foundation issue, with their exact shapes. */
class ReferenceExamplesTest {

  @Test
  void standardNetworkIsDeterministicAndMcVersionIsNot() {
    INDArray x = Networks.input(1, -1, 1, 8, 10);
    MultiLayerNetwork standard = ReferenceNetworks.referenceMlp(42);
    assertEquals(standard.output(x, false), standard.output(x, false), "standard dropout is off at inference");

    // Built with MC dropout layers: DL4J's own inference is stochastic.
    MultiLayerNetwork mc = Networks.referenceMcMlp(42);
    INDArray a = mc.output(x, false);
    INDArray b = mc.output(x, false);
    assertNotEquals(a, b, "MC dropout must stay on at inference");

    // Patched trained network: the sampler's single passes differ too.
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(standard), SamplerConfig.defaults())) {
      assertNotEquals(s.output(x), s.output(x));
    }
    // ...and a fresh sampler with the same seed repeats the same sequence.
    try (PosteriorSampler s1 = PosteriorSampler.of(McDropout.patch(standard), SamplerConfig.defaults().withSeed(5));
        PosteriorSampler s2 = PosteriorSampler.of(McDropout.patch(standard), SamplerConfig.defaults().withSeed(5))) {
      assertEquals(s1.output(x), s2.output(x));
      assertEquals(s1.output(x), s2.output(x));
    }
  }

  @Test
  void mcDropoutLayerRepeatsForTheSameSeed() {
    INDArray x = Networks.input(1, -1, 1, 8, 10);
    assertEquals(Networks.referenceMcMlp(42).output(x, false), Networks.referenceMcMlp(42).output(x, false));
  }

  @Test
  void predictOnBatchShape8x2x10000() {
    MultiLayerNetwork net = ReferenceNetworks.referenceMlp(42);
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults())) {
      Samples samples = s.predictOnBatch(Networks.input(3, -1, 1, 8, 10), 10000);
      assertArrayEquals(new int[] {8, 2, 10000}, samples.shape());
      assertTrue(variance(samples, 0, 0) > 0, "samples must vary over iterations");
    }
  }

  @Test
  void dropConnectReference1x1x10000() {
    MultiLayerNetwork net = ReferenceNetworks.referenceDropConnectCnn(42);
    INDArray x = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 10, 10).addi(1.0 / 255);
    StochasticNetwork mc = McDropConnect.patch(net, 0.9, "Linear");
    try (PosteriorSampler s = PosteriorSampler.of(mc, SamplerConfig.defaults())) {
      Samples samples = s.predictOnBatch(x, 10000);
      assertArrayEquals(new int[] {1, 1, 10000}, samples.shape());
      // A fresh weight mask per iteration even though the iterations are batched: not T equal samples.
      assertTrue(variance(samples, 0, 0) > 1e-8, "DropConnect samples must differ between iterations");
      java.util.Set<Float> distinct = new java.util.HashSet<>();
      for (int t = 0; t < 10000; t++) {
        float v = samples.get(0, 0, t);
        assertTrue(v > 0 && v < 1, "sigmoid output");
        distinct.add(v);
      }
      // Each of the a active (non-zero after ReLU) features reaches the output through one weight,
      // kept with probability 0.1: 2^a distinct outputs, all seen in 10000 draws when a is small.
      INDArray features = net.feedForward(x, false).get(1);
      int active = 0;
      for (double v : features.data().asDouble()) {
        active += v != 0 ? 1 : 0;
      }
      assertTrue(active >= 2, "the example must have active features, got " + active);
      if (active <= 5) {
        assertEquals(1 << active, distinct.size(), "every weight mask of the active features, and nothing else");
      } else {
        assertTrue(distinct.size() >= 32, "distinct samples: " + distinct.size());
      }
    }
  }

  static double variance(Samples s, int n, int o) {
    double sum = 0, sq = 0;
    int t = s.iterations();
    for (int i = 0; i < t; i++) {
      double v = s.get(n, o, i);
      sum += v;
      sq += v * v;
    }
    return sq / t - (sum / t) * (sum / t);
  }
}
