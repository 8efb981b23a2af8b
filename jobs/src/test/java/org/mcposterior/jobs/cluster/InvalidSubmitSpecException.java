package org.mcposterior.jobs.cluster;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * Thrown by {@link SubmitSpec.Builder#build} for a submission that could not run as meant: blank
 * main class, missing jar, a comma in a jar path, a setting spark-submit would ignore, a timeout
 * that is not positive. The message names the value, what was expected and the fix.
 */
public final class InvalidSubmitSpecException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidSubmitSpecException(String message) {
    super(message);
  }
}
