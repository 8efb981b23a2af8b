package org.mcposterior.stochastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
import org.junit.jupiter.api.Test;

/** A drop probability override (--dropout p) sets every dropout kind, or says which it cannot set (issue 17). */
class NoiseOverrideTest {
  @Test
  void everyDropoutKindTakesTheOverride() {
    assertEquals(new Noise.Bernoulli(0.3), Noise.of(new Dropout(0.9), "l", 0.3));
    assertEquals(new Noise.SpatialBernoulli(0.3), Noise.of(new SpatialDropout(0.9), "l", 0.3));
    assertEquals(0.3, ((Noise.Alpha) Noise.of(new AlphaDropout(0.9), "l", 0.3)).p(), 1e-12);
    // GaussianDropout's rate is a drop probability: stdev sqrt(p / (1 - p)), DL4J's formula
    assertEquals(new Noise.GaussianMultiplicative(Math.sqrt(0.3 / 0.7)), Noise.of(new GaussianDropout(0.1), "l", 0.3));
    assertEquals(new Noise.GaussianMultiplicative(Math.sqrt(0.1 / 0.9)),
        Noise.of(new GaussianDropout(0.1), "l", Double.NaN));
  }

  @Test
  void additiveGaussianNoiseHasNoProbabilityToSet() {
    UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class,
        () -> Noise.of(new GaussianNoise(0.2), "dense_1", 0.3));
    assertTrue(e.getMessage().contains("dense_1") && e.getMessage().contains("GaussianNoise"), e.getMessage());
    assertEquals(new Noise.GaussianAdditive(0.2), Noise.of(new GaussianNoise(0.2), "l", Double.NaN));
  }
}
