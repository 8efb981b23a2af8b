package org.mcposterior.training;

import org.mcposterior.errors.McPosteriorArgumentException;

/** A training setting or an active-learning argument is out of range; the message names the value and the fix. */
public final class InvalidTrainingArgumentException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidTrainingArgumentException(String message) {
    super(message);
  }
}
