package org.mcposterior.jobs.score;

import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.mcposterior.models.Network;
import org.mcposterior.spark.ModelFiles;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.spark.ValidatedPool;
import org.mcposterior.stochastic.StochasticNetwork;

/**
 * The pieces of the scoring job that the {@code sample} and {@code report} commands reuse, so they
 * read pools, models and outputs exactly as {@code score} does: pool reading and validation, model
 * reading, the stochastic view the settings ask for, the fast example iterator and the data-safe
 * output directory. A thin public door onto package-private parts; nothing is done here.
 */
public final class ScoringParts {
  /** Internal column of a read pool: the id as a string (the example key of the masks). */
  public static final String KEY = ValidatedPool.KEY;
  /** Internal column of a read pool: the features as {@code array<float>}. */
  public static final String FEATURES = ValidatedPool.FEATURES;
  /** Column of the scores output with the chosen heuristic's ranking key. */
  public static final String PRIORITY = PosteriorScorer.PRIORITY;

  private ScoringParts() {}

  /** A validated pool: the id column, {@link #KEY} and {@link #FEATURES}. */
  public record Pool(ValidatedPool validated) {
    public Dataset<Row> rows() {
      return validated.rows();
    }

    public StructField idField() {
      return validated.idField();
    }

    public long total() {
      return validated.total();
    }

    public long skipped() {
      return validated.skipped();
    }

    public long scored() {
      return validated.scored();
    }
  }

  /** One example: its key (the id as a string) and features. */
  public record Example(String key, float[] features) implements Serializable {}

  /** Reads and validates a pool exactly as {@code score} does (schema, lengths, unique ids, finite values). */
  public static Pool readPool(SparkSession spark, ScoreSettings s, String path, int featureLength, String what) {
    ValidatedPool p = PoolReader.read(spark, s, path, featureLength, what);
    return new Pool(p);
  }

  /** The rows of a read pool as examples, copied from Spark's internal rows without boxing. */
  public static JavaRDD<Example> examples(Pool pool) {
    return pool.validated().examples().map(e -> new Example(e.key(), e.features()));
  }

  /** The model file's bytes, through Hadoop's file systems. */
  public static byte[] readModel(String model, Configuration conf) {
    return ModelFiles.read(UserPaths.parse("--model", model), model, conf);
  }

  /** The stochastic view of {@code net} the settings ask for (MC dropout, plus DropConnect if set). */
  public static StochasticNetwork stochastic(Network net, ScoreSettings s) {
    return s.scorer().stochastic(net);
  }

  /** A data-safe output directory: written aside, swapped into place when complete. */
  public static final class Output implements AutoCloseable {
    private final OutputDir dir;

    private Output(OutputDir dir) {
      this.dir = dir;
    }

    /** Where to write {@code child} before the commit. */
    public String tmp(String child) {
      return dir.tmp(child);
    }

    public FileSystem fs() {
      return dir.fs();
    }

    public void commit() throws IOException {
      dir.commit();
    }

    public void abort(Throwable cause) {
      dir.abort(cause);
    }

    /** Releases the claim on the output. */
    @Override
    public void close() {
      dir.close();
    }
  }

  /**
   * Claims {@code out} as {@code score} does (DESIGN.md, invariant 8): refused when it is, holds or
   * lies inside one of {@code inputs} (option name -> path), when it exists without {@code
   * overwrite} or is not an earlier output, or while another run writes it. Close it when done.
   */
  public static Output prepareOutput(String out, boolean overwrite, java.util.Map<String, String> inputs,
      Configuration conf) {
    return new Output(OutputDir.claim(out, overwrite, inputs, conf));
  }
}
