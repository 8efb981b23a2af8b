package org.mcposterior.jobs.learn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.jobs.CommandSession;
import org.mcposterior.jobs.score.JobInputException;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.jobs.score.ScoringParts;
import org.mcposterior.spark.CauseText;
import org.mcposterior.training.ActivePool;

/**
 * A whole {@code learn} run: checks (settings, output, data files, every seed's pool) before any
 * training, the loop ({@link LearnRun}), and the outputs, written aside and swapped into
 * {@code --out} only when complete by the output protocol of {@code score} ({@link #writeAside}),
 * so a failed run leaves {@code --out} as it was, and {@code --overwrite} replaces only an earlier
 * mcposterior output.
 *
 * <p>{@link LearnMerge} combines finished runs; {@link LearnOutputs} makes the summary and writes
 * the files both kinds of output hold.
 */
public final class LearnJob {
  private LearnJob() {}

  /** Runs the loop and writes its outputs; returns the summary (also in {@code <out>/summary.json}). */
  public static Map<String, Object> run(LearnSettings s, Consumer<String> log) throws IOException {
    long t0 = System.nanoTime();
    Path out = s.out().toAbsolutePath().normalize();
    Path data = s.data().toAbsolutePath().normalize();
    if (out.startsWith(data) || data.startsWith(out)) {
      // A usage error (exit 2), as score's and sample's --out overlapping an input: the paths alone show it.
      throw new JobSettingsException("--out " + s.out() + " and --data " + s.data() + " overlap; a run never writes"
          + " into its input: choose an --out outside the data directory");
    }
    if (Files.exists(out) && !s.overwrite()) { // before reading the data; the claim checks again
      throw new JobInputException("output " + s.out() + " already exists; choose another --out, or pass"
          + " --overwrite to replace it once the new output is complete");
    }
    s.requireData();
    LearnRun.Data d;
    try {
      d = LearnRun.Data.load(s);
    } catch (IOException e) {
      throw new JobInputException("cannot read Fashion-MNIST from --data " + s.data() + ": " + CauseText.of(e)
          + "; expected the gzipped IDX files of Debian's dataset-fashion-mnist package", e);
    }
    for (long seed : s.seeds()) { // refuses a pool too small for a balanced initial set, before any training
      ActivePool.draw(d.train().labels(), LearnRun.CLASSES, s.poolSize(), s.initial(), seed);
    }
    return writeAside(s.out(), s.overwrite(), Map.of("--data", s.data().toString()), tmp -> {
      try (CommandSession session = session(s.master())) {
        SparkSession spark = session.spark();
        List<LearnRun.Curve> curves = new LearnRun(s, spark, log).run(d);
        return LearnOutputs.writeAll(spark, tmp, s, curves, t0, Map.of());
      }
    }, () -> log.accept("learn: wrote " + out.resolve("summary.json") + ", steps.json, steps/ and curves.html"));
  }

  /** What a run writes into its temporary output folder; returns the run's summary. */
  interface Body {
    Map<String, Object> write(Path tmp) throws IOException;
  }

  /**
   * Writes an output as {@code score} does (DESIGN.md, invariant 8, through {@link ScoringParts#prepareOutput}):
   * {@code out} claimed, refused when it overlaps an input, exists without {@code overwrite} or is
   * not an earlier mcposterior output; {@code body} writes a temporary folder beside it, swapped
   * into place only when complete; a failed or stopped run leaves {@code out} as it was.
   */
  static Map<String, Object> writeAside(Path out, boolean overwrite, Map<String, String> inputs, Body body,
      Runnable done) throws IOException {
    try (ScoringParts.Output o = ScoringParts.prepareOutput(out.toString(), overwrite, inputs, new Configuration(), "learn")) {
      Thread cleanup = null;
      try {
        Path tmp = o.localTmp(); // refuses an --out on a remote file system; the claim is undone then
        cleanup = cleanupOnExit(tmp);
        Map<String, Object> summary = body.write(tmp);
        o.commit();
        done.run();
        return summary;
      } catch (Throwable e) {
        o.abort(e);
        throw e;
      } finally {
        if (cleanup != null) {
          removeHook(cleanup);
        }
      }
    }
  }

  /**
   * Deletes the temporary output if the JVM is stopped (SIGTERM, Ctrl-C) before the run ends: the
   * main thread's own clean-up does not run then.
   */
  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting (Spark exits it on an executor OutOfMemoryError): the hook runs and
      // deletes the temporary output; the run's own exception is the one to report.
    }
  }

  private static Thread cleanupOnExit(Path tmp) {
    Thread t = new Thread(() -> {
      try {
        LearnRun.deleteTree(tmp);
      } catch (IOException e) {
        System.err.println("mcposterior learn: could not delete " + tmp + " on exit: " + e.getMessage());
      }
    }, "mcposterior-learn-cleanup");
    Runtime.getRuntime().addShutdownHook(t);
    return t;
  }

  /** learn's Spark session (see {@link CommandSession}), with Spark's web UI off unless configured on. */
  static CommandSession session(String master) {
    return CommandSession.open("mcposterior learn", master, Map.of("spark.ui.enabled", "false"));
  }

}
