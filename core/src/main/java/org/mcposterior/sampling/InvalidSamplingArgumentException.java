package org.mcposterior.sampling;

import org.mcposterior.errors.McPosteriorArgumentException;

/** A sampling argument is out of range. The message names the value, what was expected, and the fix. */
public final class InvalidSamplingArgumentException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidSamplingArgumentException(String message) {
    super(message);
  }
}
