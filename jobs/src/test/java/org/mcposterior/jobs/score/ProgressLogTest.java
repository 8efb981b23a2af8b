package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Progress counts the examples of tasks still running, from the executors' heartbeats: on a slow
 * network a task is the whole run, and the driver's accumulator moves only when it ends (issue 17).
 */
class ProgressLogTest {
  /** Holds the task until the test has seen its progress (local mode: the task runs in this JVM). */
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  @Test
  void aRunningTasksExamplesAreCountedBeforeItEnds() throws Exception {
    SharedSpark.stop(); // a static setting (the heartbeat) needs a context of its own
    SparkSession spark = SparkSession.builder().master("local[1]").appName("ProgressLogTest")
        .config("spark.ui.enabled", "false").config("spark.executor.heartbeatInterval", "200ms").getOrCreate();
    try {
      LongAccumulator acc = spark.sparkContext().longAccumulator("sampled");
      try (ProgressLog log = new ProgressLog(spark.sparkContext(), acc, 100, 1, 3_600_000)) {
        CompletableFuture<Void> job = CompletableFuture.runAsync(() ->
            JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1), 1).foreach(x -> {
              acc.add(37); // a batch sampled, as ScoreTask adds it
              RELEASE.await(60, TimeUnit.SECONDS);
            }));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (log.sampled() < 37 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertEquals(37, log.sampled(), "the running task's count, from its heartbeat");
        assertEquals(0, acc.value(), "the driver's accumulator has not moved: the task has not ended");
        RELEASE.countDown();
        job.get(60, TimeUnit.SECONDS);
        assertEquals(37, acc.value());
        assertTrue(log.sampled() >= 37);
      }
    } finally {
      RELEASE.countDown();
      spark.stop();
    }
  }
}
