package org.mcposterior.errors;

/**
 * A refusal of the state things are in rather than of an argument: a process whose BLAS computes
 * wrong products, a network with nothing stochastic to sample, a run that needs more memory than it
 * has. The message names what was found, what was expected and the fix. Each concrete subclass
 * names one kind; catch this type to catch them all, or {@link IllegalStateException} with the
 * JDK's own.
 */
public abstract class McPosteriorStateException extends IllegalStateException implements McPosteriorException {
  private static final long serialVersionUID = 1L;

  protected McPosteriorStateException(String message) {
    super(message);
  }

  /** With the failure that showed the problem, kept as the cause (its stack trace goes to the log). */
  protected McPosteriorStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
