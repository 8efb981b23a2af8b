package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.score.Fixtures;
import org.mcposterior.models.Network;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The executor-side sampler cache: one sampler per model and settings, shared while in use, and
 * bounded, so a JVM that scores one model after another (the learn loop) keeps the native memory
 * of a few samplers, not of every model it ever saw.
 */
class ExecutorSamplersTest {
  static SparkSession spark;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
  }

  @Test
  void oneSamplerPerModelSharedWhileLeasedAndBoundedWhenIdle() throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ScorerSettings s = ScorerSettings.builder().iterations(4).build(); // the command line's defaults
    List<Broadcast<byte[]>> models = new ArrayList<>();
    List<String> prints = new ArrayList<>();
    for (int seed = 1; seed <= 5; seed++) {
      Path p = Fixtures.save(Networks.tabularMlp(100 + seed), dir, "m" + seed + ".zip");
      byte[] bytes = Files.readAllBytes(p);
      models.add(jsc.broadcast(bytes));
      prints.add(Network.fromBytes(bytes, p.toString()).fingerprint());
    }
    int loads = ExecutorSamplers.modelLoads();
    try (ExecutorSamplers.Lease a = ExecutorSamplers.lease(prints.get(0), models.get(0), s, s.samplerConfig());
        ExecutorSamplers.Lease b = ExecutorSamplers.lease(prints.get(0), models.get(0), s, s.samplerConfig())) {
      assertSame(a.sampler(), b.sampler(), "one sampler for one model and settings, shared by concurrent tasks");
      PosteriorSampler held = a.sampler();
      for (int m = 1; m < 5; m++) {
        try (ExecutorSamplers.Lease other = ExecutorSamplers.lease(prints.get(m), models.get(m), s, s.samplerConfig())) {
          assertTrue(ExecutorSamplers.held() <= ExecutorSamplers.KEPT + 1, "the leased one plus the kept ones");
        }
      }
      assertSame(held, a.sampler(), "a sampler in use is never evicted");
      assertTrue(held.predictOnBatch(new float[][] {new float[12]}, new int[][] {{12}}, new long[] {1}, 0, 4).size() == 1,
          "and it still samples");
    }
    assertEquals(5, ExecutorSamplers.modelLoads() - loads, "each model deserialised once");
    assertTrue(ExecutorSamplers.held() <= ExecutorSamplers.KEPT, "idle samplers beyond the bound are closed");
  }
}
