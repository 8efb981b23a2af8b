package org.mcposterior.sampling;

/** How the T iterations of a batch are run. Both give identical samples (keyed masks). */
public enum IterationMode {
  /**
   * Iterations replicated into large batches (as baal's {@code replicate_in_memory}), split into
   * chunks that fit the memory budget: fast.
   */
  REPLICATE,
  /** One iteration at a time: least memory. */
  LOOP
}
