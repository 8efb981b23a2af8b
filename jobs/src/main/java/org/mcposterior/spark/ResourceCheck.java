package org.mcposterior.spark;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.heuristics.Heuristic;

/**
 * Checks, before any work, that the run's arrays fit: one batch's samples in one Java array and in
 * a task's share of the heap, every example's samples (with {@code --write-samples}), the joint
 * heuristics' candidates (and EPIG's target) on the driver, and in local mode the sampler's native
 * budget of every task slot within what JavaCPP lets the JVM allocate. Otherwise the same run
 * would fail inside the tasks with an integer overflow or an out-of-memory error.
 *
 * <p>The same checks run twice. Once with the model and the pool in hand (exact: the model's
 * outputs and feature length, the planned iteration shards), and once before the Spark session
 * starts ({@link Preflight}), from the arguments and Spark's configuration alone, with bounds that
 * can only make the need smaller than the exact one (at least 2 outputs, as {@link
 * PosteriorScorer} counts them, at least one feature, and the most iteration shards the plan could
 * choose). Every need grows with outputs and feature length and shrinks with more shards, so what
 * the early check refuses the exact one would refuse too; it refuses it about a minute sooner.
 */
final class ResourceCheck {
  /** The largest Java array the JVM allocates. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?");

  private ResourceCheck() {}

  /**
   * Where the tasks run, as far as their arrays are concerned.
   *
   * @param master the Spark master, for messages
   * @param local whether the tasks run in the driver's JVM (local mode)
   * @param parallelism Spark's default parallelism, or 0 when it is not known yet (a cluster
   *     before its executors registered)
   * @param slots how many tasks run at once in one JVM
   * @param heapPerJvm the heap of the JVM the tasks run in
   */
  record Capacity(String master, boolean local, int parallelism, int slots, long heapPerJvm) {

    /** The capacity of a running session. */
    static Capacity of(SparkSession spark) {
      var sc = spark.sparkContext();
      if (sc.isLocal()) {
        int p = Math.max(1, sc.defaultParallelism());
        return new Capacity(sc.master(), true, p, p, Runtime.getRuntime().maxMemory());
      }
      return new Capacity(sc.master(), false, sc.defaultParallelism(), executorSlots(sc.getConf()),
          executorHeap(sc.getConf()));
    }

    /**
     * The capacity the session {@code master} (or {@code conf}'s, else {@code local[*]}, as the
     * commands start it) will have, read from the configuration without starting it: in local mode
     * the parallelism is the master's thread count (or {@code spark.default.parallelism}), as
     * Spark's local backend sets it; on a cluster it is known only when configured.
     */
    static Capacity beforeSession(SparkConf conf, String master) {
      String m = master != null ? master : conf.get("spark.master", "local[*]");
      Matcher local = LOCAL_MASTER.matcher(m.trim());
      if (local.matches()) {
        int cores = local.group(1) == null ? 1 : local.group(1).equals("*")
            ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
        int p = Math.max(1, conf.getInt("spark.default.parallelism", cores));
        return new Capacity(m, true, p, p, Runtime.getRuntime().maxMemory());
      }
      return new Capacity(m, false, Math.max(0, conf.getInt("spark.default.parallelism", 0)), executorSlots(conf),
          executorHeap(conf));
    }

    /**
     * The most iteration shards {@link ShardPlan} can choose for {@code s} on this capacity: the
     * requested count, else the plan for a pool of one partition (or of {@code --partitions}),
     * which splits the iterations most; with the parallelism unknown, every iteration its own shard.
     */
    int maxShards(ScorerSettings s) {
      if (s.iterationShards() > 0) {
        return Math.min(s.iterationShards(), s.iterations());
      }
      if (parallelism <= 0) {
        return s.iterations();
      }
      return ShardPlan.plan(Math.max(1, s.partitions()), parallelism, s.iterations(), 0).shards();
    }
  }

  static void check(SparkSession spark, ScorerSettings s, ShardPlan plan, int outputs, int featureLength) {
    check(s, Capacity.of(spark), plan.shards(), outputs, featureLength, null);
  }

  /**
   * @param shards the iteration shards (exact, or the most the plan could choose)
   * @param outputs the model's outputs (exact, or the fewest it could have)
   * @param featureLength values per example (exact, or the fewest)
   * @param bounds null when shards, outputs and feature length are exact, else how they were bounded
   *     (the messages then say "at least" and why)
   */
  static void check(ScorerSettings s, Capacity c, int shards, int outputs, int featureLength, String bounds) {
    boolean bounded = bounds != null;
    String least = bounded ? "at least " : "";
    String why = bounded ? " (" + bounds + ")" : "";
    long shardIterations = (s.iterations() + shards - 1) / shards;
    long perExample = outputs * shardIterations;
    if (perExample > MAX_ARRAY || (s.writeSamples() && (long) outputs * s.iterations() > MAX_ARRAY)) {
      throw new InvalidSettingsException("--iterations = " + s.iterations() + " gives " + least + outputs + " x "
          + (s.writeSamples() ? s.iterations() : shardIterations) + " samples per example, more than one Java array"
          + " holds (2^31)" + why + "; expected at most " + MAX_ARRAY / outputs
          + " iterations" + (s.writeSamples() ? " with --write-samples" : " per iteration shard (--iteration-shards)")
          + (bounded ? " (fewer for a model with more outputs)" : ""));
    }
    int slots = c.slots();
    long taskHeap = c.heapPerJvm() / slots;
    long factor = s.writeSamples() ? 12 : 8; // the batch's samples, their per-example copies, their moments
    long perBatchExample = perExample * factor + featureLength * 8L;
    long need = s.batchSize() * perBatchExample;
    if (s.batchSize() * perExample > MAX_ARRAY || need > taskHeap) {
      long fit = Math.max(0, Math.min(MAX_ARRAY / perExample, taskHeap / perBatchExample));
      String expected = fit > 0 ? "expected --batch-size at most " + fit
          : "no --batch-size fits (one example alone needs more): expected at most "
              + Math.max(0, Math.min(MAX_ARRAY / outputs, (taskHeap - featureLength * 8L) / (outputs * factor)))
              + " iterations per iteration shard (fewer --iterations, or more --iteration-shards)";
      throw new InvalidSettingsException(String.format(Locale.ROOT, "--batch-size = %d with --iterations = %d needs"
          + " %s%s of samples per task (%d examples x %s%d outputs x %d iterations), more than a task's share of the"
          + " heap (%s = %s over %d task slots)%s%s; %s, or more heap (bin/mcposterior: MCPOSTERIOR_JAVA_OPTS=-Xmx16g;"
          + " spark-submit: --executor-memory)", s.batchSize(), s.iterations(), least, bytes(need), s.batchSize(),
          least, outputs, shardIterations, bytes(taskHeap), bytes(c.heapPerJvm()), slots,
          s.batchSize() * perExample > MAX_ARRAY ? " and more than one Java array holds" : "",
          why, expected));
    }
    if (c.local()) {
      long maxNative = org.bytedeco.javacpp.Pointer.maxBytes();
      long budgets = s.memoryBudgetBytes() * slots;
      if (maxNative > 0 && budgets > maxNative) {
        throw new InvalidSettingsException(String.format(Locale.ROOT, "--memory-budget = %s per task x %d task"
            + " slots = %s of native memory, more than this JVM may allocate (%s, JavaCPP's maxbytes); expected"
            + " --memory-budget at most %s, or raise the limit (MCPOSTERIOR_JAVA_OPTS=\"-Xmx16g"
            + " -Dorg.bytedeco.javacpp.maxbytes=16g\")", bytes(s.memoryBudgetBytes()), slots, bytes(budgets),
            bytes(maxNative), bytes(maxNative / slots)));
      }
    }
  }

  /**
   * Checks that BatchBALD's or EPIG's {@code candidates} (and EPIG's {@code targetRows}) samples
   * fit on the driver, which selects from them.
   *
   * @param bounded whether {@code outputs} and {@code targetRows} are the fewest possible (before the
   *     model and the target are read), for the message
   */
  static void checkJoint(ScorerSettings s, Heuristic heuristic, int candidates, int outputs, long targetRows,
      boolean bounded) {
    long rows = Math.min(candidates, Long.MAX_VALUE) + targetRows;
    long floats = Math.max(candidates, targetRows) * outputs * (long) s.iterations();
    long driverNeed = rows * outputs * (long) s.iterations() * 4L * 2;
    long driverHeap = Runtime.getRuntime().maxMemory();
    if (floats > MAX_ARRAY || driverNeed > driverHeap / 2) {
      throw new InvalidSettingsException(String.format(Locale.ROOT, "--heuristic %s holds the samples of %d"
          + " candidates%s on the driver: %s%s for %s%d outputs x %d iterations, more than half the driver's heap (%s)"
          + " or one Java array; expected fewer --candidates (now %d), fewer --iterations%s, or a larger driver"
          + " heap", heuristic, candidates, targetRows > 0 ? " and " + targetRows + " target examples"
          : "", bounded ? "at least " : "", bytes(driverNeed), bounded ? "at least " : "", outputs, s.iterations(),
          bytes(driverHeap), candidates,
          targetRows > 0 || heuristic.needsTarget() ? ", a smaller --target" : ""));
    }
  }

  static void checkJoint(ScorerSettings s, Heuristic heuristic, int candidates, int outputs, long targetRows) {
    checkJoint(s, heuristic, candidates, outputs, targetRows, false);
  }

  /** How many tasks run at once in one executor JVM: its cores over the cores per task. */
  private static int executorSlots(SparkConf conf) {
    int cores = conf.getInt("spark.executor.cores", 1);
    int perTask = conf.getInt("spark.task.cpus", 1);
    return Math.max(1, cores / perTask);
  }

  private static long executorHeap(SparkConf conf) {
    return conf.getSizeAsBytes("spark.executor.memory", "1g");
  }

  static String bytes(long b) {
    if (b >= 1L << 40) {
      return String.format(Locale.ROOT, "%.1f TiB", b / (double) (1L << 40));
    }
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20));
  }
}
