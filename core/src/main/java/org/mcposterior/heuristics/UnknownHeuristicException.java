package org.mcposterior.heuristics;

import org.mcposterior.errors.McPosteriorArgumentException;

/** Thrown by {@link Heuristic#byName} for a name it does not know; the message lists the valid names. */
public final class UnknownHeuristicException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public UnknownHeuristicException(String message) {
    super(message);
  }
}
