package org.mcposterior.heuristics;

/**
 * Which network samples a sample tensor was drawn with, for the heuristics that compare samples
 * across examples (BatchBALD, EPIG): they need consistent masks, one network sample per
 * iteration shared by every example (DESIGN.md, invariant 4), and EPIG needs the pool and the
 * target drawn with the same ones. {@link org.mcposterior.stats.Samples} carry only floats, so
 * the sampler's caller states this next to them.
 *
 * @param masterSeed the seed the masks derive from
 * @param firstIteration the index of the first iteration in the tensor (a shard starts later)
 * @param iterations the number of iterations {@code T}
 * @param consistent whether masks are per iteration only (shared by all examples) rather than per
 *     (example, iteration)
 */
public record MaskProvenance(long masterSeed, int firstIteration, int iterations, boolean consistent) {

  public MaskProvenance {
    if (firstIteration < 0 || iterations < 0) {
      throw new InvalidHeuristicArgumentException("mask provenance with first iteration " + firstIteration
          + " and " + iterations + " iterations: expected both >= 0");
    }
  }

  /** Consistent masks of iterations {@code [0, iterations)} from {@code masterSeed}. */
  public static MaskProvenance consistent(long masterSeed, int iterations) {
    return new MaskProvenance(masterSeed, 0, iterations, true);
  }

  /**
   * Checks that these masks are consistent and that a tensor of {@code tensorIterations}
   * iterations was drawn with them.
   *
   * @throws MaskMismatchException naming the value and the fix
   */
  void requireConsistent(String what, int tensorIterations) {
    if (!consistent) {
      throw new MaskMismatchException(what + " samples were drawn with independent masks (" + this + "): expected"
          + " consistent masks, one network sample per iteration shared by all examples. Fix: sample with"
          + " consistent masks");
    }
    if (iterations != tensorIterations) {
      throw new MaskMismatchException(what + " samples have " + tensorIterations + " iterations but their masks"
          + " describe " + iterations + " (" + this + "). Fix: pass the provenance of these very samples");
    }
  }

  /**
   * Checks that {@code other} names the same network samples as these.
   *
   * @throws MaskMismatchException naming both and the fix
   */
  void requireSameAs(MaskProvenance other, String mine, String theirs) {
    if (!equals(other)) {
      throw new MaskMismatchException(theirs + " masks " + other + " differ from the " + mine + " masks " + this
          + ": expected the same consistent masks (same seed and iterations), so that iteration t is the"
          + " same network sample for both. Fix: sample both with the same sampler settings");
    }
  }
}
