package org.mcposterior.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mcposterior.forward.ForwardPlan;
import org.mcposterior.forward.PlanNode;
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
 * at compile time with a paragraph naming the class. A NATIVE or DL4J entry is also held to the
 * compiled plan: the nodes holding the class run with a native kernel, or are handed to DL4J
 * ({@link PlanNode#dl4jPart()}), as the table says.
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
    assertPlanRuns(k, c.how(), model, x);
    assertDropConnect(k, model, x);
  }

  /** The layer types DropConnect takes ({@code --dropconnect-layers Linear,Conv2d}): see {@code LayerTypes}. */
  static final String[] DROPCONNECT_TYPES = {"Linear", "Conv2d"};

  /**
   * Cases whose DropConnect is refused, with the words the refusal must contain besides the
   * class: the layer runs in DL4J's own kernel, which takes no dropped weights (a wrapper's inner
   * dense layer; a depthwise convolution, which {@code Conv2d} names as PyTorch's {@code nn.Conv2d}
   * does).
   */
  static final Map<String, String> DROPCONNECT_REFUSED = Map.of("TimeDistributed", "wrapping DenseLayer",
      "DepthwiseConvolution2D", "supported layers");

  /**
   * MC DropConnect on every dense, output and convolution layer of the case network (the layers
   * {@code --dropconnect} takes): the MC mean at weight-drop probability 1e-3 tends to DL4J's
   * {@code output(x)}, or, for the cases of {@link #DROPCONNECT_REFUSED}, compiling is refused
   * with a paragraph naming the layer. A case network without such a layer has nothing to check.
   */
  static void assertDropConnect(Class<?> k, Model model, INDArray x) {
    String what = k.getSimpleName();
    StochasticNetwork dc;
    try {
      dc = StochasticNetwork.builder(model).dropConnect(1e-3, DROPCONNECT_TYPES).build();
    } catch (org.mcposterior.stochastic.NoMatchingLayerException e) {
      for (Network.LayerInfo l : Network.of(model).layers()) {
        assertTrue(!org.mcposterior.stochastic.LayerTypes.of(DROPCONNECT_TYPES).matches(l.conf()), what + ": layer "
            + l.name() + " takes DropConnect, yet the builder says none does: " + e.getMessage());
      }
      return;
    }
    INDArray expected = Network.of(model).output(x)[0];
    try (PosteriorSampler s = PosteriorSampler.of(dc, SamplerConfig.defaults().withSeed(7))) {
      String refusal = DROPCONNECT_REFUSED.get(what);
      if (refusal != null) {
        UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class,
            () -> s.predictOnBatch(x, MC_ITERATIONS), what + ": DropConnect should be refused");
        assertTrue(e.getMessage().contains(what) && e.getMessage().contains(refusal), e.getMessage());
        return;
      }
      Samples samples = s.predictOnBatch(x, MC_ITERATIONS);
      INDArray all = SampleArrays.toINDArray(samples);
      INDArray mean = all.mean(all.rank() - 1).reshape(expected.shape());
      Tolerances.assertClose(expected, mean, MC_TOLERANCE, what + " DropConnect MC mean at p = 1e-3");
    }
  }

  /**
   * Where a case network holds class {@code k}: a DL4J node (layer index or vertex name) and the
   * part of it that is {@code k}, as {@link PlanNode#dl4jPart()} names it.
   */
  record Holder(String node, String part) {}

  /**
   * The table's NATIVE or DL4J entry is what the compiled plan does: for every node of the case
   * network that holds {@code k}, a NATIVE class has no plan node handing that part of the node to
   * DL4J, and a DL4J class has one. So an entry cannot claim a native kernel the plan does not use,
   * nor hide one it does.
   */
  static void assertPlanRuns(Class<?> k, ConformanceTable.How how, Model model, INDArray x) {
    List<Holder> holders = holders(model, k);
    assertTrue(!holders.isEmpty(), "the case network of " + k.getSimpleName() + " holds no " + k.getSimpleName());
    int[] shape = new int[(int) x.rank() - 1];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = (int) x.size(i + 1);
    }
    SamplerConfig cfg = SamplerConfig.defaults().withAllowDeterministic(true);
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(model), cfg)) {
      ForwardPlan plan = s.plan(new int[][] {shape});
      for (Holder h : holders) {
        boolean dl4j = plan.nodes().stream().anyMatch(n -> h.node().equals(n.source()) && h.part().equals(n.dl4jPart()));
        assertEquals(how == ConformanceTable.How.DL4J, dl4j, k.getSimpleName() + " is " + how + " in the table, but the"
            + " plan " + (dl4j ? "hands" : "does not hand") + " the " + h.part() + " of node " + h.node() + " to DL4J:\n"
            + plan.describe());
      }
    }
  }

  /** The nodes holding exactly {@code k}, or, when none does, a subclass of it (the SameDiff bases). */
  static List<Holder> holders(Model model, Class<?> k) {
    List<Holder> exact = new ArrayList<>();
    List<Holder> sub = new ArrayList<>();
    if (model instanceof MultiLayerNetwork m) {
      MultiLayerConfiguration conf = m.getLayerWiseConfigurations();
      for (int i = 0; i < m.getnLayers(); i++) {
        hold(conf.getConf(i).getLayer(), new Holder(String.valueOf(i), "layer"), k, exact, sub);
        hold(conf.getInputPreProcess(i), new Holder(String.valueOf(i), "preprocessor"), k, exact, sub);
      }
    } else {
      ComputationGraph g = (ComputationGraph) model;
      for (Map.Entry<String, GraphVertex> e : g.getConfiguration().getVertices().entrySet()) {
        String name = e.getKey();
        GraphVertex v = e.getValue();
        boolean hasLayer = g.getVertex(name).hasLayer();
        hold(v, new Holder(name, hasLayer ? "layer" : "vertex"), k, exact, sub);
        if (hasLayer) {
          hold(g.getVertex(name).getLayer().conf().getLayer(), new Holder(name, "layer"), k, exact, sub);
        }
        if (v instanceof LayerVertex lv) {
          hold(lv.getPreProcessor(), new Holder(name, "preprocessor"), k, exact, sub);
        }
        if (v instanceof PreprocessorVertex pv) {
          hold(pv.getPreProcessor(), new Holder(name, "vertex"), k, exact, sub);
        }
      }
    }
    return exact.isEmpty() ? sub : exact;
  }

  private static void hold(Object conf, Holder h, Class<?> k, List<Holder> exact, List<Holder> sub) {
    if (conf != null && conf.getClass() == k) {
      exact.add(h);
    } else if (conf != null && k.isInstance(conf)) {
      sub.add(h);
    }
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
