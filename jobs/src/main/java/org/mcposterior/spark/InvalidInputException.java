package org.mcposterior.spark;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * The input of a scoring call (the model, the pool, the target) cannot be used, as found by
 * looking at it: a missing column, a feature vector of the wrong length, a duplicated id, a NaN
 * feature, a model with nothing stochastic. The command line turns it into exit code 1, unlike
 * {@link InvalidSettingsException}, which the settings alone show (exit code 2). The message names
 * the value, what was expected, and the fix.
 *
 * <p>Not final only so that the command line's {@code JobInputException} (the same failure found by
 * the command-line side, e.g. an unusable {@code --out}) is one of these: a caller catching this
 * type catches both.
 */
public class InvalidInputException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
