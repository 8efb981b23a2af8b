package org.mcposterior.jobs.report;

import org.mcposterior.errors.McPosteriorArgumentException;

/** A report or sample output path that cannot be written as asked (exists, is a folder, no parent). */
public final class ReportPathException extends McPosteriorArgumentException {
  private static final long serialVersionUID = 1L;

  public ReportPathException(String message) {
    super(message);
  }
}
