package org.mcposterior.jobs.cluster;

import org.mcposterior.errors.McPosteriorStateException;

/**
 * Thrown when the test cluster cannot do what was asked: a daemon did not start or died, workers
 * did not register in time, a submission timed out, a process to kill is not one of this cluster's
 * executors. The message names the value, what was expected and what to look at, and ends with the
 * tails of the relevant logs, so a failed CI run explains itself without the log files.
 */
public final class ClusterException extends McPosteriorStateException {
  private static final long serialVersionUID = 1L;

  public ClusterException(String message) {
    super(message);
  }

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
