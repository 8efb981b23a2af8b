package org.mcposterior.jobs.score;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.spark.ValidatedPool;

/**
 * Reads a pool file with Spark's readers in the format given with {@code --format}, after {@link
 * PoolFormat} has looked at its first bytes, and hands the rows to the scoring API's validation
 * ({@link ValidatedPool}), so the command validates exactly as a DataFrame caller is validated.
 */
final class PoolReader {
  private PoolReader() {}

  static ValidatedPool read(SparkSession spark, ScoreSettings s, String path, int featureLength, String what) {
    return ValidatedPool.of(load(spark, s, path, what), s.scorer(), featureLength, what, path);
  }

  private static Dataset<Row> load(SparkSession spark, ScoreSettings s, String path, String what) {
    String option = what.equals("pool") ? "--pool" : "--" + what;
    PoolFormat.check(spark.sparkContext().hadoopConfiguration(), option, path, s.format());
    try {
      var reader = spark.read().format(s.format());
      if (s.format().equals("csv")) {
        reader = reader.option("header", "true").option("inferSchema", "true");
      }
      Dataset<Row> d = reader.load(path);
      if (d.schema().fields().length == 0) {
        throw new InvalidInputException(what + " " + path + " has no columns when read as " + s.format()
            + "; check the path and --format (parquet, csv or json)");
      }
      return d;
    } catch (Exception e) {
      if (e instanceof InvalidInputException i) {
        throw i;
      }
      if (e instanceof AnalysisException || e instanceof org.apache.spark.SparkException) {
        throw new InvalidInputException(what + " " + path + " cannot be read as " + s.format() + ": "
            + firstLine(e.getMessage()) + "; check that every file is " + s.format() + " or give the right --format", e);
      }
      throw e;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
