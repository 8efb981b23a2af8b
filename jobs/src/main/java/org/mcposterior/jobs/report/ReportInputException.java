package org.mcposterior.jobs.report;

import org.mcposterior.errors.McPosteriorArgumentException;

/** A {@code report} input that cannot be reported on: not a score output, a missing or unfit label column. */
public final class ReportInputException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public ReportInputException(String message) {
    super(message);
  }

  public ReportInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
