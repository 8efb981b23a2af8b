package org.mcposterior.jobs.score;

/**
 * A job setting or the job's input is invalid. The message names the value, what was expected, and
 * the fix. The command-line side's name for the scoring API's {@link
 * org.mcposterior.spark.InvalidSettingsException} (the API's type is the base, see there).
 */
public final class InvalidSettingsException extends org.mcposterior.spark.InvalidSettingsException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingsException(String message) {
    super(message);
  }

  public InvalidSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
