package org.mcposterior.jobs.learn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.jobs.score.InvalidInputException;
import org.mcposterior.training.ActivePool;
import org.mcposterior.training.CurveSummary;

/**
 * A whole {@code learn} run: checks (settings, output, data files, every seed's pool) before any
 * training, the loop ({@link LearnRun}), and the outputs, written to a sibling
 * {@code <out>.tmp-<uuid>} and renamed into {@code --out} only when complete, so a failed run
 * leaves nothing in {@code --out} (and an {@code --overwrite} rerun keeps the old output until
 * the new one is whole).
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
      throw new InvalidInputException("--out " + s.out() + " and --data " + s.data() + " overlap; a run never writes"
          + " into its input: choose an --out outside the data directory");
    }
    if (Files.exists(out) && !s.overwrite()) {
      throw new InvalidInputException("output " + s.out() + " already exists; choose another --out, or pass"
          + " --overwrite to replace it once the new output is complete");
    }
    s.requireData();
    LearnRun.Data d;
    try {
      d = LearnRun.Data.load(s);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read Fashion-MNIST from --data " + s.data() + ": " + e.getMessage()
          + "; expected the gzipped IDX files of Debian's dataset-fashion-mnist package", e);
    }
    for (long seed : s.seeds()) { // refuses a pool too small for a balanced initial set, before any training
      ActivePool.draw(d.train().labels(), LearnRun.CLASSES, s.poolSize(), s.initial(), seed);
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    Thread cleanup = cleanupOnExit(tmp);
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = session(s.master());
    try {
      List<LearnRun.Curve> curves = new LearnRun(s, spark, tmp.resolve("work"), log).run(d);
      LearnRun.deleteTree(tmp.resolve("work"));
      Map<String, Map<String, CurveSummary>> bySeeds = LearnOutputs.summaries(s, curves);
      Map<String, Object> summary = LearnOutputs.summary(s, curves, bySeeds, (System.nanoTime() - t0) / 1e9);
      LearnOutputs.write(spark, tmp, summary, curves);
      Files.writeString(tmp.resolve("curves.html"), CurvesPage.html(s, bySeeds, summary));
      commit(tmp, out);
      log.accept("learn: wrote " + out.resolve("summary.json") + ", steps.json, steps/ and curves.html");
      return summary;
    } catch (Throwable e) {
      LearnRun.deleteTree(tmp);
      throw e;
    } finally {
      removeHook(cleanup);
      if (ownSession) {
        spark.stop();
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

  /** A Spark session on the master spark-submit gave, else {@code master}, else local[*]. */
  static SparkSession session(String master) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName("mcposterior learn");
    if (master != null) {
      b = b.master(master);
    } else if (!conf.contains("spark.master")) {
      b = b.master("local[*]");
    }
    return b.config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "16"))
        .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false")).getOrCreate();
  }

  /** Moves the complete output {@code tmp} into {@code out}, replacing an old output only after the move. */
  static void commit(Path tmp, Path out) throws IOException {
    Path old = null;
    if (Files.exists(out)) {
      old = out.resolveSibling(out.getFileName() + ".old-" + UUID.randomUUID());
      Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      LearnRun.deleteTree(old);
    }
  }
}
