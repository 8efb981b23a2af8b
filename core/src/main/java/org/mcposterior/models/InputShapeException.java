package org.mcposterior.models;

/**
 * An input's shape or values do not fit the network. The message names the value, what the
 * network expects, and the fix.
 */
public final class InputShapeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InputShapeException(String message) {
    super(message);
  }

  /** With the DL4J failure that showed the mismatch. */
  public InputShapeException(String message, Throwable cause) {
    super(message, cause);
  }
}
