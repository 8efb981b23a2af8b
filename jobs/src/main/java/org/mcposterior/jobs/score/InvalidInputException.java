package org.mcposterior.jobs.score;

/**
 * A run's input (the model, the pool, the target, the place of {@code --out}) cannot be used, as
 * found by looking at it: a missing file, a wrong column, a pool in another format. Exit code 1,
 * unlike {@link InvalidSettingsException}, which the arguments alone show (exit code 2). The message
 * names the value, what was expected, and the fix.
 *
 * <p>The command-line side's name for the scoring API's {@link
 * org.mcposterior.spark.InvalidInputException}: the API cannot depend on the command line, so the
 * API type is the base and this one, thrown by the command's own checks, is one of them.
 */
public final class InvalidInputException extends org.mcposterior.spark.InvalidInputException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
