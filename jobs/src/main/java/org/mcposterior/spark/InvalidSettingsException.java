package org.mcposterior.spark;

/**
 * A scoring setting is invalid, as the settings alone show (a non-positive iteration count, an
 * unknown heuristic, a batch that cannot fit in memory). The command line turns it into exit code
 * 2. The message names the value, what was expected, and the fix.
 *
 * <p>Not final only so that the command line's exception of the same name in the
 * {@code score} command's package is one of these: a caller catching this type catches both.
 */
public class InvalidSettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingsException(String message) {
    super(message);
  }

  public InvalidSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
