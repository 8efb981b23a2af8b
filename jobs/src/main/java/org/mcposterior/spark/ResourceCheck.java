package org.mcposterior.spark;

import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Checks, before any work, that the run's arrays fit: one batch's samples in one Java array and in
 * a task's share of the heap, every example's samples (with {@code --write-samples}), the joint
 * heuristics' candidates (and EPIG's target) on the driver, and in local mode the sampler's native
 * budget of every task slot within what JavaCPP lets the JVM allocate. Otherwise the same run
 * would fail inside the tasks with an integer overflow or an out-of-memory error.
 */
final class ResourceCheck {
  /** The largest Java array the JVM allocates. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private ResourceCheck() {}

  static void check(SparkSession spark, ScorerSettings s, ShardPlan plan, int outputs, int featureLength) {
    long shardIterations = (s.iterations() + plan.shards() - 1) / plan.shards();
    long perExample = outputs * shardIterations;
    if (perExample > MAX_ARRAY || (s.writeSamples() && (long) outputs * s.iterations() > MAX_ARRAY)) {
      throw new InvalidSettingsException("--iterations = " + s.iterations() + " gives " + outputs + " x "
          + (s.writeSamples() ? s.iterations() : shardIterations) + " samples per example, more than one Java array"
          + " holds (2^31); expected at most " + MAX_ARRAY / outputs + " iterations" + (s.writeSamples()
          ? " with --write-samples" : " per iteration shard (--iteration-shards)"));
    }
    int slots = taskSlotsPerJvm(spark);
    long taskHeap = heapPerJvm(spark) / slots;
    long factor = s.writeSamples() ? 12 : 8; // the batch's samples, their per-example copies, their moments
    long need = s.batchSize() * (perExample * factor + featureLength * 8L);
    if (s.batchSize() * perExample > MAX_ARRAY || need > taskHeap) {
      long fit = Math.max(0, Math.min(MAX_ARRAY / perExample, taskHeap / (perExample * factor + featureLength * 8L)));
      throw new InvalidSettingsException(String.format(Locale.ROOT, "--batch-size = %d with --iterations = %d needs"
          + " %s of samples per task (%d examples x %d outputs x %d iterations), more than a task's share of the heap"
          + " (%s = %s over %d task slots)%s; expected --batch-size at most %d, or more heap (bin/mcposterior:"
          + " MCPOSTERIOR_JAVA_OPTS=-Xmx16g; spark-submit: --executor-memory)", s.batchSize(), s.iterations(),
          bytes(need), s.batchSize(), outputs, shardIterations, bytes(taskHeap), bytes(heapPerJvm(spark)), slots,
          s.batchSize() * perExample > MAX_ARRAY ? " and more than one Java array holds" : "", fit));
    }
    if (isLocal(spark)) {
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
   */
  static void checkJoint(ScorerSettings s, String heuristic, int candidates, int outputs, long targetRows) {
    long rows = Math.min(candidates, Long.MAX_VALUE) + targetRows;
    long floats = Math.max(candidates, targetRows) * outputs * (long) s.iterations();
    long driverNeed = rows * outputs * (long) s.iterations() * 4L * 2;
    long driverHeap = Runtime.getRuntime().maxMemory();
    if (floats > MAX_ARRAY || driverNeed > driverHeap / 2) {
      throw new InvalidSettingsException(String.format(Locale.ROOT, "--heuristic %s holds the samples of %d"
          + " candidates%s on the driver: %s for %d outputs x %d iterations, more than half the driver's heap (%s)"
          + " or one Java array; expected fewer --candidates (now %d), fewer --iterations%s, or a larger driver"
          + " heap", heuristic, candidates, targetRows > 0 ? " and " + targetRows + " target examples"
          : "", bytes(driverNeed), outputs, s.iterations(), bytes(driverHeap), candidates,
          targetRows > 0 ? ", a smaller --target" : ""));
    }
  }

  private static boolean isLocal(SparkSession spark) {
    return spark.sparkContext().isLocal();
  }

  /** How many tasks run at once in one JVM: the cores of local mode, else an executor's cores. */
  private static int taskSlotsPerJvm(SparkSession spark) {
    if (isLocal(spark)) {
      return Math.max(1, spark.sparkContext().defaultParallelism());
    }
    int cores = spark.sparkContext().getConf().getInt("spark.executor.cores", 1);
    int perTask = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    return Math.max(1, cores / perTask);
  }

  private static long heapPerJvm(SparkSession spark) {
    if (isLocal(spark)) {
      return Runtime.getRuntime().maxMemory();
    }
    return spark.sparkContext().getConf().getSizeAsBytes("spark.executor.memory", "1g");
  }

  static String bytes(long b) {
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20));
  }
}
