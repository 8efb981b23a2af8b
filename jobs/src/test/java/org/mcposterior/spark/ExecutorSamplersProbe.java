package org.mcposterior.spark;

/** Test access to the executor-side sampler cache's counters for tests outside this package. */
public final class ExecutorSamplersProbe {
  private ExecutorSamplersProbe() {}

  /** How many times this JVM deserialised a model. */
  public static int modelLoads() {
    return ExecutorSamplers.modelLoads();
  }
}
