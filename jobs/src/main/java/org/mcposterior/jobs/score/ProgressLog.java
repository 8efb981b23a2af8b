package org.mcposterior.jobs.score;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, at a regular interval on the driver, how many examples have been sampled and at what
 * rate. The accumulator's value on the driver advances only when a task finishes, which on a slow
 * network with few large tasks is the end of the run; so the counts of running tasks are read
 * from the executors' heartbeats too ({@code spark.executor.heartbeatInterval}, 10 s by default),
 * which carry every task's accumulator updates so far (the sampler adds one batch at a time).
 * Spark's own UI and stage progress stay on.
 */
final class ProgressLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("mcposterior.progress");

  private final Thread thread;
  private final SparkContext sc;
  private final SparkListener listener;
  /** Task id -> examples its running task has sampled so far (from heartbeats); removed when it ends. */
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  private final LongAccumulator acc;
  private volatile boolean done;

  /**
   * @param units total example-shards to sample (examples x iteration shards)
   * @param iterationsPerUnit iterations in one example-shard, for the example-iterations rate
   */
  ProgressLog(SparkContext sc, LongAccumulator acc, long units, double iterationsPerUnit, long intervalMillis) {
    long start = System.nanoTime();
    this.sc = sc;
    this.acc = acc;
    long id = acc.id();
    this.listener = new SparkListener() {
      @Override
      public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        // Wildcard types: the element is a Seq of Scala 2.12's collection package on Spark 3.5, of
        // 2.13's immutable package on Spark 4; both are scala.collection.Iterable.
        scala.collection.Iterator<?> it = update.accumUpdates().iterator();
        while (it.hasNext()) {
          scala.Tuple4<?, ?, ?, ?> t = (scala.Tuple4<?, ?, ?, ?>) it.next();
          scala.collection.Iterator<?> infos = ((scala.collection.Iterable<?>) t._4()).iterator();
          while (infos.hasNext()) {
            AccumulableInfo info = (AccumulableInfo) infos.next();
            if (info.id() == id && info.update().isDefined() && info.update().get() instanceof Number n) {
              running.put((Long) t._1(), n.longValue());
            }
          }
        }
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
      }
    };
    sc.addSparkListener(listener);
    thread = new Thread(() -> {
      while (!done) {
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
        long v = Math.min(units, sampled());
        double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        LOG.info(String.format(Locale.ROOT, "phase sample: sampled %,d of %,d example-shards (%.1f%%) in %.0f s: %,.0f examples/s,"
            + " %,.0f example-iterations/s", v, units, 100.0 * v / Math.max(1, units), secs, v / secs,
            v * iterationsPerUnit / secs));
      }
    }, "mcposterior-progress");
    thread.setDaemon(true);
    thread.start();
  }

  /** Example-shards sampled so far: finished tasks' (the accumulator) and running tasks' (their last heartbeat). */
  long sampled() {
    return acc.value() + running.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public void close() {
    done = true;
    thread.interrupt();
    sc.removeSparkListener(listener);
  }
}
