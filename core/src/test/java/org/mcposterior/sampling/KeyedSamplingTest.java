package org.mcposterior.sampling;

import org.mcposterior.models.ReferenceNetworks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.mcposterior.forward.ForwardPlan;
import org.mcposterior.forward.PlanNode;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.stochastic.McDropConnect;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.testsupport.Tolerances;
import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DESIGN.md invariant 4: an example's samples are a pure function of (seed, example key, iteration,
 * site), whatever the batching, neighbours, chunking, mode, threads or iteration shards.
 */
class KeyedSamplingTest {

  private static Samples sample(StochasticNetwork net, SamplerConfig cfg, INDArray x, int t) {
    try (PosteriorSampler s = PosteriorSampler.of(net, cfg)) {
      return s.predictOnBatch(x, t);
    }
  }

  private static void assertSameSamples(Samples expected, Samples actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what);
    Tolerances.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-6, what);
  }

  private static void checkInvariance(Model model, StochasticNetwork net, INDArray x) {
    int t = 20;
    SamplerConfig base = SamplerConfig.defaults().withSeed(77);
    Samples whole = sample(net, base, x, t);

    // 8 batches of 8, keyed by position in the pool.
    List<Samples> parts = new ArrayList<>();
    try (PosteriorSampler s = PosteriorSampler.of(net, base)) {
      for (int b = 0; b < 8; b++) {
        INDArray part = x.get(NDArrayIndex.interval(b * 8, b * 8 + 8));
        long[] keys = new long[8];
        for (int i = 0; i < 8; i++) {
          keys[i] = b * 8 + i;
        }
        parts.add(s.predictOnBatch(part, keys, t));
      }
    }
    assertSameSamples(whole, Samples.concat(parts), "8 batches of 8");

    assertSameSamples(whole, sample(net, base.withIterationMode(IterationMode.LOOP), x, t), "loop mode");
    assertSameSamples(whole, sample(net, base.withMemoryBudget(3 << 19), x, t), "1.5 MiB budget");
    assertSameSamples(whole, sample(net, base.withThreads(2), x, t), "two threads");
    assertSameSamples(whole, sample(net, base.withCachePrefix(false), x, t), "uncached prefix");

    // Iteration shards [0, 7) + [7, 20) equal the whole range.
    try (PosteriorSampler s = PosteriorSampler.of(net, base)) {
      long[] keys = new long[64];
      for (int i = 0; i < 64; i++) {
        keys[i] = i;
      }
      Samples a = s.predictOnBatch(new INDArray[] {x}, keys, 0, 7).get(0);
      Samples b = s.predictOnBatch(new INDArray[] {x}, keys, 7, 13).get(0);
      assertSameSamples(whole.iterationRange(0, 7), a, "shard [0, 7)");
      assertSameSamples(whole.iterationRange(7, 20), b, "shard [7, 20)");
    }

    // Reversed neighbours: example i keyed i gives the same samples wherever it sits in the batch.
    INDArray reversed = x.get(NDArrayIndex.indices(reverse(64)));
    long[] revKeys = new long[64];
    for (int i = 0; i < 64; i++) {
      revKeys[i] = 63 - i;
    }
    Samples rev;
    try (PosteriorSampler s = PosteriorSampler.of(net, base)) {
      rev = s.predictOnBatch(reversed, revKeys, t);
    }
    for (int i = 0; i < 64; i++) {
      assertSameSamples(whole.slice(i, i + 1), rev.slice(63 - i, 64 - i), "example " + i + " among other neighbours");
    }

    // Same seed twice: identical; another seed: different.
    assertEquals(whole, sample(net, base, x, t), "rerun with the same seed");
    assertNotEquals(whole, sample(net, base.withSeed(78), x, t), "another seed");
  }

  private static long[] reverse(int n) {
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = n - 1 - i;
    }
    return r;
  }

  @Test
  void mlpDropout() {
    var net = ReferenceNetworks.mlp(1);
    checkInvariance(net, McDropout.patch(net), Networks.input(2, 0, 1, 64, 784));
  }

  @Test
  void cnnDropout() {
    var net = ReferenceNetworks.cnn(3);
    checkInvariance(net, McDropout.patch(net), Networks.input(4, 0, 1, 64, 784));
  }

  @Test
  void mlpDropConnect() {
    var net = ReferenceNetworks.mlp(5);
    checkInvariance(net, McDropConnect.patch(net, 0.3, "Linear"), Networks.input(6, 0, 1, 64, 784));
  }

  @Test
  void cnnDropConnectOnConvolutions() {
    var net = ReferenceNetworks.cnn(7);
    checkInvariance(net, McDropConnect.patch(net, 0.2, "Conv2d"), Networks.input(8, 0, 1, 64, 784));
  }

  @Test
  void consistentMasksAreSharedByThePool() {
    var net = ReferenceNetworks.mlp(9);
    INDArray one = Networks.input(10, 0, 1, 1, 784);
    INDArray twice = org.nd4j.linalg.factory.Nd4j.concat(0, one, one);
    SamplerConfig cfg = SamplerConfig.defaults().withSeed(3);
    Samples consistent = sample(McDropout.patch(net), cfg.withMaskMode(MaskMode.CONSISTENT), twice, 10);
    assertSameSamples(consistent.slice(0, 1), consistent.slice(1, 2), "same masks for every example");
    Samples independent = sample(McDropout.patch(net), cfg, twice, 10);
    assertNotEquals(independent.slice(0, 1), independent.slice(1, 2), "independent masks differ between examples");
    // Consistent samples are also invariant to batching and chunking.
    assertSameSamples(consistent, sample(McDropout.patch(net), cfg.withMaskMode(MaskMode.CONSISTENT)
        .withIterationMode(IterationMode.LOOP), twice, 10), "consistent, loop mode");
  }

  @Test
  void cachedPrefixRunsOncePerExampleAndUncachedOncePerSample() {
    var net = ReferenceNetworks.cnn(11);
    INDArray x = Networks.input(12, 0, 1, 16, 784);
    int t = 20;
    for (boolean cached : new boolean[] {true, false}) {
      try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults().withCachePrefix(cached))) {
        s.predictOnBatch(x, t);
        ForwardPlan plan = s.plan(new int[][] {{784}});
        long[] rows = s.rowsComputed(plan);
        int convs = 0;
        for (PlanNode n : plan.nodes()) {
          if (!n.isInput() && n.kernel().describe().startsWith("conv")) {
            convs++;
            assertEquals(cached ? 16 : 16 * t, rows[n.id()], "rows through " + n + ", cached=" + cached);
          }
          if (!n.isInput() && n.kernel().describe().startsWith("dense")) {
            assertEquals(16 * t, rows[n.id()], "the stochastic suffix runs per sample: " + n);
          }
        }
        assertEquals(2, convs);
      }
    }
  }

  @Test
  void cnnPeakMemoryStaysUnderTheBudgetIncludingConvolutionScratch() {
    var net = ReferenceNetworks.cnn(15);
    INDArray x = Networks.input(16, 0, 1, 40, 784);
    long budget = 8L << 20;
    Samples full;
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults())) {
      full = s.predictOnBatch(x, 20);
    }
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults().withMemoryBudget(budget))) {
      assertSameSamples(full, s.predictOnBatch(x, 20), "8 MiB budget");
      assertTrue(s.peakRunnerBytes() <= budget, "peak " + s.peakRunnerBytes() + " > budget " + budget);
    }
  }

  @Test
  void smallBudgetStillGivesTheFullResultWithinItsMemory() {
    var net = ReferenceNetworks.mlp(13);
    INDArray x = Networks.input(14, 0, 1, 200, 784);
    int t = 30;
    Samples full = sample(McDropout.patch(net), SamplerConfig.defaults(), x, t);
    // Full replication needs 200 * 30 * (512 + 512 + 10 + ...) floats = ~25 MB; give it 1 MB.
    long budget = 1 << 20;
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults().withMemoryBudget(budget))) {
      assertSameSamples(full, s.predictOnBatch(x, t), "1 MiB budget");
      assertTrue(s.peakRunnerBytes() <= budget, "peak " + s.peakRunnerBytes() + " > budget " + budget);
    }
  }
}
