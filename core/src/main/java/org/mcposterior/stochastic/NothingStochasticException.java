package org.mcposterior.stochastic;

import org.mcposterior.errors.McPosteriorStateException;

/**
 * Sampling was asked of a network with no stochastic part: its T samples would all be equal, so
 * its uncertainty scores would all be zero. Refused by default; see
 * {@code SamplerConfig.allowDeterministic} to get the T equal samples anyway.
 */
public final class NothingStochasticException extends McPosteriorStateException {
  private static final long serialVersionUID = 1L;

  public NothingStochasticException(String message) {
    super(message);
  }
}
