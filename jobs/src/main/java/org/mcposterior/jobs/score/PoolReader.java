package org.mcposterior.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.input_file_block_start;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.spark.CauseText;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.spark.ValidatedPool;

/**
 * Reads a pool file with Spark's readers in the format given with {@code --format}, after {@link
 * PoolFormat} has looked at its files, and hands the rows to the scoring API's validation
 * ({@link ValidatedPool}), so the command validates exactly as a DataFrame caller is validated.
 *
 * <p>Two problems are found here, before the validation, because the validation would misname
 * them: a JSON line that is not a JSON object (Spark's permissive reader turns it into a row of
 * nulls, which the validation would call "a row with a null id"), and a pool with no rows (a CSV
 * file with only its header has string columns, which the validation would call "a column of
 * type string"). JSON is read strictly: one malformed line refuses the pool, naming its file,
 * line number and text.
 */
final class PoolReader {
  /** Where Spark's JSON reader puts a line it cannot parse; a name no user column has. */
  static final String CORRUPT = "__mcp_corrupt_record";
  private static final int SHOWN = 120;

  private PoolReader() {}

  /**
   * Reads {@code path} and validates it as {@code scorer}'s settings ask: {@code sizes} are the
   * feature length and the index bound (see {@link ValidatedPool}), with the sequence length rule
   * of {@link org.mcposterior.models.SequenceLayout} when {@code sequence} is not null: shorter
   * rows pass (and are counted, {@link ValidatedPool#padded()}), malformed ones are refused.
   */
  static ValidatedPool read(SparkSession spark, String format, ScorerSettings scorer, String path, int[] sizes,
      org.mcposterior.models.SequenceLayout sequence, String what) {
    return ValidatedPool.of(load(spark, format, path, null, what).rows(), scorer, sizes[0], sizes[1], sequence, null,
        what, path);
  }

  /**
   * The rows of {@code path} in {@code format}, not yet validated: files after {@link PoolFormat}'s
   * look at them, or a table at {@code version} ({@link TableSource}; null: its current one, and the
   * version read is in the result). A pool with no rows is refused.
   */
  static TableSource.Read load(SparkSession spark, String format, String path, String version, String what) {
    String option = what.equals("pool") ? "--pool" : "--" + what;
    if (TableSource.isTable(format)) {
      TableSource.Read read = TableSource.read(spark, format, path, version, option, option + "-version");
      if (read.rows().isEmpty()) {
        throw new JobInputException(what + " " + path + (read.version() == null ? "" : " at version "
            + read.version()) + " is empty: the table holds no rows, so there is nothing to score; expected at least"
            + " one example");
      }
      return read;
    }
    return new TableSource.Read(loadFiles(spark, format, path, what, option), format, null, true);
  }

  private static Dataset<Row> loadFiles(SparkSession spark, String format, String path, String what, String option) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    PoolFormat.check(conf, option, path, format);
    try {
      var reader = spark.read().format(format);
      if (format.equals("csv")) {
        reader = reader.option("header", "true").option("inferSchema", "true");
      }
      if (format.equals("json")) {
        reader = reader.option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT);
      }
      Dataset<Row> d = reader.load(path);
      List<String> columns = Arrays.asList(d.schema().fieldNames());
      if (columns.contains(CORRUPT)) {
        throw malformed(d, columns, option, path, conf);
      }
      if (columns.isEmpty() || d.isEmpty()) {
        throw new JobInputException(what + " " + path + " is empty: " + (format.equals("csv")
            ? "its CSV file(s) hold a header line but no rows" : "it holds no rows") + ", so there is nothing to"
            + " score; expected at least one example");
      }
      return d;
    } catch (Exception e) {
      if (e instanceof AnalysisException || e instanceof org.apache.spark.SparkException) {
        throw new JobInputException(what + " " + path + " cannot be read as " + format + ": "
            + CauseText.of(e) + "; check that every file is " + format + " or give the right --format", e);
      }
      throw e;
    }
  }

  /**
   * The paragraph for a JSON pool with malformed lines: how many, and the first one of the first
   * file that has one (by path), with its line number. Spark knows the line's text and file but not
   * its number, so the file is read from its start on the driver up to that line (decompressed if
   * its name says so).
   */
  private static JobInputException malformed(Dataset<Row> d, List<String> columns,
      String option, String path, Configuration conf) {
    String expected = "; expected one JSON object per line (JSON lines, e.g. {\"id\": \"a\", \"features\": [0.1, 0.2]}):"
        + " fix or remove the line, then run again";
    try {
      FileSystem fs = UserPaths.parse(option, path).getFileSystem(conf);
      CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
      if (columns.size() == 1) {
        // No line parsed: the first non-blank line is a malformed one. (Spark also refuses queries
        // that read only the corrupt-record column, so this case is answered without it.)
        for (FileStatus f : PoolFormat.dataFiles(fs, UserPaths.parse(option, path))) {
          Line first = find(fs, f.getPath(), codecs, null);
          if (first != null) {
            return new JobInputException(option + " " + path + " is not JSON lines: no line of it is a JSON"
                + " object; the first, " + f.getPath().getName() + " line " + first.number() + ", is '"
                + shown(first.text()) + "'" + expected);
          }
        }
        return new JobInputException(option + " " + path + " is not JSON lines: no line of it is a JSON object"
            + expected);
      }
      // Another column is read beside the corrupt record (first(other) below), for Spark's rule above.
      String other = columns.stream().filter(c -> !c.equals(CORRUPT)).findFirst().orElseThrow();
      Dataset<Row> bad = d.filter(col(CORRUPT).isNotNull());
      Row stats = bad.select(input_file_name().as("__file"), col(other))
          .agg(count(lit(1)), min(col("__file")), first(col(other), true)).first();
      long n = stats.getLong(0);
      String file = stats.getString(1);
      Row one = bad.filter(input_file_name().equalTo(file)).select(input_file_block_start().as("__start"),
          col(CORRUPT), col(other)).orderBy(col("__start")).first();
      String text = one.getString(1);
      Path filePath = UserPaths.fromSpark(file);
      Line at = find(fs, filePath, codecs, text);
      String where = (at == null ? "a line of " : "line " + at.number() + " of ") + filePath.getName();
      return new JobInputException(option + " " + path + " has " + (n == 1 ? "1 malformed JSON line: "
          : n + " malformed JSON lines; the first is ") + where + ", '" + shown(text) + "'" + expected);
    } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown unchecked
      return new JobInputException(option + " " + path + " has malformed JSON lines (which one could not be"
          + " told: " + CauseText.of(e) + ")" + expected, e);
    }
  }

  /** A line of a file, numbered from 1. */
  private record Line(long number, String text) {}

  /** The first line of {@code file} equal to {@code text}, or the first non-blank line when {@code text} is null. */
  private static Line find(FileSystem fs, Path file, CompressionCodecFactory codecs, String text) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(PoolFormat.open(fs, file, codecs),
        StandardCharsets.UTF_8))) {
      long number = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        number++;
        if (text == null ? !line.isBlank() : line.equals(text)) {
          return new Line(number, line);
        }
      }
      return null;
    }
  }

  private static String shown(String text) {
    String t = text.strip();
    return t.length() <= SHOWN ? t : t.substring(0, SHOWN) + "...";
  }
}
