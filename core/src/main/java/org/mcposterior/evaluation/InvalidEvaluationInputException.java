package org.mcposterior.evaluation;

import org.mcposterior.errors.McPosteriorArgumentException;

/** Input to an evaluation that cannot be evaluated: wrong lengths, labels out of range, bad bin counts. */
public final class InvalidEvaluationInputException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidEvaluationInputException(String message) {
    super(message);
  }
}
