package org.mcposterior.stochastic;

import org.mcposterior.errors.McPosteriorArgumentException;

/** A probability argument is outside its range. The message names the value, the range and the fix. */
public final class InvalidProbabilityException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidProbabilityException(String message) {
    super(message);
  }

  /**
   * Checks a drop probability {@code p} in {@code [0, 1)}.
   *
   * @param what what the probability is for, e.g. {@code "dropout p"}
   * @return {@code p}
   */
  public static double requireDropProbability(double p, String what) {
    if (!(p >= 0 && p < 1)) {
      throw new InvalidProbabilityException(what + " = " + p + " is outside [0, 1): it is the probability of"
          + " dropping a unit (as in baal and PyTorch), not DL4J's retain probability; pass 1 - retain,"
          + " e.g. 0.5 for DL4J's dropOut(0.5)");
    }
    return p;
  }
}
