package org.mcposterior.sampling;

import org.mcposterior.randomness.MaskMode;

/**
 * Settings of a {@link PosteriorSampler}, one immutable value validated when built.
 *
 * @param seed master seed of every mask (DESIGN.md, invariant 4)
 * @param maskMode independent masks per example (default) or consistent masks shared by the pool
 * @param iterationMode replicate iterations into large batches (default) or loop over them
 * @param memoryBudgetBytes native memory one sampling thread may hold for activations, scratch
 *     and per-iteration DropConnect weights (default 256 MiB); chunks are sized to fit
 * @param cachePrefix run the layers before the first stochastic site once per example (default);
 *     false runs them once per sample, as baal does (for checks and measurements)
 * @param allowDeterministic sample a network without stochastic parts (T equal samples) instead
 *     of refusing it
 * @param threads sampling threads (default 1); each has its own share of the memory budget
 */
public record SamplerConfig(long seed, MaskMode maskMode, IterationMode iterationMode, long memoryBudgetBytes,
    boolean cachePrefix, boolean allowDeterministic, int threads) implements java.io.Serializable {

  /** 256 MiB. */
  public static final long DEFAULT_MEMORY_BUDGET = 256L << 20;

  public SamplerConfig {
    if (maskMode == null || iterationMode == null) {
      throw new InvalidSamplingArgumentException("mask mode and iteration mode must be given");
    }
    if (memoryBudgetBytes < (1 << 16)) {
      throw new InvalidSamplingArgumentException("memory budget = " + memoryBudgetBytes + " bytes; expected at least"
          + " 65536 bytes (the default is " + DEFAULT_MEMORY_BUDGET + ")");
    }
    if (threads < 1 || threads > 1024) {
      throw new InvalidSamplingArgumentException("threads = " + threads + "; expected 1 to 1024");
    }
  }

  /** Seed 0, independent masks, replicated iterations, 256 MiB, cached prefix, one thread. */
  public static SamplerConfig defaults() {
    return new SamplerConfig(0L, MaskMode.INDEPENDENT, IterationMode.REPLICATE, DEFAULT_MEMORY_BUDGET, true, false, 1);
  }

  public SamplerConfig withSeed(long s) {
    return new SamplerConfig(s, maskMode, iterationMode, memoryBudgetBytes, cachePrefix, allowDeterministic, threads);
  }

  public SamplerConfig withMaskMode(MaskMode m) {
    return new SamplerConfig(seed, m, iterationMode, memoryBudgetBytes, cachePrefix, allowDeterministic, threads);
  }

  public SamplerConfig withIterationMode(IterationMode m) {
    return new SamplerConfig(seed, maskMode, m, memoryBudgetBytes, cachePrefix, allowDeterministic, threads);
  }

  public SamplerConfig withMemoryBudget(long bytes) {
    return new SamplerConfig(seed, maskMode, iterationMode, bytes, cachePrefix, allowDeterministic, threads);
  }

  public SamplerConfig withCachePrefix(boolean c) {
    return new SamplerConfig(seed, maskMode, iterationMode, memoryBudgetBytes, c, allowDeterministic, threads);
  }

  public SamplerConfig withAllowDeterministic(boolean a) {
    return new SamplerConfig(seed, maskMode, iterationMode, memoryBudgetBytes, cachePrefix, a, threads);
  }

  public SamplerConfig withThreads(int t) {
    return new SamplerConfig(seed, maskMode, iterationMode, memoryBudgetBytes, cachePrefix, allowDeterministic, t);
  }
}
