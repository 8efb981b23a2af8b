package org.mcposterior.stochastic;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * A layer or stochastic part the MC forward pass cannot run. The message names the layer, what is
 * supported and what to do instead.
 */
public final class UnsupportedLayerException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public UnsupportedLayerException(String message) {
    super(message);
  }
}
