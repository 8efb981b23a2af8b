package org.mcposterior.sampling;

import java.util.List;

/**
 * What one compiled inference plan of a sampler costs, without the forward engine's types: the
 * FLOPs (two per multiply-add) of its dense and convolution kernels per example (the deterministic prefix,
 * run once per example) and per sample (the stochastic suffix, run once per example-iteration),
 * and per plan node its description and the nanoseconds spent in it so far by every runner (zero
 * unless the runners time their nodes).
 *
 * <p>A snapshot: later calls of the sampler do not change it.
 *
 * @param flopsPerExample FLOPs of the cached prefix, once per example
 * @param flopsPerSample FLOPs of the stochastic suffix, once per example and iteration
 * @param nodes one description per plan node, in plan order
 * @param nanosSpent per plan node, in plan order, nanoseconds summed over the sampler's runners
 */
public record PlanProfile(long flopsPerExample, long flopsPerSample, List<String> nodes, long[] nanosSpent) {
  public PlanProfile {
    nodes = List.copyOf(nodes);
    nanosSpent = nanosSpent.clone();
    if (nanosSpent.length != nodes.size()) {
      throw new IllegalArgumentException(nodes.size() + " nodes but " + nanosSpent.length + " timings");
    }
  }

  /** Per node, nanoseconds spent (a copy). */
  @Override
  public long[] nanosSpent() {
    return nanosSpent.clone();
  }
}
