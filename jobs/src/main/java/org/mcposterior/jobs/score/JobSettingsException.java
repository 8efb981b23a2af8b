package org.mcposterior.jobs.score;

/**
 * A job setting or the job's input is invalid. The message names the value, what was expected, and
 * the fix. What the commands' own checks throw for what the scoring API's {@link
 * org.mcposterior.spark.InvalidSettingsException} says of the API's settings (the API's type is the
 * base, see there), named apart from it as every exception of the project is.
 */
public final class JobSettingsException extends org.mcposterior.spark.InvalidSettingsException {
  private static final long serialVersionUID = 1L;

  public JobSettingsException(String message) {
    super(message);
  }

  public JobSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
