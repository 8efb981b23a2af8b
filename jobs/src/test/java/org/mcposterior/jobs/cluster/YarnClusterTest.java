package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileSystem;
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
import org.mcposterior.models.Network;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The scoring job on a real YARN cluster with HDFS, both inside the test run (Hadoop's
 * MiniYARNCluster and MiniDFSCluster of the Spark line's Hadoop, {@link YarnCluster}): submitted
 * as the application jar alone through {@code SparkSubmit --master yarn --deploy-mode cluster}
 * with {@code cluster-configs/yarn/spark-defaults.conf} (its SIZE values scaled to this machine),
 * pool and model read from {@code hdfs://}, output written to {@code hdfs://}. Its output equals
 * local mode's; a SIGKILL of an executor container's JVM in the middle of a task gives the same
 * output; bad input makes the application FAIL with the product's message in the driver's
 * (ApplicationMaster container's) log, a non-zero exit of the submitter, and nothing at {@code --out}.
 */
@Tag("yarn")
class YarnClusterTest {
  static YarnCluster cluster;
  @TempDir static Path dir;
  static String model;
  static String pool;
  static Map<String, double[]> local;
  static final String[] SCORES = {"bald", "entropy", "variance", "margin", "certainty"};

  @BeforeAll
  static void setUp() throws Exception {
    Path localModel = dir.resolve("mlp.zip");
    Network.of(ReferenceNetworks.mlp(3)).save(localModel);
    Path localPool = dir.resolve("pool.parquet");
    Path localOut = dir.resolve("local");
    SharedSpark.stop(); // sessions of its own, stopped before the cluster starts: the cluster needs the memory
    SparkSession spark = SparkSession.builder().master("local[2]").appName("yarn-test-setup")
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
          .repartition(8).write().parquet(localPool.toString());
      assertEquals(0, Main.execute(args(localModel.toString(), localPool.toString(), localOut.toString())),
          "local-mode reference run");
      local = read(spark, localOut.toString());
    } finally {
      spark.stop();
    }
    long t0 = System.nanoTime();
    cluster = YarnCluster.builder().start();
    System.err.printf("HDFS + YARN up in %.1f s at %s%n", (System.nanoTime() - t0) / 1e9, cluster.hdfsUri());
    FileSystem fs = cluster.hdfs();
    model = cluster.hdfsUri() + "/inputs/mlp.zip";
    pool = cluster.hdfsUri() + "/inputs/pool.parquet";
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(localModel.toUri()), new org.apache.hadoop.fs.Path(model));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(localPool.toUri()), new org.apache.hadoop.fs.Path(pool));
  }

  @AfterAll
  static void tearDown() {
    if (cluster != null) {
      cluster.close();
      assertEquals(List.of(), cluster.livePids(), "no container or submitter outlives the test");
    }
  }

  static String[] args(String modelPath, String poolPath, String out) {
    return new String[] {"score", "--model", modelPath, "--pool", poolPath, "--out", out,
        "--iterations", "60", "--seed", "11", "--top-k", "20", "--batch-size", "64"};
  }

  static Map<String, double[]> read(SparkSession spark, String out) {
    Map<String, double[]> m = new HashMap<>();
    for (Row r : spark.read().parquet(out + "/scores").collectAsList()) {
      double[] v = new double[SCORES.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.getDouble(r.fieldIndex(SCORES[i]));
      }
      m.put(r.getString(0), v);
    }
    return m;
  }

  static void assertSameAsLocal(String out, String what) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("yarn-test-read")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      Map<String, double[]> got = read(spark, out);
      assertEquals(local.keySet(), got.keySet(), what + ": same examples");
      double worst = 0;
      for (var e : local.entrySet()) {
        double[] a = e.getValue();
        double[] b = got.get(e.getKey());
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

  /** The YARN template's extraJavaOptions for a role, plus the watchdog agent and any extra flags. */
  static String javaOptions(String role, String extra) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(ClusterConfigsTest.configs().resolve("yarn").resolve("spark-defaults.conf"))) {
      p.load(in);
    }
    String opts = p.getProperty("spark." + role + ".extraJavaOptions");
    assertNotNull(opts, "the YARN template sets spark." + role + ".extraJavaOptions");
    return (opts + " " + cluster.watchdogOption() + " " + extra).trim();
  }

  /** The product's submission: the application jar alone, the YARN template, this cluster's sizes. */
  static SubmitSpec.Builder spec(String out, String executorExtra) throws IOException {
    return configured(SubmitSpec.builder(Main.class.getName(), cluster.applicationJar()), executorExtra)
        .args(args(model, pool, out));
  }

  /** {@code b} with the YARN template, this cluster's sizes and the roles' Java options. */
  static SubmitSpec.Builder configured(SubmitSpec.Builder b, String executorExtra) throws IOException {
    b.propertiesFile(ClusterConfigsTest.configs().resolve("yarn").resolve("spark-defaults.conf"))
        .timeout(Duration.ofMinutes(6));
    cluster.recommendedConf().forEach(b::conf);
    b.conf("spark.driver.extraJavaOptions", javaOptions("driver", ""));
    b.conf("spark.executor.extraJavaOptions", javaOptions("executor", executorExtra));
    return b;
  }

  @Test
  void yarnClusterModeOnHdfsEqualsLocalMode() throws Exception {
    String out = cluster.hdfsUri() + "/runs/plain";
    YarnSubmission.Result r = cluster.submit(spec(out, "").build());
    System.err.printf("YARN cluster-mode run: %.1f s%n", r.elapsed().toMillis() / 1000.0);
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.stderr().contains("final status: SUCCEEDED"), "YARN reports success\n" + r.describe());
    assertFalse(r.driverLog().contains("after waiting maxRegisteredResourcesWaitingTime"),
        "both executors registered before the job began (the node has room for the driver and two executors)\n"
            + r.describe());
    assertSameAsLocal(out, "YARN");
    FileSystem fs = cluster.hdfs();
    String summary = new String(fs.open(new org.apache.hadoop.fs.Path(out + "/summary.json")).readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(summary.contains("yarn"), "the summary names the YARN master: " + summary);
  }

  @Test
  void executorContainerKilledMidTaskStillGivesTheSameOutput() throws Exception {
    String out = cluster.hdfsUri() + "/runs/killed";
    Path markers = dir.resolve("markers");
    // The product's submission, run through the test application that marks each task's start:
    // its jar (the test classes) is the application jar, the product's its one --jars.
    Path testApp = TestApplicationJar.pack(dir.resolve("app").resolve("mcposterior-test-app.jar"),
        ClusterJars.ofThisJvm().classDirectories(), dir);
    YarnSubmission app = cluster.submitInBackground(configured(SubmitSpec.builder(MarkTaskStarts.class.getName(),
        testApp).jars(List.of(cluster.applicationJar())), "").args(MarkTaskStarts.args(markers, args(model, pool, out)))
        .build());
    ExecutorProcess killed = cluster.killExecutorNamedInMarker(app, markers, Duration.ofSeconds(240));
    System.err.println("killed " + killed + " after " + app.elapsed().toMillis() + " ms");
    YarnSubmission.Result r = app.await();
    assertEquals(0, r.exitCode(), "the job recovers from a lost executor container\n" + r.describe());
    assertTrue(r.driverLog().contains("Lost executor " + killed.executorId()),
        "the driver saw executor " + killed.executorId() + " die\n" + r.describe());
    assertSameAsLocal(out, "after kill -9 of executor container " + killed.executorId());
  }

  @Test
  void badInputFailsTheApplicationWithTheErrorInTheDriverLogAndWritesNothing() throws Exception {
    String out = cluster.hdfsUri() + "/runs/bad";
    SubmitSpec.Builder b = spec(out, "");
    b.args("--id-col", "nope");
    YarnSubmission.Result r = cluster.submit(b.build());
    assertNotEquals(0, r.exitCode(), "the submitter exits non-zero for a failed application\n" + r.describe());
    assertTrue(r.stderr().contains("final status: FAILED"), "YARN reports the application FAILED\n" + r.describe());
    assertTrue(r.driverLog().contains("no column 'nope'"), "the product's message is in the driver's log\n" + r.describe());
    assertFalse(cluster.hdfs().exists(new org.apache.hadoop.fs.Path(out)), "a failed run leaves nothing at --out");
  }
}
