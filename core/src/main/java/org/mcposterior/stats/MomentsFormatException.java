package org.mcposterior.stats;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * Thrown when bytes cannot be read back as moments: an unknown format version, a different kind
 * (example versus batch), a wrong length (truncated or padded) or a checksum mismatch. The
 * message names the value found, the value expected and the fix.
 */
public final class MomentsFormatException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public MomentsFormatException(String message) {
    super(message);
  }
}
