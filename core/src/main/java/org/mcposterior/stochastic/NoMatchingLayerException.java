package org.mcposterior.stochastic;

import org.mcposterior.errors.McPosteriorArgumentException;

/** Layer-type names that are unknown or match no layer of the network. */
public final class NoMatchingLayerException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public NoMatchingLayerException(String message) {
    super(message);
  }
}
