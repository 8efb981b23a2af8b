package org.mcposterior.evaluation;

/** Input to an evaluation that cannot be evaluated: wrong lengths, labels out of range, bad bin counts. */
public final class InvalidEvaluationInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidEvaluationInputException(String message) {
    super(message);
  }
}
