package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.Main;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.models.Network;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The scoring job submitted through SparkSubmit, exactly as spark-submit would, to a real Spark
 * standalone cluster of separate JVMs on loopback (master, two workers, their executors): its
 * output equals local mode's; it survives a SIGKILL of an executor in the middle of a task (Spark
 * retries within spark.task.maxFailures) with the same output; bad input exits non-zero with
 * nothing written.
 */
@Tag("cluster")
class ScoreJobClusterTest {
  static StandaloneCluster cluster;
  @TempDir static Path dir;
  static Path model;
  static Path pool;
  static Map<String, double[]> local;
  static final String[] SCORES = {"bald", "entropy", "variance", "margin", "certainty"};

  @BeforeAll
  static void setUp() throws Exception {
    model = dir.resolve("mlp.zip");
    Network.of(ReferenceNetworks.mlp(3)).save(model);
    pool = dir.resolve("pool.parquet");
    Path localOut = dir.resolve("local");
    SharedSpark.stop(); // sessions of its own, stopped before the cluster starts: the cluster needs the memory
    SparkSession spark = SparkSession.builder().master("local[2]").appName("cluster-test-setup")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      SplittableRandom r = new SplittableRandom(5);
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        Float[] f = new Float[784];
        for (int j = 0; j < 784; j++) {
          f[j] = (float) r.nextDouble();
        }
        rows.add(RowFactory.create("ex-" + i, f));
      }
      spark.createDataFrame(rows, DataTypes.createStructType(List.of(
          DataTypes.createStructField("id", DataTypes.StringType, false),
          DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false))))
          .repartition(8).write().parquet(pool.toString());
      assertEquals(0, Main.execute(args(localOut)), "local-mode reference run");
      local = read(spark, localOut);
    } finally {
      spark.stop();
    }
    cluster = StandaloneCluster.builder().workers(2).coresPerWorker(1).memoryPerWorker("2g").start();
  }

  @AfterAll
  static void tearDown() {
    if (cluster != null) {
      cluster.close();
      assertEquals(List.of(), cluster.livePids(), "no JVM of the cluster outlives the test");
    }
  }

  static String[] args(Path out) {
    return new String[] {"score", "--model", model.toString(), "--pool", pool.toString(), "--out", out.toString(),
        "--iterations", "60", "--seed", "11", "--top-k", "20", "--batch-size", "64"};
  }

  static Map<String, double[]> read(SparkSession spark, Path out) {
    Map<String, double[]> m = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("scores").toString()).collectAsList()) {
      double[] v = new double[SCORES.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.getDouble(r.fieldIndex(SCORES[i]));
      }
      m.put(r.getString(0), v);
    }
    return m;
  }

  static void assertSameAsLocal(Path out, String what) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("cluster-test-read")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      Map<String, double[]> got = read(spark, out);
      assertEquals(local.keySet(), got.keySet(), what + ": same examples");
      double worst = 0;
      for (var e : local.entrySet()) {
        double[] a = e.getValue(), b = got.get(e.getKey());
        for (int i = 0; i < a.length; i++) {
          worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
      }
      System.err.println(what + ": largest score difference to local mode " + worst);
      assertTrue(worst <= 1e-6, what + ": scores equal local mode's (largest difference " + worst + ")");
    } finally {
      spark.stop();
    }
  }

  @Test
  void clusterRunEqualsLocalMode() throws Exception {
    Path out = dir.resolve("cluster");
    SubmitResult r = cluster.submit(cluster.submitSpec(Main.class.getName()).args(args(out)).build());
    assertEquals(0, r.exitCode(), r.describe() + "\n" + cluster.diagnostics());
    assertSameAsLocal(out, "cluster");
    String summary = Files.readString(out.resolve("summary.json"));
    assertTrue(summary.contains(cluster.masterUrl()), "the summary names the cluster's master: " + summary);
  }

  /**
   * On the default Spark line only (tag {@code default-line-only}; bin/test's Spark 3.5 pass leaves
   * it out): what is Spark's on that line, an application surviving a SIGKILL of an executor in the
   * middle of a task with "Lost executor" in the driver's log, a retried task and the same answer,
   * is StandaloneClusterTest's appSurvivesSigkillOfAnExecutorInTheMiddleOfATask, which runs on both
   * lines; what is mcposterior's, scores that do not depend on which executor or attempt ran a
   * task, is Java of this project's own (keyed sampling), the same on both lines, and checked here
   * and in YarnClusterTest.
   */
  @Test
  @Tag("default-line-only")
  void executorKilledMidTaskStillGivesTheSameOutput() throws Exception {
    Path out = dir.resolve("killed");
    Path markers = dir.resolve("markers");
    RunningApp app = cluster.submitInBackground(cluster.testAppSubmitSpec(MarkTaskStarts.class.getName())
        .conf("spark.task.maxFailures", "4")
        .conf("spark.executor.extraJavaOptions", "-Djavacpp.platform=linux-x86_64")
        .args(MarkTaskStarts.args(markers, args(out))).build());
    ExecutorProcess killed = cluster.killExecutorNamedInMarker(app, markers, Duration.ofSeconds(180));
    System.err.println("killed " + killed + " after " + app.elapsed().toMillis() + " ms");
    SubmitResult r = app.await();
    assertEquals(0, r.exitCode(), "the job recovers from a lost executor\n" + r.describe() + "\n" + cluster.diagnostics());
    assertTrue(r.stderr().contains("Lost executor " + killed.executorId()), "the driver saw the executor die\n" + r.describe());
    assertSameAsLocal(out, "after kill -9 of executor " + killed.executorId());
  }

  @Test
  void killedDriverLeavesNoOutput() throws Exception {
    Path out = dir.resolve("driver-killed");
    Path markers = dir.resolve("driver-markers");
    RunningApp app = cluster.submitInBackground(cluster.testAppSubmitSpec(MarkTaskStarts.class.getName())
        .conf("spark.executor.extraJavaOptions", "-Djavacpp.platform=linux-x86_64")
        .args(MarkTaskStarts.args(markers, args(out))).build());
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline && app.isAlive() && (!Files.isDirectory(markers) || isEmpty(markers))) {
      Thread.sleep(100);
    }
    assertTrue(app.isAlive(), "the driver was still running when its tasks started\n" + app.stderrSoFar());
    ProcessHandle driver = ProcessHandle.of(app.driverPid()).orElseThrow();
    driver.descendants().forEach(ProcessHandle::destroyForcibly);
    driver.destroyForcibly();
    SubmitResult r = app.await();
    assertNotEquals(0, r.exitCode(), "a killed driver is a failed run");
    assertFalse(Files.exists(out), "a killed driver leaves nothing in --out");
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.findAny().isEmpty();
    }
  }

  /**
   * On the default Spark line only (tag {@code default-line-only}): on the Spark 3.5 line the
   * message and nothing written are JobBadInputTest's (the same refusal, "no column 'key'", in
   * local mode) and a failed driver's non-zero exit through SparkSubmit is StandaloneClusterTest's
   * failedJobExitsNonZeroThroughSparkSubmit.
   */
  @Test
  @Tag("default-line-only")
  void badInputExitsNonZeroAndWritesNothing() {
    Path out = dir.resolve("bad");
    List<String> a = new ArrayList<>(List.of(args(out)));
    a.addAll(List.of("--id-col", "nope"));
    SubmitResult r = cluster.submit(cluster.submitSpec(Main.class.getName()).args(a.toArray(new String[0])).build());
    assertNotEquals(0, r.exitCode(), r.describe());
    assertTrue(r.stderr().contains("no column 'nope'"), r.describe());
    assertFalse(Files.exists(out), "nothing written");
  }
}
