package org.mcposterior.jobs.score;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.spark.ModelFiles;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.spark.ValidatedPool;

/**
 * The pieces of the scoring job that the {@code sample} and {@code report} commands reuse, so they
 * read pools, models and outputs exactly as {@code score} does: pool reading and validation, model
 * reading, the stochastic view the settings ask for and the data-safe output directory (the
 * validated pool's examples come from {@link ValidatedPool#examples()}). A thin public door onto package-private parts; nothing is done here.
 */
public final class ScoringParts {
  private ScoringParts() {}

  /**
   * Reads and validates a pool of {@code format} as {@code score} does (schema, lengths, unique
   * ids, finite values) for a network whose input is a sequence ({@code sequence} not null): rows
   * shorter than the full time length pass and are counted in {@link ValidatedPool#padded()} (the
   * caller decides whether it can take them); too long, empty or partial-step rows are refused as
   * {@code score} refuses them.
   */
  public static ValidatedPool readPool(SparkSession spark, String format, ScorerSettings scorer, String path,
      int featureLength, int indexBound, org.mcposterior.models.SequenceLayout sequence, String what) {
    return PoolReader.read(spark, format, scorer, path, new int[] {featureLength, indexBound}, sequence, what);
  }

  /**
   * Whether the process was asked to end (SIGTERM, Ctrl-C) while a run was writing: a failure then is
   * that stop, whatever Spark threw as its context shut down.
   */
  public static boolean stopping() {
    return OutputDir.stopping();
  }

  /** The model file's bytes, through Hadoop's file systems. */
  public static byte[] readModel(String model, Configuration conf) {
    return ModelFiles.read(UserPaths.parse("--model", model), model, conf);
  }

  /** The stochastic view of {@code net} the settings ask for (MC dropout, plus DropConnect if set). */


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

    /**
     * The temporary output folder as a local path, for writers that use java.nio.
     *
     * @throws JobSettingsException when {@code --out} is not on the local file system
     */
    public java.nio.file.Path localTmp() {
      if (!"file".equals(dir.fs().getScheme())) {
        throw new JobSettingsException("--out " + dir.out() + " is on " + dir.fs().getScheme() + "://; this command"
            + " writes a local folder: choose an --out on this machine's file system");
      }
      return java.nio.file.Path.of(dir.tmpPath().toUri().getPath());
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
   * {@code command} (sample, learn) is recorded in the output's manifest.
   */
  public static Output prepareOutput(String out, boolean overwrite, java.util.Map<String, String> inputs,
      Configuration conf, String command) {
    return new Output(OutputDir.claim(out, overwrite, inputs, conf, command, false));
  }

  /**
   * Before the Spark session starts: the checks of {@link #prepareOutput} that need no Spark and
   * change nothing (overlaps with the inputs, an existing {@code out}, a claim file), so a refusal
   * is immediate. {@link #prepareOutput} repeats them under the claim.
   */
  public static void precheckOutput(String out, boolean overwrite, java.util.Map<String, String> inputs) {
    OutputDir.precheck(out, overwrite, inputs, new Configuration());
  }

  /**
   * Checks, before anything of it is read, that {@code path} (given with {@code option}) is a
   * complete output of the {@code command} command exactly as that run wrote it: its manifest
   * valid and matching its content (DESIGN.md, invariant 8).
   *
   * @throws JobInputException naming what is missing, added or changed, and the fix
   */
  public static void requireOutput(String option, String path, String command, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path p = UserPaths.canonical(UserPaths.parse(option, path), conf);
      org.mcposterior.spark.RunManifest.require(p.getFileSystem(conf), p, command, option + " " + path);
    } catch (IOException e) {
      throw new JobInputException("cannot read " + option + " " + path + ": " + org.mcposterior.spark.CauseText.of(e)
          + "; check that this user can read it", e);
    }
  }
}
