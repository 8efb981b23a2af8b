package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Tails of log files and strings, for failure messages: the end of a log is where a JVM says why it died. */
final class Logs {

  /** Bytes read from the end of a file: enough for ~100 long log lines, whatever the file's size. */
  private static final int TAIL_BYTES = 16 * 1024;

  private Logs() {
  }

  /** The last {@code lines} lines of a string. */
  static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
    return String.join("\n", Arrays.asList(all).subList(Math.max(0, end - lines), end));
  }

  /** The last {@code lines} lines of a file, or a note saying why there are none. */
  static String tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "(no file " + file + ")";
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, TAIL_BYTES);
      byte[] buf = new byte[n];
      f.seek(len - n);
      f.readFully(buf);
      String s = tail(new String(buf, StandardCharsets.UTF_8), lines);
      return s.isEmpty() ? "(empty)" : s;
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /** A file's whole content as text, or empty if it does not exist (yet). */
  static String read(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
