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
 * old file (or nothing) behind. An existing target is replaced only when asked, and only when it
 * is a page an mcposterior run wrote, unchanged since (DESIGN.md, invariant 8): every page ends
 * with its manifest, one comment line {@code <!-- mcposterior-page version=1 run=<id>
 * sha256=<hex> -->} holding the checksum of everything before it, so a user's own file of the same
 * name, or a page edited since, is never replaced.
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
    if (Files.isSymbolicLink(abs)) {
      throw new ReportPathException("the report path " + target + " is a symbolic link, which no run writes; choose"
          + " another --out");
    }
    if (Files.exists(abs) && !overwrite) {
      throw new ReportPathException("the report path " + target + " already exists; choose another --out or add"
          + " --overwrite to replace it");
    }
    if (Files.exists(abs)) {
      String problem = problem(abs);
      if (problem != null) {
        throw new ReportPathException("the report path " + target + " exists and is not a page an mcposterior run"
            + " wrote (" + problem + "); --overwrite replaces only such a page, unchanged since it was written, so"
            + " nothing was changed: choose another --out, or move the file away");
      }
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
      Files.write(tmp, signed(html, java.util.UUID.randomUUID().toString()));
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

  private static final String MARK = "<!-- mcposterior-page ";
  private static final java.util.regex.Pattern TRAILER = java.util.regex.Pattern.compile(
      "<!-- mcposterior-page version=1 run=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
          + " sha256=([0-9a-f]{64}) -->\\n");

  /** The page's bytes: {@code html} (ending in a newline) and its manifest line. */
  static byte[] signed(String html, String runId) {
    String body = html.endsWith("\n") ? html : html + "\n";
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String trailer = MARK + "version=1 run=" + runId + " sha256=" + sha256(b, b.length) + " -->\n";
    byte[] t = trailer.getBytes(StandardCharsets.UTF_8);
    byte[] all = java.util.Arrays.copyOf(b, b.length + t.length);
    System.arraycopy(t, 0, all, b.length, t.length);
    return all;
  }

  /** Null when {@code page} is a page a run wrote and unchanged since; else what is wrong with it. */
  public static String problem(Path page) {
    byte[] all;
    try {
      if (!Files.isRegularFile(page, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return "not a regular file";
      }
      all = Files.readAllBytes(page);
    } catch (IOException e) {
      return "it cannot be read: " + e.getMessage();
    }
    int at = lastIndexOf(all, MARK.getBytes(StandardCharsets.UTF_8));
    if (at < 0) {
      return "it has no mcposterior page manifest";
    }
    java.util.regex.Matcher m = TRAILER.matcher(new String(all, at, all.length - at, StandardCharsets.UTF_8));
    if (!m.matches()) {
      return "its mcposterior page manifest is malformed or is not its last line";
    }
    if (!m.group(1).equals(sha256(all, at))) {
      return "it was changed since it was written: its checksum differs";
    }
    return null;
  }

  private static int lastIndexOf(byte[] a, byte[] needle) {
    outer:
    for (int i = a.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String sha256(byte[] b, int len) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update(b, 0, len);
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
