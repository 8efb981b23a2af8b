package org.mcposterior.spark;

import org.mcposterior.errors.McPosteriorStateException;

/**
 * A run needs more memory than it has (Java heap or native memory), found before the work by
 * {@link ResourceCheck} or during it by a task. The message names the sizes and the fix. A task
 * throws this instead of letting an {@link OutOfMemoryError} through, which Spark would treat as
 * fatal and answer by killing the executor JVM (in local mode, the whole run, exit code 52).
 */
public final class ResourceExhaustedException extends McPosteriorStateException {
  private static final long serialVersionUID = 1L;

  public ResourceExhaustedException(String message) {
    super(message);
  }

  public ResourceExhaustedException(String message, Throwable cause) {
    super(message, cause);
  }
}
