package org.mcposterior.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on this machine for integration tests: one master and N workers,
 * each its own JVM on 127.0.0.1, started from the Spark jars of the test class path; applications
 * go through {@code SparkSubmit} in a JVM of their own, exactly as {@code spark-submit} runs them;
 * the workers launch real executor JVMs, which tests can kill with SIGKILL.
 *
 * <p>Why not {@code local[n]} or {@code local-cluster}: only separate executor JVMs show what a
 * deployment meets and local mode hides: closures and broadcasts serialized for real, native
 * libraries (nd4j's OpenBLAS) loaded in every executor, settings that must reach executors through
 * {@code spark.executorEnv.*} and {@code extraJavaOptions}, jars shipped with {@code --jars}, exit
 * codes through SparkSubmit, and recovery from a lost executor.
 *
 * <p>How it runs without a Spark distribution: a temporary Spark home whose {@code jars/} holds
 * symbolic links to the class path's Spark-side jars ({@link ClusterJars} decides which), and every
 * JVM command computed by Spark's own launcher ({@code org.apache.spark.launcher.Main}, what
 * {@code bin/spark-class} calls), so memory, Java 17 module flags and class path are Spark's own
 * choices. The environment carries {@code SPARK_SCALA_VERSION} (without it the worker cannot build
 * an executor's command: "Cannot find any build directories") and {@code SPARK_LOCAL_IP=127.0.0.1};
 * the BLAS variables DL4J needs reach drivers through their environment and executors only through
 * the application's {@code spark.executorEnv.*} settings ({@link #recommendedConf}), as on a real
 * cluster, so a configuration that forgets them fails here too. Every port is chosen by the operating system (port 0) and read
 * back from the master's log and JSON, so parallel test runs do not clash.
 *
 * <p>Cleanup: {@link #close} kills every process tree it started, then any process whose command
 * line names this run's Spark home (an executor a worker launched at the last moment); a shutdown
 * hook does the same if a test forgets, and a watchdog agent ({@link ParentWatchdog}) in the master,
 * workers and drivers ends them if the test JVM itself is killed. Logs live in the run directory
 * ({@link #runDirectory}); it is deleted on a clean close and kept (logs only) after trouble of the
 * harness's own (a JVM that died or hung, a timeout), or always with
 * {@code -Dmcposterior.cluster.keep=true}. An application's non-zero exit is not trouble (tests
 * provoke it on purpose): its {@link SubmitResult#describe} carries the driver's log instead.
 *
 * <p>Thread-safe. Linux only (executors are found through {@code /proc}).
 */
public final class StandaloneCluster implements AutoCloseable {

  static final String MASTER_CLASS = "org.apache.spark.deploy.master.Master";
  static final String WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";
  static final String SUBMIT_CLASS = "org.apache.spark.deploy.SparkSubmit";
  static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  private static final String LAUNCHER_CLASS = "org.apache.spark.launcher.Main";
  /** Spark's launcher reads it to find jars; it must match the _2.13 Spark artifacts on the class path. */
  private static final String SCALA_BINARY_VERSION = "2.13";
  static final String HOST = "127.0.0.1";
  /** Kernel for nd4j's OpenBLAS when the test JVM sets none: correct on every AVX2 CPU (DESIGN.md, invariant 7). */
  static final String DEFAULT_OPENBLAS_CORETYPE = "HASWELL";
  private static final String KEEP_PROPERTY = "mcposterior.cluster.keep";
  private static final Set<String> BLAS_VARIABLES = Set.of("OPENBLAS_CORETYPE", "OMP_NUM_THREADS",
      "OPENBLAS_NUM_THREADS");

  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern MASTER_UI_PORT = Pattern.compile("Successfully started service 'MasterUI' on port (\\d+)");
  private static final String MASTER_LEADER = "I have been elected leader";
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration KILL_WAIT = Duration.ofSeconds(15);

  private final int workerCount;
  private final int coresPerWorker;
  private final String memoryPerWorker;
  private final String daemonMemory;
  private final Duration startTimeout;
  private final ClusterJars jars;
  private final Path runDirectory;
  private final Path sparkHome;
  private final Path logs;
  private final Path watchdogJar;
  private final Path applicationJar;
  private final Path testApplicationJar;
  private final String openblasCoretype;
  private final Map<String, String> daemonEnvironment;
  private final Map<String, String> driverEnvironment;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Process> workers = new CopyOnWriteArrayList<>();
  private final List<RunningApp> apps = new CopyOnWriteArrayList<>();
  private final AtomicInteger submissions = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;
  private volatile boolean trouble;
  private volatile Process master;
  private volatile String masterUrl;
  private volatile URI masterWebUi;
  private volatile Duration startupTime;

  private StandaloneCluster(Builder settings) throws IOException {
    this.workerCount = settings.workers;
    this.coresPerWorker = settings.coresPerWorker;
    this.memoryPerWorker = settings.memoryPerWorker;
    this.daemonMemory = settings.daemonMemory;
    this.startTimeout = settings.startTimeout;
    this.applicationJar = productApplicationJar();
    this.jars = ClusterJars.forApplicationJar(System.getProperty("java.class.path", ""), applicationJar);
    Files.createDirectories(settings.baseDirectory);
    this.runDirectory = Files.createTempDirectory(settings.baseDirectory, "run-");
    this.sparkHome = runDirectory.resolve("spark-home");
    this.logs = Files.createDirectories(runDirectory.resolve("logs"));
    linkSparkHome(sparkHome, jars.sparkHomeJars());
    this.watchdogJar = writeWatchdogJar(runDirectory.resolve("watchdog.jar"));
    this.testApplicationJar = writeApplicationJar(runDirectory.resolve("app").resolve("mcposterior-test-app.jar"),
        jars.classDirectories(), settings.baseDirectory);
    String coretype = System.getenv("OPENBLAS_CORETYPE");
    this.openblasCoretype = coretype == null || coretype.isBlank() ? DEFAULT_OPENBLAS_CORETYPE : coretype;
    this.daemonEnvironment = daemonEnvironment(settings.workerEnvironment);
    this.driverEnvironment = driverEnvironment();
    this.shutdownHook = new Thread(this::stopEverything, "mcposterior-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A builder with the defaults: 2 workers x 1 core x 2g, daemons with 512m heaps, 2 minutes to start. */
  public static Builder builder() {
    return new Builder();
  }

  /** The master's URL, {@code spark://127.0.0.1:<port>}, what {@code --master} takes. */
  public String masterUrl() {
    return masterUrl;
  }

  /** The master's web UI; {@code <ui>/json/} is the cluster state that {@link #aliveWorkers} reads. */
  public URI masterWebUi() {
    return masterWebUi;
  }

  /** The temporary Spark home: {@code jars/} (links) and an empty {@code conf/}. */
  public Path sparkHome() {
    return sparkHome;
  }

  /** Everything of this run: Spark home, logs, worker and local directories, the application jar. */
  public Path runDirectory() {
    return runDirectory;
  }

  /** Wall time from {@link Builder#start} to all workers registered. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The OpenBLAS kernel every cluster JVM and executor gets ({@code OPENBLAS_CORETYPE} of the test JVM, else HASWELL). */
  public String openblasCoretype() {
    return openblasCoretype;
  }

  /**
   * The product's application jar, {@code jobs/target/mcposterior-spark-<line>_<scala>-<version>.jar}
   * from {@code mvn package} (Failsafe passes its path as {@value #APPLICATION_JAR_PROPERTY}): what a
   * user submits, alone. The cluster's Spark home holds only what that jar lacks.
   */
  public Path applicationJar() {
    return applicationJar;
  }

  /**
   * The test applications' jar ({@link ClusterSmokeApp} and the other classes of {@code test-classes},
   * packed at start); submitted with {@link #applicationJar} as its only {@code --jars}, which
   * brings DL4J and nd4j.
   */
  public Path testApplicationJar() {
    return testApplicationJar;
  }

  /** The jars shipped with {@code --jars} for a test application: the product's application jar alone. */
  public List<Path> applicationDependencyJars() {
    return List.of(applicationJar);
  }

  /** The Spark home's jars: what the cluster provides (Spark, Scala, Hadoop and their libraries); see {@link ClusterJars}. */
  public List<Path> sparkHomeJars() {
    return jars.sparkHomeJars();
  }

  static final String APPLICATION_JAR_PROPERTY = "mcposterior.applicationJar";

  /** The path in {@value #APPLICATION_JAR_PROPERTY}, which must be a file. */
  static Path productApplicationJar() {
    String p = System.getProperty(APPLICATION_JAR_PROPERTY);
    if (p == null || p.isBlank() || !Files.isRegularFile(Path.of(p))) {
      throw new ClusterException("the application jar is " + (p == null || p.isBlank() ? "not set" : p + ", which is not a file")
          + ": the cluster tests submit the shaded jar of 'mvn package' and run in Maven's integration-test phase "
          + "(Failsafe sets -D" + APPLICATION_JAR_PROPERTY + "); run them with "
          + "'mvn -B -ntp verify -pl jobs -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=<Test>'");
    }
    return Path.of(p).toAbsolutePath().normalize();
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
    c.put("spark.driver.host", HOST);
    c.put("spark.driver.bindAddress", HOST);
    c.put("spark.executorEnv.OPENBLAS_CORETYPE", openblasCoretype);
    c.put("spark.executorEnv.OMP_NUM_THREADS", "1");
    c.put("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
    c.put("spark.driver.extraJavaOptions", "-Djavacpp.platform=linux-x86_64");
    c.put("spark.executor.extraJavaOptions", "-Djavacpp.platform=linux-x86_64");
    c.put("spark.cores.max", Integer.toString(workerCount * coresPerWorker));
    c.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    c.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s");
    return c;
  }

  /**
   * A submission of the product prefilled for this cluster: {@link #applicationJar} alone (no
   * {@code --jars}, no {@code --packages}) and {@link #recommendedConf}. Add arguments, override
   * settings, build.
   */
  public SubmitSpec.Builder submitSpec(String mainClass) {
    SubmitSpec.Builder b = SubmitSpec.builder(mainClass, applicationJar);
    recommendedConf().forEach(b::conf);
    return b;
  }

  /**
   * A submission of a test application ({@link #testApplicationJar}) with the product's
   * application jar as its one {@code --jars}, and {@link #recommendedConf}.
   */
  public SubmitSpec.Builder testAppSubmitSpec(String mainClass) {
    SubmitSpec.Builder b = SubmitSpec.builder(mainClass, testApplicationJar).jars(applicationDependencyJars());
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
    int n = submissions.incrementAndGet();
    Path out = logs.resolve("submit-" + n + ".stdout");
    Path err = logs.resolve("submit-" + n + ".stderr");
    Instant t0 = Instant.now();
    Process p = launch("submit-" + n, SUBMIT_CLASS, spec.sparkSubmitArguments(masterUrl),
        ProcessBuilder.Redirect.to(out.toFile()), ProcessBuilder.Redirect.to(err.toFile()), driverEnvironment);
    RunningApp app = new RunningApp(this, spec, p, t0, out, err);
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
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(masterWebUi.resolve("/json/"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return new ObjectMapper().readTree(r.body());
    } catch (IOException e) {
      throw fail("cannot read the master's state at " + masterWebUi + "/json/: " + e.getMessage()
          + "\n" + diagnostics(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while reading the master's state", e);
    }
  }

  /** The executor JVMs the workers are running now, found among each worker's descendant processes. */
  public List<ExecutorProcess> executors() {
    List<ExecutorProcess> out = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      int worker = i;
      workers.get(i).toHandle().descendants().forEach(ph -> {
        List<String> cmd = commandLine(ph.pid());
        if (cmd.contains(EXECUTOR_CLASS)) {
          out.add(new ExecutorProcess(ph.pid(), argumentAfter(cmd, "--app-id"), argumentAfter(cmd, "--executor-id"),
              worker));
        }
      });
    }
    return out;
  }

  /** The pids of {@link #executors}. */
  public List<Long> executorPids() {
    return executors().stream().map(ExecutorProcess::pid).collect(Collectors.toList());
  }

  /**
   * Kills one executor with SIGKILL (no shutdown hooks, no goodbye to the driver: what a crashed or
   * OOM-killed executor looks like) and waits for it to be gone.
   *
   * @throws ClusterException if {@code pid} is not a running executor of this cluster (so a wrong pid
   *     never kills an unrelated process), or if it survives
   */
  public void killExecutor(long pid) {
    List<ExecutorProcess> running = executors();
    if (running.stream().noneMatch(e -> e.pid() == pid)) {
      throw refuse("pid " + pid + " is not a running executor of this cluster (running: " + running
          + "); refusing to kill it: pass a pid from executors() or executorPids()");
    }
    ProcessHandle ph = ProcessHandle.of(pid).orElseThrow(() -> fail("executor " + pid
        + " exited before it could be killed"));
    ph.destroyForcibly();
    try {
      ph.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw fail("executor " + pid + " is still alive " + KILL_WAIT.toSeconds() + " s after SIGKILL", e);
    }
  }

  /**
   * Waits until a task of {@code app} has written a marker into {@code markerDirectory} and kills
   * the executor named in it: a kill that certainly hits an executor in the middle of a task.
   *
   * <p>Marker protocol: a task writes a file into {@code markerDirectory} whose whole content is
   * its executor JVM's pid in decimal ({@code ProcessHandle.current().pid()}), written to a
   * temporary name and moved into place so it is never read half-written ({@code ClusterSmokeApp}
   * does this). The first marker, by file name, whose pid is a running executor of {@code app} is used.
   *
   * @return the killed executor
   * @throws ClusterException if the application ends first or nothing is marked within {@code within}
   */
  public ExecutorProcess killExecutorNamedInMarker(RunningApp app, Path markerDirectory, Duration within) {
    return killWhen(app, within, "a task to write a marker into " + markerDirectory, running -> {
      for (Path marker : markers(markerDirectory)) {
        Optional<Long> pid = readPid(marker);
        Optional<ExecutorProcess> hit = running.stream().filter(e -> pid.isPresent() && e.pid() == pid.get()).findFirst();
        if (hit.isPresent()) {
          return hit;
        }
      }
      return Optional.empty();
    });
  }

  /**
   * Waits until {@code app} has run for {@code runningFor} and has an executor, then kills one of
   * its executors (the first found). Coarser than {@link #killExecutorNamedInMarker}: the executor
   * may be idle at that moment, so prefer markers when the test must hit a running task.
   *
   * @return the killed executor
   * @throws ClusterException if the application ends first or has no executor within {@code within}
   */
  public ExecutorProcess killExecutorAfter(RunningApp app, Duration runningFor, Duration within) {
    return killWhen(app, within, "the application to run " + runningFor.toSeconds() + " s with an executor",
        running -> app.elapsed().compareTo(runningFor) >= 0 ? running.stream().findFirst() : Optional.empty());
  }

  private ExecutorProcess killWhen(RunningApp app, Duration within, String waitingFor,
      Function<List<ExecutorProcess>, Optional<ExecutorProcess>> choose) {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      if (!app.isAlive()) {
        throw fail("the application exited (code " + app.driver().exitValue() + ") while waiting for "
            + waitingFor + "; make its tasks slower or check why it ended:\n--- driver stderr (tail) ---\n"
            + Logs.tail(app.stderrSoFar(), 40) + "\n" + diagnostics());
      }
      // Only this application's executors: none before it has registered with the master.
      Optional<String> appId = app.appId();
      List<ExecutorProcess> running = executors().stream()
          .filter(e -> appId.isPresent() && appId.get().equals(e.appId())).collect(Collectors.toList());
      Optional<ExecutorProcess> victim = choose.apply(running);
      if (victim.isPresent()) {
        killExecutor(victim.get().pid());
        return victim.get();
      }
      sleep(POLL);
    }
    throw fail("waited " + within.toSeconds() + " s for " + waitingFor + " (executors now: "
        + executors() + "); no executor was killed. Raise the wait or check the application:\n"
        + "--- driver stderr (tail) ---\n" + Logs.tail(app.stderrSoFar(), 40) + "\n" + diagnostics());
  }

  /**
   * Pids of every live process of this cluster, whatever its parent: each has this run's Spark home
   * on its command line (master, workers, drivers, executors, launchers). Empty after {@link #close}.
   */
  public List<Long> livePids() {
    String home = sparkHome.toString();
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.pid() != ProcessHandle.current().pid())
        .filter(ph -> String.join(" ", commandLine(ph.pid())).contains(home))
        .map(ProcessHandle::pid).collect(Collectors.toList());
  }

  /**
   * The tails of the master's and workers' logs and of every executor's standard error: what a
   * failure message needs; every {@link ClusterException} about the cluster's state carries it.
   */
  public String diagnostics() {
    StringBuilder sb = new StringBuilder("--- cluster run directory: ").append(runDirectory).append(" ---\n");
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.sorted().filter(p -> p.getFileName().toString().matches("(master|worker-\\d+)\\.log"))
          .collect(Collectors.toList())) {
        sb.append("--- ").append(f.getFileName()).append(" (tail) ---\n").append(Logs.tail(f, 25)).append('\n');
      }
    } catch (IOException e) {
      sb.append("(cannot list ").append(logs).append(": ").append(e.getMessage()).append(")\n");
    }
    for (Path f : executorLogs()) {
      sb.append("--- executor ").append(runDirectory.relativize(f)).append(" (tail) ---\n").append(Logs.tail(f, 25))
          .append('\n');
    }
    return sb.toString();
  }

  /** Executors' {@code stderr} files under the workers' directories ({@code work/worker-i/app-*}/{@code <id>}/stderr). */
  List<Path> executorLogs() {
    Path work = runDirectory.resolve("work");
    if (!Files.isDirectory(work)) {
      return List.of();
    }
    try (Stream<Path> s = Files.find(work, 4, (p, a) -> a.isRegularFile() && p.getFileName().toString().equals("stderr"))) {
      return s.sorted().collect(Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  /**
   * Stops every JVM of the cluster (drivers, executors, workers, master) with SIGKILL, waits for
   * them, and deletes the run directory (keeping the logs after any trouble). Idempotent.
   */
  @Override
  public void close() {
    if (closed.get()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook is running or will run; stopping twice is harmless.
    }
    stopEverything();
  }

  private void stopEverything() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<ProcessHandle> killed = new ArrayList<>();
    for (RunningApp a : apps) {
      killed.addAll(killTree(a.driver().toHandle()));
    }
    for (Process w : workers) {
      killed.addAll(killTree(w.toHandle()));
    }
    if (master != null) {
      killed.addAll(killTree(master.toHandle()));
    }
    for (long pid : livePids()) {
      ProcessHandle.of(pid).ifPresent(ph -> killed.addAll(killTree(ph)));
    }
    Instant deadline = Instant.now().plus(KILL_WAIT);
    for (ProcessHandle ph : killed) {
      try {
        ph.onExit().get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // Reported below through livePids().
      }
    }
    List<Long> left = livePids();
    if (!left.isEmpty()) {
      trouble = true;
      System.err.println("mcposterior test cluster: processes " + left + " survived SIGKILL for " + KILL_WAIT.toSeconds()
          + " s; they name " + sparkHome + " on their command line");
    }
    cleanUp();
  }

  /** Kills a process and every descendant with SIGKILL; the descendants are listed first, since a dead parent's children are reparented and no longer show. */
  static List<ProcessHandle> killTree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().collect(Collectors.toList()));
    root.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    tree.add(root);
    return tree;
  }

  void noteTrouble() {
    trouble = true;
  }

  /**
   * Notes trouble (so the logs are kept), prints the message to standard error (Surefire keeps it in
   * the test's output file even when the exception is swallowed) and returns the exception to throw.
   */
  ClusterException fail(String message) {
    return fail(message, null);
  }

  ClusterException fail(String message, Throwable cause) {
    trouble = true;
    return refuse(message, cause);
  }

  /** As {@link #fail}, for a request refused or an application gone wrong: the cluster itself is fine, logs are not kept. */
  ClusterException refuse(String message) {
    return refuse(message, null);
  }

  ClusterException refuse(String message, Throwable cause) {
    System.err.println("mcposterior test cluster: " + message);
    return cause == null ? new ClusterException(message) : new ClusterException(message, cause);
  }

  private void cleanUp() {
    boolean keep = trouble || Boolean.getBoolean(KEEP_PROPERTY);
    try (Stream<Path> s = Files.walk(runDirectory)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        if (keep && (p.startsWith(logs) || isExecutorLog(p) || hasKeptDescendants(p))) {
          continue;
        }
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("mcposterior test cluster: could not delete all of " + runDirectory + ": " + e.getMessage());
    }
    if (keep) {
      System.err.println("mcposterior test cluster: logs kept in " + runDirectory);
    }
  }

  private static boolean isExecutorLog(Path p) {
    String name = p.getFileName().toString();
    return (name.equals("stderr") || name.equals("stdout")) && p.toString().contains("/work/worker-");
  }

  private boolean hasKeptDescendants(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    } catch (IOException e) {
      return true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Starting.

  private void startDaemons() {
    Instant t0 = Instant.now();
    Instant deadline = t0.plus(startTimeout);
    Path masterLog = logs.resolve("master.log");
    master = launch("master", MASTER_CLASS, List.of("--host", HOST, "--port", "0", "--webui-port", "0"),
        ProcessBuilder.Redirect.to(masterLog.toFile()), null, daemonEnvironment);
    String url = null;
    String uiPort = null;
    while (url == null || uiPort == null || !Logs.read(masterLog).contains(MASTER_LEADER)) {
      failIfDead(master, "master", masterLog);
      failIfLate(deadline, "the master to log its URL, UI port and '" + MASTER_LEADER + "'");
      String log = Logs.read(masterLog);
      Matcher u = MASTER_URL.matcher(log);
      url = u.find() ? u.group(1) : null;
      Matcher p = MASTER_UI_PORT.matcher(log);
      uiPort = p.find() ? p.group(1) : null;
      sleep(POLL);
    }
    masterUrl = url;
    masterWebUi = URI.create("http://" + HOST + ":" + uiPort);
    for (int i = 0; i < workerCount; i++) {
      Path workDir = runDirectory.resolve("work").resolve("worker-" + i);
      try {
        Files.createDirectories(workDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      workers.add(launch("worker-" + i, WORKER_CLASS, List.of("--host", HOST, "--port", "0", "--webui-port", "0",
          "--cores", Integer.toString(coresPerWorker), "--memory", memoryPerWorker,
          "--work-dir", workDir.toString(), masterUrl), ProcessBuilder.Redirect.to(logs.resolve("worker-" + i + ".log").toFile()),
          null, daemonEnvironment));
    }
    int alive = 0;
    while (alive < workerCount) {
      failIfDead(master, "master", masterLog);
      for (int i = 0; i < workers.size(); i++) {
        failIfDead(workers.get(i), "worker-" + i, logs.resolve("worker-" + i + ".log"));
      }
      failIfLate(deadline, workerCount + " workers to register with the master (" + alive + " alive)");
      sleep(POLL);
      alive = aliveWorkersWhileStarting();
    }
    startupTime = Duration.between(t0, Instant.now());
  }

  private int aliveWorkersWhileStarting() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(masterWebUi.resolve("/json/"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new ObjectMapper().readTree(r.body()).path("aliveworkers").asInt(0) : 0;
    } catch (IOException e) {
      return 0; // The UI may still be starting; the deadline decides.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while waiting for workers", e);
    }
  }

  private void failIfDead(Process p, String name, Path log) {
    if (!p.isAlive()) {
      throw fail("the " + name + " JVM exited with code " + p.exitValue() + " while the cluster was "
          + "starting; its log " + log + " says why:\n" + Logs.tail(log, 40) + "\n" + diagnostics());
    }
  }

  private void failIfLate(Instant deadline, String waitingFor) {
    if (Instant.now().isAfter(deadline)) {
      throw fail("waited " + startTimeout.toSeconds() + " s (the start timeout) for "
          + waitingFor + "; raise Builder.startTimeout on a slow machine, or read the logs:\n" + diagnostics());
    }
  }

  /**
   * Starts one Spark JVM the way {@code bin/spark-class} does: Spark's launcher prints the command
   * (java, -cp, memory, Java 17 module flags, main class, arguments), NUL-separated after a
   * {@code "\0\n"} marker; we add the watchdog agent and run it in the run directory with the
   * cluster's environment. {@code err == null} sends standard error to standard output's file.
   */
  private Process launch(String name, String mainClass, List<String> args, ProcessBuilder.Redirect out,
      ProcessBuilder.Redirect err, Map<String, String> environment) {
    List<String> command = new ArrayList<>(sparkCommand(name, mainClass, args, environment));
    command.add(1, "-javaagent:" + watchdogJar + "=" + ProcessHandle.current().pid());
    ProcessBuilder pb = new ProcessBuilder(command).directory(runDirectory.toFile()).redirectOutput(out);
    if (err == null) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(err);
    }
    pb.environment().clear();
    pb.environment().putAll(environment);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw fail("cannot start the " + name + " JVM (" + command.get(0) + "): " + e.getMessage(), e);
    }
  }

  private List<String> sparkCommand(String name, String mainClass, List<String> args, Map<String, String> environment) {
    List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-Xmx128m", "-cp", sparkHome.resolve("jars") + "/*",
        LAUNCHER_CLASS, mainClass));
    cmd.addAll(args);
    Path launcherLog = logs.resolve(name + ".launcher.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(runDirectory.toFile())
        .redirectError(launcherLog.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment);
    byte[] output;
    int code;
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      try (InputStream in = p.getInputStream()) {
        output = in.readAllBytes();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw fail("Spark's launcher did not answer within 60 s for " + name);
      }
      code = p.exitValue();
    } catch (IOException e) {
      throw fail("cannot run Spark's launcher for " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while running Spark's launcher for " + name, e);
    }
    String text = new String(output, StandardCharsets.UTF_8);
    int marker = text.indexOf("\0\n");
    String body = marker >= 0 ? text.substring(marker + 2) : text;
    List<String> command = Stream.of(body.split("\0")).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    if (code != 0 || command.isEmpty() || !command.get(0).endsWith("java")) {
      throw fail("Spark's launcher (" + LAUNCHER_CLASS + ") exited with code " + code + " for " + name
          + " and printed " + (marker >= 0 ? text.substring(0, marker) : text).trim() + "; expected a java command. "
          + "Its standard error:\n" + Logs.tail(launcherLog, 30));
    }
    return command;
  }

  /**
   * The environment of the master and the workers, and through the workers, of every executor: the
   * test JVM's own, less anything that would point Spark elsewhere ({@code SPARK_*},
   * {@code HADOOP_CONF_DIR}, {@code YARN_CONF_DIR}, {@code MASTER}) and less the BLAS variables
   * ({@code OPENBLAS_CORETYPE}, {@code OMP_NUM_THREADS}, {@code OPENBLAS_NUM_THREADS}), plus this
   * run's Spark home, loopback addresses, local directories inside the run directory and
   * {@link Builder#workerEnvironment} extras. The BLAS variables are left out on purpose: on a real
   * cluster executors get them only through {@code spark.executorEnv.*}, and tests must fail when a
   * configuration forgets them, not be rescued by the test JVM's environment.
   */
  private Map<String, String> daemonEnvironment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("PYSPARK_") || k.equals("HADOOP_CONF_DIR")
        || k.equals("YARN_CONF_DIR") || k.equals("MASTER") || BLAS_VARIABLES.contains(k));
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    env.put("SPARK_SCALA_VERSION", SCALA_BINARY_VERSION);
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("SPARK_LOCAL_DIRS", runDirectory.resolve("local").toString());
    env.put("SPARK_DAEMON_MEMORY", daemonMemory);
    // Master and workers only coordinate; on a 2-core machine their JIT compilers and parallel GC
    // threads would compete with the driver and executors under test. Drivers and executors keep
    // the JVM's defaults, as in production.
    env.put("SPARK_DAEMON_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.putAll(extra);
    return env;
  }

  /**
   * The environment of a driver JVM: as the daemons' (without their extras), plus the BLAS settings,
   * since a client-mode driver runs in the submitting shell's environment and DL4J runs in it too
   * (the product checks its BLAS there): the OpenBLAS kernel and one BLAS thread.
   */
  private Map<String, String> driverEnvironment() {
    Map<String, String> env = daemonEnvironment(Map.of());
    env.remove("SPARK_DAEMON_JAVA_OPTS");
    env.put("OPENBLAS_CORETYPE", openblasCoretype);
    env.put("OMP_NUM_THREADS", "1");
    env.put("OPENBLAS_NUM_THREADS", "1");
    return env;
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Lays out a Spark home: {@code jars/} with one link per jar (a counter prefix if two jars share a name), empty {@code conf/}. */
  static void linkSparkHome(Path home, List<Path> sparkJars) throws IOException {
    Path jarsDir = Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    int clash = 0;
    for (Path jar : sparkJars) {
      Path link = jarsDir.resolve(jar.getFileName());
      if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        link = jarsDir.resolve("dup" + (++clash) + "-" + jar.getFileName());
      }
      Files.createSymbolicLink(link, jar);
    }
  }

  /** A jar holding {@link ParentWatchdog} alone, with it as the agent's {@code Premain-Class}. */
  static Path writeWatchdogJar(Path jar) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(new Attributes.Name("Premain-Class"), ParentWatchdog.class.getName());
    String entry = ParentWatchdog.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
        InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        throw new ClusterException("cannot read " + entry + " from the test class path to build the watchdog agent");
      }
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }

  /**
   * Packs class directories into one jar; a path found in two directories comes from the first
   * (class-path order). Files under {@code exclude} (the runs' base directory) are skipped: a class
   * directory that contains it (say {@code .}) would otherwise pack the jar being written into itself.
   */
  private static Path writeApplicationJar(Path jar, List<Path> directories, Path exclude) throws IOException {
    Files.createDirectories(jar.getParent());
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    Set<String> written = new HashSet<>();
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(os, mf)) {
      for (Path dir : directories) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
          files = s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !f.startsWith(exclude))
              .sorted().collect(Collectors.toList());
        }
        for (Path f : files) {
          String name = dir.relativize(f).toString().replace('\\', '/');
          if (name.equalsIgnoreCase("META-INF/MANIFEST.MF") || !written.add(name)) {
            continue;
          }
          out.putNextEntry(new JarEntry(name));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
    }
    return Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  private void requireOpen() {
    if (closed.get()) {
      throw fail("this cluster (" + runDirectory + ") is closed; start a new one with "
          + "StandaloneCluster.builder().start()");
    }
  }

  /** A process's command line from {@code /proc/<pid>/cmdline} (complete, unlike {@code ProcessHandle.Info}); empty if gone or unreadable. */
  static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Stream.of(new String(raw, StandardCharsets.UTF_8).split("\0")).filter(s -> !s.isEmpty())
          .collect(Collectors.toList());
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }

  private static String argumentAfter(List<String> cmd, String flag) {
    int i = cmd.indexOf(flag);
    return i >= 0 && i + 1 < cmd.size() ? cmd.get(i + 1) : "?";
  }

  private static List<Path> markers(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Optional<Long> readPid(Path marker) {
    try {
      return Optional.of(Long.parseLong(Files.readString(marker, StandardCharsets.UTF_8).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "StandaloneCluster[%s, %d workers x %d cores x %s, run %s]", masterUrl,
        workerCount, coresPerWorker, memoryPerWorker, runDirectory);
  }

  /** Sizes and limits of a cluster; {@link #start} checks them and starts it. Not thread-safe. */
  public static final class Builder {
    private int workers = 2;
    private int coresPerWorker = 1;
    private String memoryPerWorker = "2g";
    private String daemonMemory = "512m";
    private Duration startTimeout = Duration.ofMinutes(2);
    private Path baseDirectory = defaultBaseDirectory();
    private final Map<String, String> workerEnvironment = new LinkedHashMap<>();

    private Builder() {
    }

    /**
     * Adds a variable to the environment of the master and the workers, which every executor
     * inherits (a {@code spark.executorEnv.*} setting of the same name wins). None by default, so
     * executors see only what an application's settings give them, as on a real cluster; use it
     * for what a cluster's operators would set on every node, e.g. {@code OPENBLAS_CORETYPE}.
     */
    public Builder workerEnvironment(String name, String value) {
      workerEnvironment.put(name, value);
      return this;
    }

    public Builder workers(int n) {
      workers = n;
      return this;
    }

    /** Cores each worker offers ({@code --cores}); one executor per worker per application gets them all. */
    public Builder coresPerWorker(int n) {
      coresPerWorker = n;
      return this;
    }

    /** Memory each worker offers ({@code --memory}, e.g. "2g"); executors' heaps must fit in it. */
    public Builder memoryPerWorker(String m) {
      memoryPerWorker = m;
      return this;
    }

    /** Heap of the master and worker JVMs ({@code SPARK_DAEMON_MEMORY}). */
    public Builder daemonMemory(String m) {
      daemonMemory = m;
      return this;
    }

    /** How long the master and all workers may take to come up. */
    public Builder startTimeout(Duration t) {
      startTimeout = t;
      return this;
    }

    /** Where run directories are made; default {@code target/standalone-cluster} of the module under test. */
    public Builder baseDirectory(Path dir) {
      baseDirectory = dir.toAbsolutePath().normalize();
      return this;
    }

    /**
     * Starts the master and the workers and returns once every worker is ALIVE at the master.
     *
     * @throws IllegalArgumentException for a size that is not positive or a memory that is not like "512m"/"2g"
     * @throws ClusterException if a JVM dies or the cluster is not up within the start timeout; what
     *     was started is stopped, the logs are kept and their tails are in the message
     */
    public StandaloneCluster start() {
      if (workers < 1 || coresPerWorker < 1) {
        throw new IllegalArgumentException("workers = " + workers + ", cores per worker = " + coresPerWorker
            + "; expected both >= 1");
      }
      for (String m : List.of(memoryPerWorker, daemonMemory)) {
        if (m == null || !m.matches("\\d+[mMgG]")) {
          throw new IllegalArgumentException("memory '" + m + "' is not a Spark memory size; expected digits and m or g, "
              + "e.g. 512m or 2g");
        }
      }
      if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("start timeout is " + startTimeout + "; expected a positive duration");
      }
      StandaloneCluster c;
      try {
        c = new StandaloneCluster(this);
      } catch (IOException e) {
        throw new ClusterException("cannot lay out the cluster's run directory under " + baseDirectory + ": "
            + e.getMessage(), e);
      }
      try {
        c.startDaemons();
        return c;
      } catch (RuntimeException e) {
        c.noteTrouble();
        c.close();
        throw e;
      }
    }

    private static Path defaultBaseDirectory() {
      String basedir = System.getProperty("basedir");
      Path root = basedir != null ? Path.of(basedir, "target") : Path.of(System.getProperty("java.io.tmpdir"));
      return root.resolve("standalone-cluster").toAbsolutePath();
    }
  }
}
