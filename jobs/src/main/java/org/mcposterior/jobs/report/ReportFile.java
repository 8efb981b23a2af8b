package org.mcposterior.jobs.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a page to a local file safely: the text goes to a hidden temporary sibling first and is
 * renamed over the target atomically, so a reader never sees half a page and a failure leaves the
 * old file (or nothing) behind. An existing target is replaced only when asked.
 */
public final class ReportFile {
  private ReportFile() {}

  /**
   * Checks, before any work, that {@code target} may be written: refused when it exists and
   * {@code overwrite} is false, when it is a directory, or when its parent directory does not exist.
   *
   * @throws ReportPathException naming the path and the fix
   */
  public static void check(Path target, boolean overwrite) {
    Path abs = target.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      throw new ReportPathException("the report path " + target + " is a directory; expected a file name such as "
          + abs.resolve("report.html"));
    }
    if (Files.exists(abs) && !overwrite) {
      throw new ReportPathException("the report path " + target + " already exists; choose another --out or add"
          + " --overwrite to replace it");
    }
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new ReportPathException("the folder of the report path " + target + " does not exist; create "
          + parent + " first or choose another --out");
    }
  }

  /**
   * Refuses a report path that is or lies inside one of {@code inputs} (option name -> local path;
   * null values skipped): a report never writes into the data it reports on (DESIGN.md, invariant 8).
   */
  public static void checkOutside(Path target, java.util.Map<String, String> inputs) {
    Path abs = target.toAbsolutePath().normalize();
    for (var in : inputs.entrySet()) {
      if (in.getValue() == null || in.getValue().contains("://")) {
        continue;
      }
      Path input = Path.of(in.getValue().startsWith("file:") ? in.getValue().substring(5) : in.getValue())
          .toAbsolutePath().normalize();
      if (abs.startsWith(input)) {
        throw new ReportPathException("the report path " + target + (abs.equals(input) ? " is " : " lies inside ")
            + in.getKey() + " " + in.getValue() + "; a report never writes into its inputs: choose a path outside them");
      }
    }
  }

  /** {@link #check}s, then writes {@code html} to {@code target} through a temporary sibling and an atomic rename. */
  public static void write(Path target, String html, boolean overwrite) {
    check(target, overwrite);
    Path abs = target.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("could not write the report " + target + ": " + e.getMessage(), e);
    }
  }
}
