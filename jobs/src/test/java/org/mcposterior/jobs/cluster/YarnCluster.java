package org.mcposterior.jobs.cluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A real HDFS and a real YARN inside the test JVM, from Hadoop's own test clusters of the Spark
 * line's Hadoop version ({@code hadoop-client-minicluster}): a {@link MiniDFSCluster} (one NameNode,
 * one DataNode) and a {@link MiniYARNCluster} (one ResourceManager, one NodeManager that launches
 * containers as real child processes), all on loopback. Applications are submitted through
 * {@code SparkSubmit} in a JVM of its own with {@code --master yarn --deploy-mode cluster}, as
 * {@code spark-submit} would, with {@code HADOOP_CONF_DIR} and {@code YARN_CONF_DIR} pointing at a
 * directory of {@code core-site.xml}, {@code hdfs-site.xml} and {@code yarn-site.xml} written from
 * the running clusters' configurations.
 *
 * <p>Spark in the containers: the NodeManager runs on this machine, so the Spark-side jars of the
 * test class path (what the application jar lacks, {@link ClusterJars#forApplicationJar}) are
 * given as {@code spark.yarn.jars=local:<spark home>/jars/*}, present "on every node" as a
 * cluster's Spark installation is, and not uploaded. The application jar itself is uploaded to
 * HDFS by the client and localized by YARN, as on a real cluster.
 *
 * <p>Sizes for a 2-core machine: one NodeManager offering {@link Builder#nodeMemoryMb} MB and 4
 * vcores, containers from 128 MB, the FIFO scheduler (the capacity scheduler's default 10 % cap
 * on ApplicationMasters would starve a one-node cluster). YARN's physical and virtual memory
 * checks are off: JVMs with nd4j reserve much virtual memory, and the test is about the job, not
 * about YARN's enforcement.
 *
 * <p>Cleanup: {@link #close} kills the submitters and every container process (found among this
 * JVM's descendants by the run directory on their command line), stops YARN and HDFS, and deletes
 * the run directory unless {@code -Dmcposterior.cluster.keep=true} or something went wrong. Every
 * JVM it starts carries the {@link ParentWatchdog} agent, so a killed test JVM leaves none behind.
 *
 * <p>Thread-safe. Linux only (containers are found through {@code /proc}).
 */
public final class YarnCluster implements AutoCloseable {

  static final String EXECUTOR_CLASS = "org.apache.spark.executor.YarnCoarseGrainedExecutorBackend";
  static final String AM_CLASS = "org.apache.spark.deploy.yarn.ApplicationMaster";
  private static final Pattern APP_ID = Pattern.compile("Submitted application (application_\\d+_\\d+)");
  private static final String KEEP_PROPERTY = "mcposterior.cluster.keep";
  private static final Duration POLL = Duration.ofMillis(100);

  private final Path runDirectory;
  private final Path sparkHome;
  private final Path confDir;
  private final Path logs;
  private final Path watchdogJar;
  private final Path applicationJar;
  private final List<Path> sparkJars;
  private final String openblasCoretype;
  private final MiniDFSCluster dfs;
  private final MiniYARNCluster yarn;
  private final Configuration hadoopConf;
  private final Duration startupTime;
  private final List<Process> submitters = new CopyOnWriteArrayList<>();
  private final AtomicInteger submissions = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;
  private volatile boolean trouble;

  private YarnCluster(Builder b) throws IOException {
    Instant t0 = Instant.now();
    this.applicationJar = ProductJar.path();
    this.sparkJars = ClusterJars.forApplicationJar(System.getProperty("java.class.path", ""), applicationJar)
        .sparkHomeJars();
    Files.createDirectories(b.baseDirectory);
    this.runDirectory = Files.createTempDirectory(b.baseDirectory, "run-");
    this.sparkHome = runDirectory.resolve("spark-home");
    SparkHome.link(sparkHome, sparkJars);
    this.logs = Files.createDirectories(runDirectory.resolve("logs"));
    this.confDir = Files.createDirectories(runDirectory.resolve("hadoop-conf"));
    this.watchdogJar = WatchdogAgent.writeTo(runDirectory.resolve("watchdog.jar")).jar();
    String coretype = System.getenv("OPENBLAS_CORETYPE");
    this.openblasCoretype = coretype == null || coretype.isBlank() ? OpenBlas.DEFAULT_CORETYPE : coretype;

    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, runDirectory.resolve("hdfs").toString());
    conf.set("hadoop.tmp.dir", runDirectory.resolve("hadoop-tmp").toString());
    this.dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).nameNodePort(0).nameNodeHttpPort(0).build();
    dfs.waitActive();
    YarnConfiguration yc = new YarnConfiguration(dfs.getConfiguration(0));
    yc.set(YarnConfiguration.RM_BIND_HOST, SparkEnvironment.HOST);
    yc.set(YarnConfiguration.NM_BIND_HOST, SparkEnvironment.HOST);
    yc.set(YarnConfiguration.RM_SCHEDULER, "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, b.nodeMemoryMb);
    yc.setInt(YarnConfiguration.NM_PMEM_MB, b.nodeMemoryMb);
    yc.setInt(YarnConfiguration.NM_VCORES, 4);
    yc.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // A nearly full disk would mark the NodeManager's directories bad and the node unhealthy.
    yc.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
    yc.setLong(YarnConfiguration.NM_MIN_PER_DISK_FREE_SPACE_MB, 0);
    // Container logs stay on the node (no aggregation): the test reads the driver's log there.
    yc.setBoolean(YarnConfiguration.LOG_AGGREGATION_ENABLED, false);
    yc.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);
    this.yarn = new MiniYARNCluster("mcposterior-" + runDirectory.getFileName(), 1, 1, 1);
    yarn.init(yc);
    yarn.start();
    this.hadoopConf = new Configuration(yarn.getConfig());
    writeClientConf(hadoopConf, confDir, dfs.getURI().toString());
    this.startupTime = Duration.between(t0, Instant.now());
    this.shutdownHook = new Thread(this::stopEverything, "mcposterior-yarn-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** HDFS's URI, {@code hdfs://127.0.0.1:<port>}. */
  public String hdfsUri() {
    return dfs.getURI().toString();
  }

  /** A client of this HDFS (shared, do not close). */
  public FileSystem hdfs() throws IOException {
    return dfs.getFileSystem();
  }

  /** The clusters' configuration, as written into {@link #confDir}. */
  public Configuration hadoopConf() {
    return new Configuration(hadoopConf);
  }

  /** {@code HADOOP_CONF_DIR} / {@code YARN_CONF_DIR} of every submission. */
  public Path confDir() {
    return confDir;
  }

  public Path runDirectory() {
    return runDirectory;
  }

  public Duration startupTime() {
    return startupTime;
  }

  public String openblasCoretype() {
    return openblasCoretype;
  }

  public Path applicationJar() {
    return applicationJar;
  }

  /** Where the NodeManager keeps container logs: {@code <dir>/<application id>/<container id>/stderr}. */
  public List<Path> containerLogDirectories() {
    String dirs = yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS);
    return Stream.of(dirs.split(",")).map(s -> Path.of(s.startsWith("file:") ? s.substring(5) : s))
        .collect(Collectors.toList());
  }

  /** The standard error of every container of an application, by container id (the ApplicationMaster's ends in {@code _000001}). */
  public Map<String, String> containerStderr(String appId) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Path dir : containerLogDirectories()) {
      Path app = dir.resolve(appId);
      if (!Files.isDirectory(app)) {
        continue;
      }
      try (Stream<Path> s = Files.list(app)) {
        for (Path c : s.sorted().collect(Collectors.toList())) {
          out.put(c.getFileName().toString(), Logs.read(c.resolve("stderr")));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The driver's log in cluster mode: the ApplicationMaster container's standard error. */
  public String driverLog(String appId) {
    return containerStderr(appId).entrySet().stream().filter(e -> e.getKey().endsWith("_000001"))
        .map(Map.Entry::getValue).findFirst().orElse("(no ApplicationMaster container log for " + appId + " in "
            + containerLogDirectories() + ")");
  }

  /**
   * Settings for every submission to this cluster, each because the application needs it here:
   * container sizes that fit the one NodeManager (two executors of 1 core and 1 GiB heap, a 1 GiB
   * driver), Java for the containers, loopback addresses, no UI, the Spark jars as a local
   * installation, and the watchdog agent in the driver and executors.
   */
  public Map<String, String> recommendedConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.executor.instances", "2");
    c.put("spark.executor.cores", "1");
    c.put("spark.executor.memory", "1g");
    c.put("spark.executor.memoryOverhead", "512m");
    c.put("spark.driver.memory", "1g");
    c.put("spark.driver.memoryOverhead", "512m");
    c.put("spark.ui.enabled", "false");
    c.put("spark.yarn.jars", "local:" + sparkHome.resolve("jars") + "/*");
    // The Spark home carries Hadoop's client jars (a "with Hadoop" Spark build); the NodeManager has no
    // Hadoop installation whose class path could be added.
    c.put("spark.yarn.populateHadoopClasspath", "false");
    String java = System.getProperty("java.home");
    c.put("spark.yarn.appMasterEnv.JAVA_HOME", java);
    c.put("spark.executorEnv.JAVA_HOME", java);
    c.put("spark.yarn.appMasterEnv.SPARK_LOCAL_IP", SparkEnvironment.HOST);
    c.put("spark.executorEnv.SPARK_LOCAL_IP", SparkEnvironment.HOST);
    c.put("spark.yarn.appMasterEnv.OPENBLAS_CORETYPE", openblasCoretype);
    c.put("spark.executorEnv.OPENBLAS_CORETYPE", openblasCoretype);
    c.put("spark.yarn.submit.waitAppCompletion", "true");
    c.put("spark.yarn.report.interval", "500ms");
    c.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    c.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s");
    return c;
  }

  /** The watchdog agent option to add to driver and executor {@code extraJavaOptions}. */
  public String watchdogOption() {
    return "-javaagent:" + watchdogJar + "=" + ProcessHandle.current().pid();
  }

  /**
   * Starts {@code SparkSubmit --master yarn --deploy-mode cluster} of a spec in a JVM of its own and
   * returns at once. Its class path is the Spark home's jars (as {@code bin/spark-submit} of a
   * distribution), its environment the test JVM's with {@code HADOOP_CONF_DIR} and
   * {@code YARN_CONF_DIR} set to {@link #confDir} and nothing else of Spark or Hadoop.
   */
  public YarnSubmission submitInBackground(SubmitSpec spec) {
    if (closed.get()) {
      throw new ClusterException("this YARN cluster (" + runDirectory + ") is closed; start a new one");
    }
    int n = submissions.incrementAndGet();
    Path out = logs.resolve("submit-" + n + ".stdout");
    Path err = logs.resolve("submit-" + n + ".stderr");
    List<String> cmd = new ArrayList<>(List.of(JvmLauncher.javaExecutable(), "-Xmx384m", watchdogOption()));
    cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
    // As bin/spark-class: the Hadoop configuration directory on the class path, where Hadoop's
    // Configuration finds core-site.xml and yarn-site.xml.
    cmd.addAll(List.of("-cp", confDir + File.pathSeparator + sparkHome.resolve("jars") + File.separator + "*",
        StandaloneCluster.SUBMIT_CLASS));
    List<String> a = spec.sparkSubmitArguments("yarn");
    a.set(a.indexOf("client"), "cluster");
    cmd.addAll(a);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(runDirectory.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HADOOP_") || k.startsWith("YARN_")
        || k.equals("MASTER"));
    env.put("HADOOP_CONF_DIR", confDir.toString());
    env.put("YARN_CONF_DIR", confDir.toString());
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_LOCAL_IP", SparkEnvironment.HOST);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    Instant t0 = Instant.now();
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      submitters.add(p);
      return new YarnSubmission(this, spec, p, t0, out, err);
    } catch (IOException e) {
      trouble = true;
      throw new ClusterException("cannot start SparkSubmit (" + cmd.get(0) + "): " + e.getMessage(), e);
    }
  }

  public YarnSubmission.Result submit(SubmitSpec spec) {
    return submitInBackground(spec).await();
  }

  /** The application id the client logged ({@code Submitted application application_...}), once it has. */
  static Optional<String> appId(String submitterLog) {
    Matcher m = APP_ID.matcher(submitterLog);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Executor JVMs of an application running in containers now: descendants of this JVM (the NodeManager runs here). */
  public List<ExecutorProcess> executors(String appId) {
    List<ExecutorProcess> out = new ArrayList<>();
    ProcessHandle.current().descendants().forEach(ph -> {
      List<String> cmd = ProcessTrees.commandLine(ph.pid());
      if (cmd.contains(EXECUTOR_CLASS) && cmd.stream().anyMatch(s -> s.contains(appId.replace("application_", "")))) {
        out.add(new ExecutorProcess(ph.pid(), appId, argumentAfter(cmd, "--executor-id"), 0));
      }
    });
    return out;
  }

  /**
   * Waits until a task has written a marker (its executor's pid; see
   * {@link StandaloneCluster#killExecutorNamedInMarker}) and kills that executor's JVM with SIGKILL,
   * in the middle of its task.
   */
  public ExecutorProcess killExecutorNamedInMarker(YarnSubmission app, Path markerDirectory, Duration within) {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      if (!app.isAlive()) {
        trouble = true;
        throw new ClusterException("the submitter exited while waiting for a task marker in " + markerDirectory
            + ":\n" + Logs.tail(app.stderrSoFar(), 40));
      }
      Optional<String> id = app.appId();
      if (id.isPresent() && Files.isDirectory(markerDirectory)) {
        List<ExecutorProcess> running = executors(id.get());
        try (Stream<Path> s = Files.list(markerDirectory)) {
          for (Path m : s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().collect(Collectors.toList())) {
            long pid;
            try {
              pid = Long.parseLong(Files.readString(m).trim());
            } catch (IOException | NumberFormatException e) {
              continue;
            }
            Optional<ExecutorProcess> hit = running.stream().filter(e -> e.pid() == pid).findFirst();
            if (hit.isPresent()) {
              ProcessHandle ph = ProcessHandle.of(pid).orElseThrow();
              ph.destroyForcibly();
              ph.onExit().get(15, TimeUnit.SECONDS);
              return hit.get();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (Exception e) {
          trouble = true;
          throw new ClusterException("executor did not die after SIGKILL: " + e, e);
        }
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterException("interrupted", e);
      }
    }
    trouble = true;
    throw new ClusterException("no task marked " + markerDirectory + " within " + within.toSeconds() + " s:\n"
        + Logs.tail(app.stderrSoFar(), 40));
  }

  /** Processes of this cluster still alive: submitters and containers (their command lines name the run directory). */
  public List<Long> livePids() {
    String dir = runDirectory.toString();
    String work = yarn.getTestWorkDir().getAbsolutePath();
    return ProcessHandle.current().descendants().filter(ph -> {
      String cmd = String.join(" ", ProcessTrees.commandLine(ph.pid()));
      return cmd.contains(dir) || cmd.contains(work);
    }).map(ProcessHandle::pid).collect(Collectors.toList());
  }

  void noteTrouble() {
    trouble = true;
  }

  @Override
  public void close() {
    if (closed.get()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Shutting down: the hook runs it.
    }
    stopEverything();
  }

  private void stopEverything() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Process p : submitters) {
      ProcessTrees.killTree(p.toHandle());
    }
    for (long pid : livePids()) {
      ProcessHandle.of(pid).ifPresent(ProcessTrees::killTree);
    }
    try {
      yarn.stop();
    } finally {
      dfs.shutdown();
    }
    Instant deadline = Instant.now().plusSeconds(15);
    while (!livePids().isEmpty() && Instant.now().isBefore(deadline)) {
      livePids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!livePids().isEmpty()) {
      trouble = true;
      System.err.println("mcposterior YARN cluster: processes " + livePids() + " survived SIGKILL");
    }
    boolean keep = trouble || Boolean.getBoolean(KEEP_PROPERTY);
    if (keep) {
      System.err.println("mcposterior YARN cluster: run kept in " + runDirectory + " and " + yarn.getTestWorkDir());
      return;
    }
    // The mini YARN cluster's work directory lies in one named after this cluster (and so this run) alone.
    Path work = yarn.getTestWorkDir().toPath().toAbsolutePath();
    Path yarnRoot = work.getParent() != null && work.getParent().getFileName().toString().equals(yarn.getName())
        ? work.getParent() : work;
    for (Path root : List.of(runDirectory, yarnRoot)) {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
          Files.deleteIfExists(p);
        }
      } catch (IOException | UncheckedIOException e) {
        System.err.println("mcposterior YARN cluster: could not delete all of " + root + ": " + e.getMessage());
      }
    }
  }

  /**
   * Writes what a cluster's client configuration holds, and no more: {@code fs.defaultFS}
   * (core-site.xml), the replication of this one-DataNode HDFS (hdfs-site.xml) and the
   * ResourceManager's addresses (yarn-site.xml). Not a dump of the mini clusters' whole
   * configuration: that carries test-only settings (MiniDFSCluster's {@code StaticMapping} rack
   * resolver, a class of Hadoop's test jar) that a driver in a container cannot load.
   */
  private static void writeClientConf(Configuration running, Path dir, String hdfsUri) throws IOException {
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfsUri);
    writeConf(core, dir.resolve("core-site.xml"));
    Configuration hdfs = new Configuration(false);
    hdfs.set("dfs.replication", "1");
    writeConf(hdfs, dir.resolve("hdfs-site.xml"));
    Configuration yarnSite = new Configuration(false);
    for (Map.Entry<String, String> e : running) {
      String k = e.getKey();
      if (k.startsWith("yarn.resourcemanager.") && k.endsWith("address") && !k.contains(".ha.")
          && !k.contains("bind")) {
        yarnSite.set(k, running.get(k));
      }
    }
    if (yarnSite.get(YarnConfiguration.RM_ADDRESS) == null) {
      throw new ClusterException("the running ResourceManager's configuration has no " + YarnConfiguration.RM_ADDRESS);
    }
    writeConf(yarnSite, dir.resolve("yarn-site.xml"));
  }

  private static void writeConf(Configuration conf, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    }
  }

  private static String argumentAfter(List<String> cmd, String flag) {
    int i = cmd.indexOf(flag);
    return i >= 0 && i + 1 < cmd.size() ? cmd.get(i + 1) : "?";
  }

  /** Sizes of the cluster; {@link #start} starts it. Not thread-safe. */
  public static final class Builder {
    private int nodeMemoryMb = 6144;
    private Path baseDirectory = defaultBaseDirectory();

    private Builder() {
    }

    /** Memory the one NodeManager offers to containers, in MB (default 6144: a driver and two executors of 1.5 GiB each, and a spare). */
    public Builder nodeMemoryMb(int mb) {
      nodeMemoryMb = mb;
      return this;
    }

    public Builder baseDirectory(Path dir) {
      baseDirectory = dir.toAbsolutePath().normalize();
      return this;
    }

    /**
     * Starts HDFS and YARN and returns once the NodeManager has registered.
     *
     * @throws IllegalArgumentException if the node memory is below 1024 MB
     * @throws ClusterException if a cluster cannot start
     */
    public YarnCluster start() {
      if (nodeMemoryMb < 1024) {
        throw new IllegalArgumentException("node memory " + nodeMemoryMb + " MB; expected >= 1024");
      }
      try {
        return new YarnCluster(this);
      } catch (IOException e) {
        throw new ClusterException("cannot start HDFS and YARN under " + baseDirectory + ": " + e.getMessage(), e);
      }
    }

    private static Path defaultBaseDirectory() {
      String basedir = System.getProperty("basedir");
      Path root = basedir != null ? Path.of(basedir, "target") : Path.of(System.getProperty("java.io.tmpdir"));
      return root.resolve("yarn-cluster").toAbsolutePath();
    }
  }

  @Override
  public String toString() {
    return "YarnCluster[" + hdfsUri() + ", run " + runDirectory + "]";
  }
}
