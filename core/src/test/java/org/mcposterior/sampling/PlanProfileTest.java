package org.mcposterior.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.mcposterior.forward.ForwardPlan;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.stochastic.McDropout;
import org.junit.jupiter.api.Test;

/** A sampler's plan profile and output shape are its plan's, read without the forward engine's types. */
class PlanProfileTest {

  @Test
  void profileIsThePlansFlopsAndNodes() {
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(ReferenceNetworks.mlp(1)), SamplerConfig.defaults())) {
      int[][] shapes = {{784}};
      ForwardPlan plan = s.plan(shapes);
      PlanProfile p = s.profile(shapes);
      assertArrayEquals(plan.flops(), new long[] {p.flopsPerExample(), p.flopsPerSample()});
      assertEquals(plan.nodes().size(), p.nodes().size());
      assertEquals(String.valueOf(plan.nodes().get(1)), p.nodes().get(1));
      assertArrayEquals(s.nanosSpent(plan), p.nanosSpent());
      // Two FLOPs per multiply-add: 784x512 once per example (the cached prefix); 512x512 and 512x10 once per sample.
      assertEquals(2L * 784 * 512, p.flopsPerExample());
      assertTrue(p.flopsPerSample() >= 2 * (512L * 512 + 512L * 10), "suffix FLOPs " + p.flopsPerSample());
      assertArrayEquals(new int[] {10}, s.outputShape(shapes, 0));
      assertEquals(10, s.outputSize(shapes, 0));
    }
  }
}
