package org.mcposterior.spark;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A finished {@code score} output read back from any Hadoop file system, after its {@link
 * RunManifest} was checked: an output that lost, gained or changed a file since its run wrote it
 * is refused before anything of it is read (DESIGN.md, invariant 8), so a caller never ranks half
 * a pool.
 *
 * <pre>{@code
 * ScoredOutput o = ScoredOutput.read(spark, "hdfs:///scores/2026-12-05");
 * Dataset<Row> top = o.topK();
 * }</pre>
 */
public final class ScoredOutput {
  private final SparkSession spark;
  private final Path dir;
  private final RunManifest manifest;

  private ScoredOutput(SparkSession spark, Path dir, RunManifest manifest) {
    this.spark = spark;
    this.dir = dir;
    this.manifest = manifest;
  }

  /**
   * Checks and opens the score output at {@code path}.
   *
   * @throws InvalidInputException when it is not a complete score output exactly as its run wrote
   *     it, naming what is missing, added or changed
   */
  public static ScoredOutput read(SparkSession spark, String path) {
    Path dir = new Path(path);
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path q = fs.makeQualified(dir);
      return new ScoredOutput(spark, q, RunManifest.require(fs, q, "score", path));
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + CauseText.of(e), e);
    }
  }

  /** The run id its manifest names. */
  public String runId() {
    return manifest.runId();
  }

  /** One row per scored example (see {@link ScoredPool#scores()}). */
  public Dataset<Row> scores() {
    return spark.read().parquet(new Path(dir, "scores").toString());
  }

  /** The picked examples, ranked. */
  public Dataset<Row> topK() {
    return spark.read().parquet(new Path(dir, "top_k").toString());
  }
}
