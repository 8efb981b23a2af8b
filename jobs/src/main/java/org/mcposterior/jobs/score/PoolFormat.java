package org.mcposterior.jobs.score;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Looks at a pool before Spark reads it: the path exists, and its first data file is in the
 * format given with {@code --format} (a Parquet file starts with the magic bytes {@code PAR1}; a
 * text file whose first character is <code>{</code> is JSON lines, any other text is read as CSV).
 * A wrong format is then one sentence that names the format the file has, instead of Spark's
 * footer-reading stack trace.
 */
final class PoolFormat {
  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private PoolFormat() {}

  static void check(Configuration conf, String option, String path, String format) {
    try {
      Path p = UserPaths.parse(option, path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new InvalidInputException(option + " " + path + " does not exist; expected a " + format + " file or a"
            + " folder of them: check the path");
      }
      Optional<FileStatus> first = firstDataFile(fs, p);
      if (first.isEmpty()) {
        throw new InvalidInputException(option + " " + path + " holds no data files (only hidden or _-prefixed ones);"
            + " expected " + format + " files in it");
      }
      byte[] head = new byte[256];
      int n;
      try (InputStream in = fs.open(first.get().getPath())) {
        n = in.readNBytes(head, 0, head.length);
      }
      String found = sniff(Arrays.copyOf(head, n));
      if (found != null && !found.equals(format)) {
        throw new InvalidInputException(option + " " + path + " is not " + format + ": its file "
            + first.get().getPath().getName() + " looks like " + found + (found.equals("binary") || found.equals("parquet") ? "" : " (it starts with '"
            + preview(head, n) + "')") + "; pass --format " + (found.equals("binary") ? "parquet, csv or json" : found)
            + " to read it as it is, or point " + option + " at the right file");
      }
    } catch (IOException e) {
      throw new InvalidInputException(option + " " + path + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The format the first bytes of a file show: parquet, json, csv, binary (none of them), or null when empty. */
  static String sniff(byte[] head) {
    if (head.length == 0) {
      return null;
    }
    if (head.length >= 4 && Arrays.equals(Arrays.copyOf(head, 4), PARQUET_MAGIC)) {
      return "parquet";
    }
    String text = new String(head, StandardCharsets.UTF_8);
    for (char c : text.toCharArray()) {
      if (c == 0 || (Character.isISOControl(c) && !Character.isWhitespace(c))) {
        return "binary";
      }
    }
    String t = text.stripLeading();
    return t.startsWith("{") || t.startsWith("[") ? "json" : "csv";
  }

  private static Optional<FileStatus> firstDataFile(FileSystem fs, Path p) throws IOException {
    FileStatus st = fs.getFileStatus(p);
    if (st.isFile()) {
      return Optional.of(st);
    }
    FileStatus[] children = fs.listStatus(p);
    Arrays.sort(children, Comparator.comparing(c -> c.getPath().getName()));
    for (FileStatus c : children) {
      String name = c.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      Optional<FileStatus> f = c.isFile() ? (c.getLen() > 0 ? Optional.of(c) : Optional.empty()) : firstDataFile(fs, c.getPath());
      if (f.isPresent()) {
        return f;
      }
    }
    return Optional.empty();
  }

  private static String preview(byte[] head, int n) {
    return new String(head, 0, Math.min(n, 24), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
  }
}
