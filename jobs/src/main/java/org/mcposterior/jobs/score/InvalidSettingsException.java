package org.mcposterior.jobs.score;

/** A job setting or the job's input is invalid. The message names the value, what was expected, and the fix. */
public final class InvalidSettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingsException(String message) {
    super(message);
  }

  public InvalidSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
