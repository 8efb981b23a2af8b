package org.mcposterior.settings;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * A setting's text (from the command line) or JSON value (from a run summary) is not a value of
 * its type. The message names the text and what was expected; the command line adds the option.
 */
public final class InvalidSettingValueException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingValueException(String message) {
    super(message);
  }

  public InvalidSettingValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
