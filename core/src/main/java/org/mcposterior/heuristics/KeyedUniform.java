package org.mcposterior.heuristics;

/**
 * Uniform numbers that are a pure function of {@code (seed, index)}: the {@code index}-th output of
 * a SplitMix64 stream seeded with a mixed {@code seed} (Steele, Lea and Flood 2014, the generator
 * behind {@link java.util.SplittableRandom}). Because nothing depends on the order of calls, the
 * random score of an example does not depend on how the pool is split into batches or partitions.
 */
final class KeyedUniform {
  private static final long GAMMA = 0x9e3779b97f4a7c15L;

  private KeyedUniform() {}

  /** A uniform double in the open interval {@code (0, 1)}, with 53 random bits. */
  static double uniform(long seed, long index) {
    long z = mix64(mix64(seed) + (index + 1) * GAMMA);
    return ((z >>> 11) + 0.5) * 0x1.0p-53;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
