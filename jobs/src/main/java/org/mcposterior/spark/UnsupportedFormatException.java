package org.mcposterior.spark;

/**
 * A file that mcposterior reads back (a summary, a steps file, a manifest, a claim or a marker)
 * is in a format version this build does not read ({@link RunFormat}): written by a newer
 * mcposterior, or damaged. The message names the file, the version found, the versions this build
 * reads, and the fix; the command line exits 1.
 */
public class UnsupportedFormatException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public UnsupportedFormatException(String message) {
    super(message);
  }
}
