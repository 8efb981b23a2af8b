package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's way to production, on a real multi-JVM Spark standalone cluster (master, two
 * workers, executor JVMs, the driver through SparkSubmit): an application with DL4J inside its
 * tasks gives the same answer as in-process, survives a SIGKILL of an executor in the middle of a
 * task, and turns a failed job into a non-zero exit code a scheduler can see. One cluster serves
 * all tests (starting one takes seconds, not milliseconds); each test submits its own application.
 */
@Tag("cluster")
class StandaloneClusterTest {

  private static final int WORKERS = 2;
  private static StandaloneCluster cluster;
  private static final List<Long> clusterPids = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    cluster = StandaloneCluster.builder().workers(WORKERS).coresPerWorker(1).memoryPerWorker("2g").start();
    System.err.println("cluster started in " + cluster.startupTime().toMillis() + " ms: " + cluster);
    clusterPids.addAll(cluster.livePids());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster == null) {
      return;
    }
    long t0 = System.nanoTime();
    cluster.close();
    System.err.println("cluster stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertEquals(List.of(), cluster.livePids(), "no JVM of the cluster outlives close()");
    for (long pid : clusterPids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " outlived close()");
    }
  }

  @Test
  void clusterHasTheRequestedWorkersAlive() {
    assertEquals(WORKERS, cluster.aliveWorkers(), cluster.diagnostics());
    assertTrue(cluster.masterUrl().matches("spark://127\\.0\\.0\\.1:\\d+"), cluster.masterUrl());
    assertTrue(ClusterJars.artifactsIn(cluster.applicationJar()).contains("org.nd4j:nd4j-native"),
        "nd4j ships inside the application jar " + cluster.applicationJar());
    assertTrue(cluster.sparkHomeJars().stream().noneMatch(p -> p.getFileName().toString().startsWith("nd4j-")),
        "the cluster itself has no nd4j: " + cluster.sparkHomeJars());
  }

  /**
   * Also the test of {@code cluster-configs/standalone/spark-defaults.conf}: the application is
   * submitted with that file, overriding only what this 2-core machine cannot give (sizes) and the
   * loopback addresses, and every executor must see the template's BLAS environment and JavaCPP
   * properties.
   */
  @Test
  void dl4jAppWithTheStandaloneTemplateMatchesTheSameComputationInProcess(@TempDir Path tmp) throws IOException {
    int records = 40;
    Path out = tmp.resolve("result.txt");
    Path template = standaloneTemplate();
    SubmitResult r = cluster.submit(SubmitSpec.builder(ClusterSmokeApp.class.getName(), cluster.testApplicationJar())
        .jars(cluster.applicationDependencyJars())
        .propertiesFile(template)
        .conf("spark.driver.memory", "1g").conf("spark.executor.memory", "1g").conf("spark.executor.cores", "1")
        .conf("spark.cores.max", Integer.toString(WORKERS)).conf("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .conf("spark.ui.enabled", "false").conf("spark.driver.host", "127.0.0.1")
        .conf("spark.driver.bindAddress", "127.0.0.1")
        .args("--records", Integer.toString(records), "--partitions", "8", "--sleep-ms-per-record", "50",
            "--output", out.toString())
        .build());
    System.err.println("smoke app: " + r);

    assertEquals(0, r.exitCode(), r.describe() + "\n" + cluster.diagnostics());
    Result result = Result.read(out);
    assertEquals(Integer.toString(records), result.header.get("records"));
    assertEquals(Long.toString((long) records * (records - 1) / 2), result.header.get("sum"));
    assertEquals(WORKERS, result.executors().size(), "tasks ran in one executor per worker: " + result.header);
    assertEquals("0", result.header.get("retriedPartitions"), "no task needed a retry");
    assertEquals("CpuBackend", result.header.get("backends"), "nd4j's native CPU backend loaded in every executor");
    Properties conf = new Properties();
    try (Reader in = Files.newBufferedReader(template)) {
      conf.load(in);
    }
    assertEquals(conf.getProperty("spark.executorEnv.OPENBLAS_CORETYPE"), result.header.get("coretypes"),
        "spark.executorEnv.OPENBLAS_CORETYPE reached the executors (the workers' environment has none)");
    assertEquals("1", result.header.get("openblasThreads"), "spark.executorEnv.OPENBLAS_NUM_THREADS reached the executors");
    assertEquals("1", result.header.get("ompThreads"), "OMP_NUM_THREADS (Spark 4 also defaults it to spark.task.cpus)");
    assertEquals("linux-x86_64", result.header.get("javacppPlatforms"), "-Djavacpp.platform from extraJavaOptions");
    Matcher maxBytes = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.maxbytes=(\\S+)")
        .matcher(conf.getProperty("spark.executor.extraJavaOptions"));
    assertTrue(maxBytes.find(), "the template caps nd4j's off-heap memory");
    assertEquals(Long.toString(Pointer.parseBytes(maxBytes.group(1), Runtime.getRuntime().maxMemory())),
        result.header.get("javacppMaxBytes"), "executors got the template's extraJavaOptions");
    assertRecordsEqual(ClusterSmokeApp.expectedRecords(records), result.records);
  }

  @Test
  void appSurvivesSigkillOfAnExecutorInTheMiddleOfATask(@TempDir Path tmp) throws IOException {
    int records = 48;
    Path out = tmp.resolve("result.txt");
    Path markers = tmp.resolve("markers");
    RunningApp app = cluster.submitInBackground(cluster.testAppSubmitSpec(ClusterSmokeApp.class.getName())
        .conf("spark.task.maxFailures", "4")
        .args("--records", Integer.toString(records), "--partitions", "8", "--sleep-ms-per-record", "250",
            "--marker-dir", markers.toString(), "--output", out.toString())
        .build());

    ExecutorProcess killed = cluster.killExecutorNamedInMarker(app, markers, Duration.ofSeconds(120));
    System.err.println("killed " + killed + " after " + app.elapsed().toMillis() + " ms");
    assertFalse(ProcessHandle.of(killed.pid()).map(ProcessHandle::isAlive).orElse(false), "the executor is dead");
    assertEquals(app.appId(), Optional.of(killed.appId()), "the killed executor served this application");
    SubmitResult r = app.await();
    System.err.println("fault-injection app: " + r);

    assertEquals(0, r.exitCode(), "the job recovers from a lost executor\n" + r.describe() + "\n" + cluster.diagnostics());
    Result result = Result.read(out);
    assertTrue(r.stderr().contains("Lost executor " + killed.executorId() + " "),
        "the driver saw executor " + killed.executorId() + " die (SIGKILL: exit code 137)\n" + r.describe());
    assertTrue(Long.parseLong(result.header.get("retriedPartitions")) >= 1,
        "the killed executor's running task was retried: " + result.header);
    assertEquals(Integer.toString(records), result.header.get("records"));
    assertRecordsEqual(ClusterSmokeApp.expectedRecords(records), result.records);
  }

  @Test
  void failedJobExitsNonZeroThroughSparkSubmit(@TempDir Path tmp) {
    Path out = tmp.resolve("result.txt");
    SubmitResult r = cluster.submit(cluster.testAppSubmitSpec(ClusterSmokeApp.class.getName())
        .conf("spark.task.maxFailures", "1")
        .args("--records", "4", "--partitions", "2", "--fail-in-task", "--output", out.toString())
        .build());
    System.err.println("failing app: " + r);

    assertEquals(1, r.exitCode(), "a failed job is the application's exit code 1, through SparkSubmit\n" + r.describe());
    assertTrue(r.stderr().contains(ClusterSmokeApp.INJECTED_FAILURE), "the task's failure reaches the driver's log\n"
        + r.describe());
    assertFalse(Files.exists(out), "a failed run writes no result");
  }

  @Test
  void submissionOverItsTimeoutFailsNamingItAndLeavesNoDriver(@TempDir Path tmp) {
    RunningApp app = cluster.submitInBackground(cluster.testAppSubmitSpec(ClusterSmokeApp.class.getName())
        .timeout(Duration.ofSeconds(3))
        .args("--records", "10", "--sleep-ms-per-record", "60000", "--output", tmp.resolve("never.txt").toString())
        .build());

    ClusterException e = assertThrows(ClusterException.class, app::await);
    assertTrue(e.getMessage().contains("did not finish within 3 s"), e.getMessage());
    assertFalse(app.isAlive(), "the driver JVM was killed");
  }

  @Test
  void killExecutorRefusesAPidThatIsNotAnExecutor() {
    long self = ProcessHandle.current().pid();
    ClusterException e = assertThrows(ClusterException.class, () -> cluster.killExecutor(self));
    assertTrue(e.getMessage().contains("pid " + self + " is not a running executor"), e.getMessage());
  }

  /** {@code cluster-configs/standalone/spark-defaults.conf}, found from the jobs module (Surefire's {@code basedir}). */
  private static Path standaloneTemplate() {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path template = module.resolveSibling("cluster-configs").resolve("standalone").resolve("spark-defaults.conf");
    assertTrue(Files.isRegularFile(template), "the standalone template is at " + template);
    return template;
  }

  /** Float tolerance: the same float network in another JVM; only the summation order inside BLAS may differ. */
  private static void assertRecordsEqual(List<String> expected, List<String> actual) {
    assertEquals(expected.size(), actual.size(), "record count");
    for (int i = 0; i < expected.size(); i++) {
      String[] e = expected.get(i).split(" ");
      String[] a = actual.get(i).split(" ");
      assertEquals(e.length, a.length, "fields of record " + i);
      assertEquals(e[0], a[0], "id of record " + i);
      for (int k = 1; k < e.length; k++) {
        assertEquals(Float.parseFloat(e[k]), Float.parseFloat(a[k]), 1e-6f,
            "probability " + k + " of record " + i + ": in-process " + expected.get(i) + ", cluster " + actual.get(i));
      }
    }
  }

  /** The result file of {@link ClusterSmokeApp}: header map and record lines. */
  private static final class Result {
    final Map<String, String> header = new LinkedHashMap<>();
    final List<String> records = new ArrayList<>();

    static Result read(Path file) throws IOException {
      assertTrue(Files.isRegularFile(file), "the application wrote its result file " + file);
      Result r = new Result();
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          r.header.put(line.substring(0, eq), line.substring(eq + 1));
        } else if (!line.isBlank()) {
          r.records.add(line);
        }
      }
      return r;
    }

    Set<String> executors() {
      return new TreeSet<>(List.of(header.getOrDefault("executors", "").split(",")));
    }
  }
}
