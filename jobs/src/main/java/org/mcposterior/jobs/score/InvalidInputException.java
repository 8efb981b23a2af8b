package org.mcposterior.jobs.score;

/**
 * A run's input (the model, the pool, the target, the place of {@code --out}) cannot be used, as
 * found by looking at it: a missing file, a wrong column, a pool in another format. Exit code 1,
 * unlike {@link InvalidSettingsException}, which the arguments alone show (exit code 2). The message
 * names the value, what was expected, and the fix.
 */
public final class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
