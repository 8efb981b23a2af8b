package org.mcposterior.jobs.score;

/**
 * A run's input (the model, the pool, the target, the place of {@code --out}) cannot be used, as
 * found by looking at it: a missing file, a wrong column, a pool in another format. Exit code 1,
 * unlike {@link JobSettingsException}, which the arguments alone show (exit code 2). The message
 * names the value, what was expected, and the fix.
 *
 * <p>What the commands' own checks throw for what the scoring API's {@link
 * org.mcposterior.spark.InvalidInputException} says of the API's input: the API cannot depend on
 * the command line, so the API's type is the base and this one is one of them (a caller catching
 * the API's type catches both). Named apart from it, as every exception of the project is.
 */
public final class JobInputException extends org.mcposterior.spark.InvalidInputException {
  private static final long serialVersionUID = 1L;

  public JobInputException(String message) {
    super(message);
  }

  public JobInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
