package org.mcposterior.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mcposterior.models.Network;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SampleArrays;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.stochastic.UnsupportedLayerException;
import org.mcposterior.testsupport.Tolerances;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DESIGN.md invariant 9 for every DL4J layer, vertex and preprocessor class: each class the DL4J
 * jar has is in {@link ConformanceTable}, and each entry either equals DL4J's {@code output(x)}
 * (deterministic pass, relative 1e-4; MC mean at drop probability 1e-3 close to it) or is refused
 * at compile time with a paragraph naming the class.
 */
class ConformanceSuiteTest {
  static final double RELATIVE = 1e-4;
  static final int MC_ITERATIONS = 100;
  static final double MC_TOLERANCE = 0.05;

  @Test
  void everyDl4jClassIsInTheTable() {
    Map<Class<?>, ConformanceTable.Case> table = ConformanceTable.cases();
    List<Class<?>> found = Dl4jClasses.concrete();
    assertTrue(found.size() > 80, "the scan of the DL4J jar found only " + found.size() + " classes");
    List<String> missing = new ArrayList<>();
    for (Class<?> c : found) {
      if (!table.containsKey(c)) {
        missing.add(c.getName());
      }
    }
    assertEquals(List.of(), missing, "DL4J classes the conformance table does not know: add a case or a refusal");
  }

  @TestFactory
  Stream<DynamicTest> everyClassMatchesDl4jOrIsRefused() {
    return ConformanceTable.cases().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().getSimpleName(),
        () -> check(e.getKey(), e.getValue())));
  }

  static void check(Class<?> k, ConformanceTable.Case c) {
    Model model = c.network().get();
    INDArray x = c.input().get();
    if (c.how() == ConformanceTable.How.REFUSED) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> deterministic(model, x, true),
          k.getSimpleName() + " should be refused");
      assertTrue(e.getMessage().contains(k.getSimpleName()), "the refusal does not name " + k.getSimpleName() + ": "
          + e.getMessage());
      return;
    }
    assertMatches(model, x, k.getSimpleName());
  }

  /**
   * Layers whose own dropout MC sampling refuses (with the words the refusal must contain): DL4J
   * draws one mask per direction of a Bidirectional layer, and never applies a
   * GravesBidirectionalLSTM's dropout at all.
   */
  static final java.util.Map<String, String> MC_REFUSED = java.util.Map.of(
      "Bidirectional", "one independent mask per direction", "GravesBidirectionalLSTM", "never applies");

  /** The deterministic plan equals DL4J's output(x), with and without the cached prefix; the MC mean tends to it. */
  static void assertMatches(Model model, INDArray x, String what) {
    INDArray expected = Network.of(model).output(x)[0];
    for (boolean cache : new boolean[] {true, false}) {
      INDArray got = deterministic(model, x, cache).reshape(expected.shape());
      Tolerances.assertClose(expected, got, RELATIVE, what + " deterministic, cache " + cache);
    }
    StochasticNetwork mc = StochasticNetwork.builder(model).mcDropout(1e-3).build();
    String refusal = MC_REFUSED.get(what);
    if (refusal != null) {
      // DL4J applies these layers' own dropout in a way one mask per layer input cannot reproduce:
      // MC dropout on them is refused, naming the layer and why (the deterministic pass above runs)
      try (PosteriorSampler s = PosteriorSampler.of(mc, SamplerConfig.defaults().withSeed(5))) {
        UnsupportedLayerException e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedLayerException.class,
            () -> s.predictOnBatch(x, MC_ITERATIONS), what + ": MC dropout on its own dropout should be refused");
        assertTrue(e.getMessage().contains(what) && e.getMessage().contains(refusal), e.getMessage());
      }
      return;
    }
    if (mc.hasStochasticParts()) {
      try (PosteriorSampler s = PosteriorSampler.of(mc, SamplerConfig.defaults().withSeed(5))) {
        Samples samples = s.predictOnBatch(x, MC_ITERATIONS);
        INDArray all = SampleArrays.toINDArray(samples);
        INDArray mean = all.mean(all.rank() - 1).reshape(expected.shape());
        Tolerances.assertClose(expected, mean, MC_TOLERANCE, what + " MC mean at p = 1e-3");
      }
    }
  }

  static INDArray deterministic(Model model, INDArray x, boolean cache) {
    SamplerConfig cfg = SamplerConfig.defaults().withAllowDeterministic(true).withCachePrefix(cache);
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(model), cfg)) {
      Samples samples = s.predictOnBatch(x, 2);
      return SampleArrays.toINDArray(samples.iterationRange(1, 2));
    }
  }
}
