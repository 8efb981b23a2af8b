package org.mcposterior.stats;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * Thrown when two moment accumulators cannot be combined: their output shapes (class counts) or
 * batch sizes differ, or an accumulator was asked to combine with itself. The message names both
 * values and the fix.
 */
public final class IncompatibleMomentsException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public IncompatibleMomentsException(String message) {
    super(message);
  }
}
