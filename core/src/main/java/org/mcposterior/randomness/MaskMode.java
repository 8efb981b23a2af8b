package org.mcposterior.randomness;

/**
 * Whether dropout masks differ between examples.
 */
public enum MaskMode {
  /**
   * One mask per (example, iteration, site): the examples of a pool are sampled independently.
   * The default, and what MC Dropout means in baal.
   */
  INDEPENDENT,
  /**
   * One mask per (iteration, site), shared by every example of the pool: iteration {@code t} is
   * one network drawn from the approximate posterior and applied to the whole pool. Required for
   * joint scores across examples (BatchBALD, EPIG).
   */
  CONSISTENT;

  /** Parses {@code independent} or {@code consistent}, case-insensitively. */
  public static MaskMode parse(String name) {
    for (MaskMode m : values()) {
      if (m.name().equalsIgnoreCase(name.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("mask mode '" + name + "' is not known; expected 'independent' or 'consistent'");
  }
}
