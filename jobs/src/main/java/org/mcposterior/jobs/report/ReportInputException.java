package org.mcposterior.jobs.report;

/** A {@code report} input that cannot be reported on: not a score output, a missing or unfit label column. */
public final class ReportInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ReportInputException(String message) {
    super(message);
  }

  public ReportInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
