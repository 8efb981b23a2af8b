package org.mcposterior.training;

/** A training setting or an active-learning argument is out of range; the message names the value and the fix. */
public final class InvalidTrainingArgumentException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidTrainingArgumentException(String message) {
    super(message);
  }
}
