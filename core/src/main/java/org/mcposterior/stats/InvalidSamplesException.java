package org.mcposterior.stats;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * Thrown when posterior samples cannot be scored or turned into moments: wrong rank or shape,
 * fewer than two classes, no iterations, an empty pool, a non-finite value, or (with {@link
 * Probabilities#GIVEN}) a value that is not a probability. The message names the offending value
 * and where it is, what was expected, and how to fix it.
 */
public final class InvalidSamplesException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidSamplesException(String message) {
    super(message);
  }
}
