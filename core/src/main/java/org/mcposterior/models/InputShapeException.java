package org.mcposterior.models;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * An input's shape or values do not fit the network. The message names the value, what the
 * network expects, and the fix.
 */
public final class InputShapeException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InputShapeException(String message) {
    super(message);
  }

  /** With the DL4J failure that showed the mismatch. */
  public InputShapeException(String message, Throwable cause) {
    super(message, cause);
  }
}
