package org.mcposterior.jobs.score;

import java.util.Locale;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, at a regular interval on the driver, how many examples have been sampled and at what
 * rate (the accumulator advances as tasks finish). Spark's own UI and stage progress stay on.
 */
final class ProgressLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("mcposterior.progress");

  private final Thread thread;
  private volatile boolean done;

  /**
   * @param units total example-shards to sample (examples x iteration shards)
   * @param iterationsPerUnit iterations in one example-shard, for the example-iterations rate
   */
  ProgressLog(LongAccumulator acc, long units, double iterationsPerUnit, long intervalMillis) {
    long start = System.nanoTime();
    thread = new Thread(() -> {
      while (!done) {
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
        long v = acc.value();
        double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        LOG.info(String.format(Locale.ROOT, "sampled %,d of %,d example-shards (%.1f%%) in %.0f s: %,.0f examples/s,"
            + " %,.0f example-iterations/s", v, units, 100.0 * v / Math.max(1, units), secs, v / secs,
            v * iterationsPerUnit / secs));
      }
    }, "mcposterior-progress");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    done = true;
    thread.interrupt();
  }
}
