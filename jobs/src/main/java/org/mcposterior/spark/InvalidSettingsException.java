package org.mcposterior.spark;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * A scoring setting is invalid, as the settings alone show (a non-positive iteration count, an
 * unknown heuristic, a batch that cannot fit in memory). The command line turns it into exit code
 * 2. The message names the value, what was expected, and the fix.
 *
 * <p>Not final only so that the command line's {@code JobSettingsException} is one of these: a
 * caller catching this type catches both.
 */
public class InvalidSettingsException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingsException(String message) {
    super(message);
  }

  public InvalidSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
