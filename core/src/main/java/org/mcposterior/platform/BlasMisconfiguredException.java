package org.mcposterior.platform;

import org.mcposterior.errors.McPosteriorStateException;

/**
 * Thrown when the process's BLAS computes wrong matrix products, so nothing it computes can be
 * trusted. The message names the product that failed, the error measured and the fix.
 */
public final class BlasMisconfiguredException extends McPosteriorStateException {
  private static final long serialVersionUID = 1L;

  public BlasMisconfiguredException(String message) {
    super(message);
  }
}
