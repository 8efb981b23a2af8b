package org.mcposterior.models;

import org.mcposterior.errors.McPosteriorArgumentException;

/** A model file is missing, unreadable or not a DL4J network. The message names the file and the fix. */
public final class ModelLoadException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }

  public ModelLoadException(String message) {
    super(message);
  }
}
