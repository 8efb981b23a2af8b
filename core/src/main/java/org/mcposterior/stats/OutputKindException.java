package org.mcposterior.stats;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * Thrown when a network output cannot be read as the {@link OutputKind} asked for or detected: a
 * kind that contradicts the output's shape (binary on ten outputs), an output layer whose kind
 * cannot be decided, or a kind this tool cannot score for that layer. The message names the layer
 * or the shape, what was expected, and the option that fixes it ({@code --output-kind}).
 */
public final class OutputKindException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public OutputKindException(String message) {
    super(message);
  }
}
