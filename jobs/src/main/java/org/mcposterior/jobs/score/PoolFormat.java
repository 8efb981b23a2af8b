package org.mcposterior.jobs.score;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.mcposterior.spark.CauseText;

/**
 * Looks at a pool before Spark reads it: the path exists, it holds data, and every data file is in
 * the format given with {@code --format} (a Parquet file starts with the magic bytes {@code PAR1};
 * a text file whose first character is <code>{</code> or {@code [} is JSON lines, any other text
 * is read as CSV; a compressed text file, e.g. {@code part-0.csv.gz}, is looked at decompressed, as
 * Spark reads it). A wrong format is then one sentence that names the format the files have, and
 * a stray file among the right ones (a {@code README.txt} in a Parquet folder) is named with the
 * fix, instead of Spark's footer-reading error in the middle of the run.
 *
 * <p>The files are the ones Spark reads: every file below the path, except names starting with
 * {@code .} or {@code _} (Spark's hidden files; {@code _} only when the name has no {@code =},
 * which marks a partition folder). Each is opened for its first 256 bytes, one request per file:
 * on an object store with many thousands of part files this adds seconds before the run.
 */
final class PoolFormat {
  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEAD = 256;
  /** Files named in a message; the count says how many more there are. */
  private static final int NAMED = 3;

  private PoolFormat() {}

  /** How far up from the pool's path a table's log is looked for (a partition folder of a table is inside it). */
  private static final int TABLE_DEPTH = 8;

  /**
   * Refuses a folder of a Delta Lake, Apache Iceberg or Apache Hudi table (or a folder inside one,
   * such as a partition): its data files are not its rows. A table's log says which files are live;
   * the folder also holds files the table has removed (overwritten, deleted, compacted, or not yet
   * vacuumed) and, for Iceberg and Hudi, delete files and log files that change rows. Read as plain
   * files, the pool would silently hold wrong rows.
   */
  private static void refuseTableFolder(FileSystem fs, Path p, String option, String path, String format)
      throws IOException {
    Path dir = fs.getFileStatus(p).isDirectory() ? p : p.getParent();
    for (int up = 0; dir != null && up < TABLE_DEPTH; up++, dir = dir.getParent()) {
      String table = null;
      String fix = null;
      String at = up == 0 ? "" : " (the table's folder, " + dir + ", not the folder inside it)";
      if (fs.exists(new Path(dir, "_delta_log"))) {
        table = "a Delta Lake table (it holds _delta_log)";
        fix = "read it as a table: pass --format delta" + at + ", which reads its current rows, or those of"
            + " an earlier version with " + option + "-version";
      } else if (fs.exists(new Path(dir, "metadata")) && fs.getFileStatus(new Path(dir, "metadata")).isDirectory()
          && Arrays.stream(fs.listStatus(new Path(dir, "metadata"))).anyMatch(f -> f.getPath().getName()
          .endsWith(".metadata.json") || f.getPath().getName().equals("version-hint.text"))) {
        table = "an Apache Iceberg table (it holds metadata/*.metadata.json)";
        fix = "read it as a table: pass --format iceberg" + at + ", or its catalog name with --format table,"
            + " which read its current rows, or those of a snapshot with " + option + "-version";
      } else if (fs.exists(new Path(dir, ".hoodie"))) {
        table = "an Apache Hudi table (it holds .hoodie)";
        fix = "write the table's current rows to Parquet first (spark.read().format(\"hudi\").load(\"" + dir
            + "\").write().parquet(\"pool.parquet\")) and pass that folder, or register the table in a catalog"
            + " and pass its name with --format table";
      }
      if (table != null) {
        throw new JobInputException(option + " " + path + (up == 0 ? " is " : " lies inside " + dir + ", which is ")
            + table + ", not a folder of " + format + " files: its folder also holds files the table has removed or"
            + " that change its rows, so reading the files would score the wrong rows; " + fix);
      }
    }
  }

  static void check(Configuration conf, String option, String path, String format) {
    try {
      Path p = UserPaths.parse(option, path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new JobInputException(option + " " + path + " does not exist; expected a " + format + " file or a"
            + " folder of them: check the path");
      }
      refuseTableFolder(fs, p, option, path, format);
      List<FileStatus> files = dataFiles(fs, p);
      if (files.isEmpty()) {
        throw new JobInputException(option + " " + path + " holds no data files (only hidden or _-prefixed ones,"
            + " which Spark skips); expected " + format + " files in it");
      }
      CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
      Path root = fs.makeQualified(p); // the listing's paths are qualified: name files relative to it
      List<String> wrong = new ArrayList<>();
      List<String> foundFormats = new ArrayList<>();
      int matching = 0;
      for (FileStatus f : files) {
        if (f.getLen() == 0) {
          continue;
        }
        byte[] head = head(fs, f.getPath(), codecs);
        String found = sniff(head);
        if (found == null || found.equals(format)) {
          matching += found == null ? 0 : 1;
          continue;
        }
        foundFormats.add(found);
        wrong.add(relative(root, f.getPath()) + " (looks like " + found + (found.equals("binary") || found.equals("parquet")
            ? "" : ", starts with '" + preview(head) + "'") + ")");
      }
      if (matching == 0 && wrong.isEmpty()) {
        throw new JobInputException(option + " " + path + " is empty: its " + (files.size() == 1 ? "file holds"
            : files.size() + " files hold") + " no bytes, so there are no examples; expected at least one example");
      }
      if (wrong.isEmpty()) {
        return;
      }
      if (matching == 0) {
        // Nothing is in the given format: the format is wrong, not the folder.
        String found = foundFormats.get(0);
        boolean oneFormat = foundFormats.stream().allMatch(found::equals) && !found.equals("binary");
        throw new JobInputException(option + " " + path + " is not " + format + ": its file " + wrong.get(0)
            + (wrong.size() > 1 ? " and " + (wrong.size() - 1) + " more" : "") + "; pass --format "
            + (oneFormat ? found : "parquet, csv or json") + " to read it as it is, or point " + option
            + " at the right " + (fs.getFileStatus(p).isDirectory() ? "folder" : "file"));
      }
      throw new JobInputException(option + " " + path + " holds " + wrong.size() + " file(s) that are not " + format
          + " among its " + matching + " " + format + " file(s): " + String.join(", ", wrong.subList(0,
          Math.min(NAMED, wrong.size()))) + (wrong.size() > NAMED ? " and " + (wrong.size() - NAMED) + " more" : "")
          + "; Spark reads every file in the folder as " + format + ": remove or move " + (wrong.size() == 1
          ? "it" : "them") + " out of " + path + " (or rename to start with _ or ., which Spark skips)");
    } catch (IOException e) {
      throw new JobInputException(option + " " + path + " cannot be read: " + CauseText.of(e), e);
    }
  }

  /**
   * {@code file}, decompressed when its name says it is compressed (as Spark's text readers do),
   * so a caller reads what Spark reads.
   */
  static InputStream open(FileSystem fs, Path file, CompressionCodecFactory codecs) throws IOException {
    InputStream in = fs.open(file);
    CompressionCodec codec = codecs.getCodec(file);
    if (codec == null) {
      return in;
    }
    try {
      return codec.createInputStream(in);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static byte[] head(FileSystem fs, Path file, CompressionCodecFactory codecs) throws IOException {
    try (InputStream in = open(fs, file, codecs)) {
      return in.readNBytes(HEAD);
    } catch (IOException e) {
      // A file that claims a compression it does not have (or is damaged) is not text Spark can read.
      if (codecs.getCodec(file) != null) {
        return new byte[] {0};
      }
      throw e;
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

  /** The files Spark reads below {@code p} (itself, if a file), in path order. */
  static List<FileStatus> dataFiles(FileSystem fs, Path p) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    FileStatus st = fs.getFileStatus(p);
    if (st.isFile()) {
      out.add(st);
      return out;
    }
    collect(fs, p, out);
    return out;
  }

  private static void collect(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
    FileStatus[] children = fs.listStatus(dir);
    Arrays.sort(children, Comparator.comparing(c -> c.getPath().getName()));
    for (FileStatus c : children) {
      String name = c.getPath().getName();
      if ((name.startsWith("_") && !name.contains("=")) || name.startsWith(".") || name.endsWith("._COPYING_")) {
        continue;
      }
      if (c.isFile()) {
        out.add(c);
      } else {
        collect(fs, c.getPath(), out);
      }
    }
  }

  /** {@code file}'s path below the pool folder {@code root}, or its name when the pool is the file. */
  private static String relative(Path root, Path file) {
    String r = root.toUri().getPath(), f = file.toUri().getPath();
    return f.startsWith(r + "/") ? f.substring(r.length() + 1) : file.getName();
  }

  private static String preview(byte[] head) {
    return new String(head, 0, Math.min(head.length, 24), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
  }
}
