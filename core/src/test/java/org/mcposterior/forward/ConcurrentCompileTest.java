package org.mcposterior.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SampleArrays;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Compiling runs the user's own network: the compile-time probes (a fallback node's measured
 * shape, a gather layer's map, batch-norm's scale and shift) call DL4J's layers, which keep their
 * last input. Two threads compiling plans for the same network (two samplers of one model in an
 * executor JVM, or two input shapes at once) must still get the same plan and the same samples as
 * one thread alone.
 */
class ConcurrentCompileTest {
  static final int THREADS = 2;
  static final int COMPILES = 12;

  @Test
  void concurrentCompilesOfOneNetworkGiveIdenticalPlansAndSamples() throws Exception {
    // zero padding and upsampling are gathers whose maps are read off DL4J's layers by probes of
    // two different inputs: without the compile lock, one thread's probe reads the other's input
    // (the layer keeps its last input) and the gather falls back to DL4J, or the probe fails
    StochasticNetwork net = McDropout.patch(Networks.fallbackLayers(11, 0.5));
    INDArray x = Networks.input(12, -1, 1, 3, 2, 8, 8);
    int[][] shape = {{2, 8, 8}};
    SamplerConfig cfg = SamplerConfig.defaults().withSeed(3);
    String plan;
    INDArray samples;
    try (PosteriorSampler s = PosteriorSampler.of(net, cfg)) {
      plan = s.plan(shape).describe();
      samples = SampleArrays.toINDArray(s.predictOnBatch(x, 4));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(THREADS);
      List<Future<Void>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(pool.submit(() -> {
          start.countDown();
          start.await();
          for (int i = 0; i < COMPILES; i++) {
            ForwardPlan p = PlanCompiler.compile(net, shape, true);
            assertEquals(plan, p.describe(), "compile " + i + " on " + Thread.currentThread().getName());
          }
          try (PosteriorSampler s = PosteriorSampler.of(net, cfg)) {
            assertEquals(samples, SampleArrays.toINDArray(s.predictOnBatch(x, 4)), "samples of a concurrently"
                + " compiled plan");
          }
          return null;
        }));
      }
      for (Future<Void> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
