package org.mcposterior.heuristics;

import org.mcposterior.errors.McPosteriorArgumentException;

/**
 * Thrown when two sample tensors that must come from the same network samples do not: EPIG's
 * target samples with another iteration count or other masks than the pool's, or BatchBALD / EPIG
 * given samples drawn with independent (per-example) masks. The message names both values and the
 * fix.
 */
public final class MaskMismatchException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public MaskMismatchException(String message) {
    super(message);
  }
}
