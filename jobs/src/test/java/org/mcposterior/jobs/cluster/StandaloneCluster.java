package org.mcposterior.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A real Spark standalone cluster on this machine for integration tests: one master and N workers,
 * each its own JVM on 127.0.0.1 ({@link StandaloneDaemons}), started through Spark's own launcher
 * ({@link SparkClassLauncher}) from a {@link SparkHome} of the test class path's Spark jars;
 * applications go through {@code SparkSubmit} in a JVM of their own, as {@code spark-submit} runs
 * them ({@link RunningApp}); the workers launch real executor JVMs, which tests can kill with
 * SIGKILL ({@link StandaloneExecutors}). Only separate executor JVMs show what local mode hides:
 * closures and broadcasts serialized for real, nd4j's natives loaded in every executor, settings
 * that must reach executors through {@code spark.executorEnv.*} and {@code extraJavaOptions}
 * ({@link SparkEnvironment} keeps the test JVM's BLAS variables from them), exit codes through
 * SparkSubmit, and recovery from a lost executor.
 *
 * <p>Cleanup: {@link #close} kills every process tree it started, then any process whose command
 * line names this run's Spark home (an executor a worker launched at the last moment); a shutdown
 * hook does the same if a test forgets, and the {@link WatchdogAgent} in every JVM it starts ends
 * them if the test JVM itself is killed. The {@link RunDirectory} is deleted on a clean close and
 * its logs kept after trouble of the harness's own. An application's non-zero exit is not trouble
 * (tests provoke it on purpose): its {@link SubmitResult#describe} carries the driver's log.
 *
 * <p>Thread-safe. Linux only (executors are found through {@code /proc}).
 */
public final class StandaloneCluster implements AutoCloseable {

  private final StandaloneClusterBuilder.Settings settings;
  private final RunDirectory run;
  private final SparkHome sparkHome;
  private final Path applicationJar;
  private final Path testApplicationJar;
  private final String openblasCoretype;
  private final Map<String, String> driverEnvironment;
  private final SparkClassLauncher spark;
  private final StandaloneDiagnostics logs;
  private final StandaloneDaemons daemons;
  private final StandaloneExecutors executors;
  private final List<RunningApp> apps = new CopyOnWriteArrayList<>();
  private final StopOnce stopper;

  StandaloneCluster(StandaloneClusterBuilder.Settings settings) throws IOException {
    this.settings = settings;
    this.applicationJar = ProductJar.path();
    ClusterJars jars = ClusterJars.forApplicationJar(System.getProperty("java.class.path", ""), applicationJar);
    this.run = RunDirectory.create(settings.baseDirectory(), "mcposterior test cluster");
    this.sparkHome = SparkHome.link(run.root().resolve("spark-home"), jars.sparkHomeJars());
    WatchdogAgent watchdog = WatchdogAgent.writeTo(run.root().resolve("watchdog.jar"));
    this.testApplicationJar = TestApplicationJar.pack(run.root().resolve("app").resolve("mcposterior-test-app.jar"),
        jars.classDirectories(), settings.baseDirectory());
    this.openblasCoretype = OpenBlas.coretype();
    String localDirs = run.root().resolve("local").toString();
    this.driverEnvironment = SparkEnvironment.standaloneDriver(sparkHome, localDirs, settings.daemonMemory(),
        openblasCoretype);
    this.spark = new SparkClassLauncher(sparkHome, run, new JvmLauncher(run, watchdog));
    this.logs = new StandaloneDiagnostics(run);
    this.daemons = new StandaloneDaemons(spark, run, logs, SparkEnvironment.standaloneDaemon(sparkHome, localDirs,
        settings.daemonMemory(), settings.workerEnvironment()));
    this.executors = new StandaloneExecutors(daemons::workers, run, logs::describe);
    this.stopper = new StopOnce("mcposterior-cluster-shutdown", this::stopEverything);
  }

  /** A builder with the defaults: 2 workers x 1 core x 2g, daemons with 512m heaps, 2 minutes to start. */
  public static StandaloneClusterBuilder builder() {
    return new StandaloneClusterBuilder();
  }

  /** Starts the daemons; on failure stops what was started and keeps the logs. */
  void startDaemons() {
    try {
      daemons.start(settings.workers(), settings.coresPerWorker(), settings.memoryPerWorker(), settings.startTimeout());
    } catch (RuntimeException e) {
      run.noteTrouble();
      close();
      throw e;
    }
  }

  /** The master's URL, {@code spark://127.0.0.1:<port>}, what {@code --master} takes. */
  public String masterUrl() {
    return daemons.masterUrl();
  }

  /** The master's web UI; {@code <ui>/json/} is the cluster state that {@link #aliveWorkers} reads. */
  public URI masterWebUi() {
    return daemons.master().webUi();
  }

  /** The temporary Spark home: {@code jars/} (links) and an empty {@code conf/}. */
  public Path sparkHome() {
    return sparkHome.path();
  }

  /** Everything of this run: Spark home, logs, worker and local directories, the application jar. */
  public Path runDirectory() {
    return run.root();
  }

  /** Wall time from the start of the daemons to all workers registered. */
  public Duration startupTime() {
    return daemons.startupTime();
  }

  /** The OpenBLAS kernel every executor gets ({@link OpenBlas#coretype}). */
  public String openblasCoretype() {
    return openblasCoretype;
  }

  /** The product's application jar ({@link ProductJar}): what a user submits, alone. The Spark home holds only what it lacks. */
  public Path applicationJar() {
    return applicationJar;
  }

  /** The test applications' jar ({@link TestApplicationJar}); submitted with {@link #applicationJar} as its only {@code --jars}. */
  public Path testApplicationJar() {
    return testApplicationJar;
  }

  /** The jars shipped with {@code --jars} for a test application: the product's application jar alone. */
  public List<Path> applicationDependencyJars() {
    return List.of(applicationJar);
  }

  /** The Spark home's jars: what the cluster provides (Spark, Scala, Hadoop and their libraries); see {@link ClusterJars}. */
  public List<Path> sparkHomeJars() {
    return sparkHome.jars();
  }

  /**
   * Settings that {@link #submitSpec} gives every application, each because a DL4J application on
   * a cluster needs it: small heaps for this 2-core machine; the OpenBLAS kernel and one BLAS thread
   * per task slot in the executors' environment; {@code javacpp.platform} so JavaCPP looks only for
   * Linux natives; loopback driver address; no UI (no port to find); and {@code spark.cores.max}
   * with {@code minRegisteredResourcesRatio=1} so jobs start only once every worker's executor has
   * registered, which makes "ran on every worker" testable.
   */
  public Map<String, String> recommendedConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.driver.memory", "1g");
    c.put("spark.executor.memory", "1g");
    c.put("spark.ui.enabled", "false");
    c.put("spark.driver.host", SparkEnvironment.HOST);
    c.put("spark.driver.bindAddress", SparkEnvironment.HOST);
    OpenBlas.singleThreaded(openblasCoretype).forEach((k, v) -> c.put("spark.executorEnv." + k, v));
    c.put("spark.driver.extraJavaOptions", "-Djavacpp.platform=linux-x86_64");
    c.put("spark.executor.extraJavaOptions", "-Djavacpp.platform=linux-x86_64");
    c.put("spark.cores.max", Integer.toString(settings.workers() * settings.coresPerWorker()));
    c.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    c.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s");
    return c;
  }

  /** A submission of the product: {@link #applicationJar} alone (no {@code --jars}) and {@link #recommendedConf}. */
  public SubmitSpec.Builder submitSpec(String mainClass) {
    return prefilled(SubmitSpec.builder(mainClass, applicationJar));
  }

  /** A submission of a test application ({@link #testApplicationJar}), the application jar as its one {@code --jars}, and {@link #recommendedConf}. */
  public SubmitSpec.Builder testAppSubmitSpec(String mainClass) {
    return prefilled(SubmitSpec.builder(mainClass, testApplicationJar).jars(applicationDependencyJars()));
  }

  private SubmitSpec.Builder prefilled(SubmitSpec.Builder b) {
    recommendedConf().forEach(b::conf);
    return b;
  }

  /** Runs a submission and waits for it; see {@link RunningApp#await} for the timeout. */
  public SubmitResult submit(SubmitSpec spec) {
    return submitInBackground(spec).await();
  }

  /**
   * Starts {@code SparkSubmit} in a new JVM in client mode against this cluster and returns at once.
   * The JVM command is Spark's own (launcher), so {@code spark.driver.memory} and
   * {@code spark.driver.extraJavaOptions} apply to the driver as with {@code spark-submit}.
   */
  public RunningApp submitInBackground(SubmitSpec spec) {
    requireOpen();
    RunDirectory.SubmissionLogs files = run.nextSubmission();
    Instant t0 = Instant.now();
    Process p = spark.launch(files.name(), SubmitterProcess.SPARK_SUBMIT_CLASS, spec.sparkSubmitArguments(masterUrl()),
        ProcessBuilder.Redirect.to(files.stdout().toFile()), ProcessBuilder.Redirect.to(files.stderr().toFile()),
        driverEnvironment);
    RunningApp app = new RunningApp(this, spec, new SubmitterProcess(p, t0, files));
    apps.add(app);
    return app;
  }

  /** Workers the master reports ALIVE, read from its JSON state. */
  public int aliveWorkers() {
    return masterState().path("aliveworkers").asInt(-1);
  }

  /** The master's JSON state ({@code <web ui>/json/}): workers, running and completed applications. */
  public JsonNode masterState() {
    requireOpen();
    return daemons.master().state();
  }

  /** The executor JVMs the workers are running now. */
  public List<ExecutorProcess> executors() {
    return executors.running();
  }

  /** The pids of {@link #executors}. */
  public List<Long> executorPids() {
    return executors().stream().map(ExecutorProcess::pid).collect(Collectors.toList());
  }

  /**
   * Kills one executor with SIGKILL and waits for it to be gone.
   *
   * @throws ClusterException if {@code pid} is not a running executor of this cluster, or if it survives
   */
  public void killExecutor(long pid) {
    executors.kill(pid);
  }

  /**
   * Waits until a task of {@code app} has written a marker into {@code markerDirectory} (the
   * protocol of {@link ExecutorMarkers}) and kills the executor named in it: a kill that certainly
   * hits an executor in the middle of a task.
   *
   * @return the killed executor
   * @throws ClusterException if the application ends first or nothing is marked within {@code within}
   */
  public ExecutorProcess killExecutorNamedInMarker(RunningApp app, Path markerDirectory, Duration within) {
    return executors.killNamedInMarker(app, markerDirectory, within);
  }

  /**
   * Waits until {@code app} has run for {@code runningFor} and has an executor, then kills one of
   * them. Coarser than {@link #killExecutorNamedInMarker}: the executor may be idle at that moment.
   *
   * @return the killed executor
   * @throws ClusterException if the application ends first or has no executor within {@code within}
   */
  public ExecutorProcess killExecutorAfter(RunningApp app, Duration runningFor, Duration within) {
    return executors.killAfter(app, runningFor, within);
  }

  /**
   * Pids of every live process of this cluster, whatever its parent: each has this run's Spark home
   * on its command line (master, workers, drivers, executors, launchers). Empty after {@link #close}.
   */
  public List<Long> livePids() {
    return ProcessTrees.naming(ProcessHandle.allProcesses(), List.of(sparkHome.path().toString()));
  }

  /** The tails of the daemons' logs and of every executor's standard error; every {@link ClusterException} about the cluster's state carries it. */
  public String diagnostics() {
    return logs.describe();
  }

  /** Stops every JVM of the cluster with SIGKILL, waits for them, and deletes the run directory (keeping the logs after any trouble). Idempotent. */
  @Override
  public void close() {
    stopper.stop();
  }

  private void stopEverything() {
    List<ProcessHandle> started = new ArrayList<>();
    apps.forEach(a -> started.add(a.driver().toHandle()));
    started.addAll(daemons.processes());
    List<Long> left = ProcessTrees.sweep(started, this::livePids);
    if (!left.isEmpty()) {
      run.noteTrouble();
      run.warn("processes " + left + " survived SIGKILL for " + ProcessTrees.KILL_WAIT.toSeconds() + " s; they name "
          + sparkHome + " on their command line");
    }
    run.cleanUp(StandaloneDiagnostics::isExecutorLog);
  }

  /** As {@link RunDirectory#refuse}: a request refused or an application gone wrong, logs not kept. */
  ClusterException refuse(String message, Throwable cause) {
    return run.refuse(message, cause);
  }

  private void requireOpen() {
    if (stopper.isStopped()) {
      throw run.fail("this cluster (" + run + ") is closed; start a new one with StandaloneCluster.builder().start()");
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "StandaloneCluster[%s, %d workers x %d cores x %s, run %s]", masterUrl(),
        settings.workers(), settings.coresPerWorker(), settings.memoryPerWorker(), run);
  }
}
