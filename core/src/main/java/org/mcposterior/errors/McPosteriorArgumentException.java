package org.mcposterior.errors;

/**
 * A refusal of something the caller gave: a setting or argument out of range, an input (a model
 * file, a pool, a column, a shape) that cannot be used as asked. The message names the value, what
 * was expected and the fix. Each concrete subclass names one kind of refusal; catch this type to
 * catch them all, or {@link IllegalArgumentException} with the JDK's own.
 */
public abstract class McPosteriorArgumentException extends IllegalArgumentException implements McPosteriorException {
  private static final long serialVersionUID = 1L;

  protected McPosteriorArgumentException(String message) {
    super(message);
  }

  /** With the failure that showed the problem, kept as the cause (its stack trace goes to the log). */
  protected McPosteriorArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
