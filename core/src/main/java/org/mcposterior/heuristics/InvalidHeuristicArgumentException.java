package org.mcposterior.heuristics;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * Thrown for a heuristic argument out of its range: {@code k} larger than the pool or negative, a
 * reduction that leaves more than one score per example, a non-positive beta or draw count,
 * negative or mismatched weights, a negative score given to power sampling. The message names the
 * value, what was expected and the fix.
 */
public final class InvalidHeuristicArgumentException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidHeuristicArgumentException(String message) {
    super(message);
  }
}
