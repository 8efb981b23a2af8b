package org.mcposterior.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructType;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.jobs.score.ScoringParts;
import org.mcposterior.jobs.score.TableSource;
import org.mcposterior.spark.CauseText;
import org.mcposterior.spark.RunFormat;

/**
 * What the report reads of the run it describes, each checked with a {@link ReportInputException}
 * that names the input and the fix: the run's {@code summary.json}, its pool as Spark reads it, the
 * features column as the run read it, and the pool's labels.
 */
final class RunInputs {
  private RunInputs() {}

  static Map<String, Object> readSummary(String scores, Configuration hadoop) {
    org.mcposterior.jobs.score.ScoringParts.requireOutput("--scores", scores, "score", hadoop);
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(scores);
      FileSystem fs = dir.getFileSystem(hadoop);
      if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
        throw new ReportInputException("--scores " + scores + " is not a folder; expected the --out folder of a score"
            + " run (it holds scores/, top_k/ and summary.json)");
      }
      org.apache.hadoop.fs.Path sum = new org.apache.hadoop.fs.Path(dir, "summary.json");
      for (String part : List.of("summary.json", "scores", "top_k")) {
        if (!fs.exists(new org.apache.hadoop.fs.Path(dir, part))) {
          throw new ReportInputException("--scores " + scores + " is not a score output: it has no " + part
              + "; expected the --out folder of a finished score run (scores/, top_k/ and summary.json)");
        }
      }
      Map<String, Object> m;
      try (InputStream in = fs.open(sum)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> read = new ObjectMapper().readValue(in, Map.class);
        m = read;
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new ReportInputException("--scores " + scores + "/summary.json is not a score run summary (not JSON: "
            + CauseText.clean(e.getOriginalMessage()) + "); expected the summary.json a score run writes", e);
      }
      RunFormat.SUMMARY.check("--scores " + scores + "/summary.json", m);
      if (!"succeeded".equals(m.get("status")) || !(m.get("settings") instanceof Map)) {
        throw new ReportInputException("--scores " + scores + "/summary.json is not the summary of a finished score"
            + " run (no status \"succeeded\" and settings); expected the --out folder of a finished score run");
      }
      return m;
    } catch (IOException e) {
      throw new ReportInputException("cannot read --scores " + scores + ": " + CauseText.of(e), e);
    }
  }

  /**
   * The run's pool as Spark reads it, checked to exist; a table at the version the run read (its
   * summary's settings name it).
   */
  static Dataset<Row> rawPool(SparkSession spark, ScoreSettings s) {
    if (TableSource.isTable(s.format())) {
      try {
        return TableSource.read(spark, s.format(), s.pool(), s.poolVersion(), "--pool", "--pool-version").rows();
      } catch (org.mcposterior.jobs.score.JobInputException e) {
        throw new ReportInputException("the run's pool (from its summary.json) cannot be read: " + e.getMessage()
            + "; the report reads the pool for labels, images and resampling: run the report where the table and"
            + " that version of it are reachable", e);
      }
    }
    requireReachable("--pool", s.pool(), "the pool for labels, images and resampling",
        spark.sparkContext().hadoopConfiguration());
    try {
      var reader = spark.read().format(s.format());
      if (s.format().equals("csv")) {
        reader = reader.option("header", "true").option("inferSchema", "true");
      }
      return reader.load(s.pool());
    } catch (Exception e) {
      throw new ReportInputException("the run's pool " + s.pool() + " (from its summary.json) cannot be read as "
          + s.format() + ": " + CauseText.of(e) + "; the report reads the pool for labels, images and"
          + " resampling: run the report where the pool is reachable at that path", e);
    }
  }

  /** The run's model file's bytes, checked to exist first. */
  static byte[] model(ScoreSettings s, Configuration hadoop) {
    requireReachable("--model", s.model(), "the model to resample the picks and to compare with dropout off", hadoop);
    return ScoringParts.readModel(s.model(), hadoop);
  }

  /**
   * Checks that an input path from the run's summary names something here. Summaries now store
   * fully qualified paths; an older one holds the path as the user typed it, which, when relative,
   * resolves against the folder the score run was started from, not this report's. That case is
   * told apart, so the paragraph says why a path that worked for the run is missing now.
   *
   * @param option the run's option that gave the path
   * @param why what the report reads it for
   */
  static void requireReachable(String option, String value, String why, Configuration hadoop) {
    org.apache.hadoop.fs.Path p;
    try {
      p = new org.apache.hadoop.fs.Path(value);
    } catch (IllegalArgumentException colonInName) {
      p = new org.apache.hadoop.fs.Path("./" + value);
    }
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      if (fs.exists(p)) {
        return;
      }
      if (!p.isAbsolute()) {
        throw new ReportInputException("the run's " + option + " " + value + " (from its summary.json) is a relative"
            + " path, as an older mcposterior stored it; from this report's folder it is " + fs.makeQualified(p)
            + ", which does not exist; the report reads " + why + ": run the report from the folder the score run"
            + " was started in, or rerun score (its summary now stores absolute paths)");
      }
      throw new ReportInputException("the run's " + option + " " + value + " (from its summary.json) does not exist;"
          + " the report reads " + why + ": run the report where that path is reachable");
    } catch (IOException e) {
      throw new ReportInputException("the run's " + option + " " + value + " (from its summary.json) cannot be read: "
          + CauseText.of(e) + "; the report reads " + why, e);
    }
  }

  static void checkLabels(Dataset<Row> pool, ScoreSettings s, String label, int classes) {
    StructType schema = pool.schema();
    if (!Arrays.asList(schema.fieldNames()).contains(label)) {
      throw new ReportInputException("the pool " + s.pool() + " has no label column '" + label + "' (--label-col); its"
          + " columns are " + Arrays.toString(schema.fieldNames()) + "; name the column holding each example's class,"
          + " or leave out --label-col for a report without labels");
    }
    DataType t = schema.apply(label).dataType();
    if (!(t instanceof IntegralType)) {
      throw new ReportInputException("the pool's label column '" + label + "' has type " + t.simpleString()
          + "; --label-col expects integer class indices 0 to " + (classes - 1));
    }
    Row mm = pool.agg(min(col(label)), max(col(label)), count(col(label))).first();
    if (mm.getLong(2) == 0) {
      throw new ReportInputException("the pool's label column '" + label + "' holds no labels (every value is null);"
          + " label some examples or leave out --label-col");
    }
    long lo = ((Number) mm.get(0)).longValue();
    long hi = ((Number) mm.get(1)).longValue();
    if (lo < 0 || hi >= classes) {
      throw new ReportInputException("the pool's label column '" + label + "' holds values from " + lo + " to " + hi
          + ", but the model has " + classes + " classes; expected class indices 0 to " + (classes - 1));
    }
  }
}
