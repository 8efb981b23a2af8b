package org.mcposterior.jobs.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A real HDFS and a real YARN inside the test JVM ({@link HdfsAndYarn}, Hadoop's own test clusters
 * of the Spark line's Hadoop version). Applications are submitted through {@code SparkSubmit} in a
 * JVM of its own with {@code --master yarn --deploy-mode cluster}, as {@code spark-submit} would
 * ({@link YarnSubmission}), with {@code HADOOP_CONF_DIR} and {@code YARN_CONF_DIR} pointing at a
 * {@link HadoopClientConf} directory.
 *
 * <p>Spark in the containers: the NodeManager runs on this machine, so the Spark-side jars of the
 * test class path (what the application jar lacks, {@link ClusterJars#forApplicationJar}) are a
 * {@link SparkHome} given as {@code spark.yarn.jars=local:<spark home>/jars/*}, present "on every
 * node" as a cluster's Spark installation is, and not uploaded. The application jar itself is
 * uploaded to HDFS by the client and localized by YARN, as on a real cluster.
 *
 * <p>Cleanup: {@link #close} kills the submitters and every container process (found among this
 * JVM's descendants by the run directory on their command line), stops YARN and HDFS, and deletes
 * the run directory unless {@code -Dmcposterior.cluster.keep=true} or something went wrong
 * ({@link RunDirectory}). Every JVM it starts carries the {@link WatchdogAgent}, so a killed test
 * JVM leaves none behind.
 *
 * <p>Thread-safe. Linux only (containers are found through {@code /proc}).
 */
public final class YarnCluster implements AutoCloseable {

  private final RunDirectory run;
  private final SparkHome sparkHome;
  private final Path confDir;
  private final WatchdogAgent watchdog;
  private final JvmLauncher jvms;
  private final Path applicationJar;
  private final String openblasCoretype;
  private final HdfsAndYarn hadoop;
  private final YarnContainers containers;
  private final Duration startupTime;
  private final List<Process> submitters = new CopyOnWriteArrayList<>();
  private final StopOnce stopper;

  private YarnCluster(Builder b) throws IOException {
    Instant t0 = Instant.now();
    this.applicationJar = ProductJar.path();
    List<Path> sparkJars = ClusterJars.forApplicationJar(System.getProperty("java.class.path", ""), applicationJar)
        .sparkHomeJars();
    this.run = RunDirectory.create(b.baseDirectory, "mcposterior YARN cluster");
    this.sparkHome = SparkHome.link(run.root().resolve("spark-home"), sparkJars);
    this.confDir = Files.createDirectories(run.root().resolve("hadoop-conf"));
    this.watchdog = WatchdogAgent.writeTo(run.root().resolve("watchdog.jar"));
    this.jvms = new JvmLauncher(run, watchdog);
    this.openblasCoretype = OpenBlas.coretype();
    this.hadoop = new HdfsAndYarn(run.root(), b.nodeMemoryMb);
    this.containers = new YarnContainers(hadoop::containerLogDirectories);
    HadoopClientConf.write(hadoop.configuration(), confDir, hadoop.hdfsUri());
    this.startupTime = Duration.between(t0, Instant.now());
    this.stopper = new StopOnce("mcposterior-yarn-shutdown", this::stopEverything);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** HDFS's URI, {@code hdfs://127.0.0.1:<port>}. */
  public String hdfsUri() {
    return hadoop.hdfsUri();
  }

  /** A client of this HDFS (shared, do not close). */
  public FileSystem hdfs() throws IOException {
    return hadoop.hdfs();
  }

  /** The clusters' configuration (a copy; {@link #confDir} holds the client's part of it). */
  public Configuration hadoopConf() {
    return hadoop.configuration();
  }

  /** {@code HADOOP_CONF_DIR} / {@code YARN_CONF_DIR} of every submission. */
  public Path confDir() {
    return confDir;
  }

  public Path runDirectory() {
    return run.root();
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
    return hadoop.containerLogDirectories();
  }

  /** The standard error of every container of an application, by container id (the ApplicationMaster's ends in {@code _000001}). */
  public Map<String, String> containerStderr(String appId) {
    return containers.stderr(appId);
  }

  /** The driver's log in cluster mode: the ApplicationMaster container's standard error. */
  public String driverLog(String appId) {
    return containers.driverLog(appId);
  }

  /**
   * Settings for every submission to this cluster, each because the application needs it here:
   * container sizes that fit the one NodeManager (two executors of 1 core and 1 GiB heap, a 1 GiB
   * driver), Java for the containers, loopback addresses, no UI, the Spark jars as a local
   * installation, and the OpenBLAS kernel in the driver and executors.
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
    c.put("spark.yarn.jars", "local:" + sparkHome.jarsClassPath());
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
    return watchdog.javaOption();
  }

  /**
   * Starts {@code SparkSubmit --master yarn --deploy-mode cluster} of a spec in a JVM of its own and
   * returns at once. Its class path is the Hadoop configuration directory (where Hadoop's
   * Configuration finds core-site.xml and yarn-site.xml, as {@code bin/spark-class} puts it) and the
   * Spark home's jars; its environment {@link SparkEnvironment#yarnClient}.
   */
  public YarnSubmission submitInBackground(SubmitSpec spec) {
    if (stopper.isStopped()) {
      throw new ClusterException("this YARN cluster (" + run + ") is closed; start a new one");
    }
    RunDirectory.SubmissionLogs files = run.nextSubmission();
    List<String> cmd = JvmLauncher.javaCommand("384m", confDir + File.pathSeparator + sparkHome.jarsClassPath(),
        SubmitterProcess.SPARK_SUBMIT_CLASS, spec.sparkSubmitArguments("yarn", "cluster"));
    Instant t0 = Instant.now();
    Process p = jvms.start("SparkSubmit", cmd, SparkEnvironment.yarnClient(sparkHome, confDir.toString()),
        ProcessBuilder.Redirect.to(files.stdout().toFile()), ProcessBuilder.Redirect.to(files.stderr().toFile()));
    submitters.add(p);
    return new YarnSubmission(this, spec, new SubmitterProcess(p, t0, files));
  }

  public YarnSubmission.Result submit(SubmitSpec spec) {
    return submitInBackground(spec).await();
  }

  /** Executor JVMs of an application running in containers now: descendants of this JVM (the NodeManager runs here). */
  public List<ExecutorProcess> executors(String appId) {
    return containers.executors(appId);
  }

  /**
   * Waits until a task has written a marker (its executor's pid; see {@link ExecutorMarkers}) and
   * kills that executor's JVM with SIGKILL, in the middle of its task.
   */
  public ExecutorProcess killExecutorNamedInMarker(YarnSubmission app, Path markerDirectory, Duration within) {
    Optional<ExecutorProcess> victim = Poller.until(Instant.now().plus(within), () -> {
      if (!app.isAlive()) {
        throw run.fail("the submitter exited while waiting for a task marker in " + markerDirectory
            + ":\n" + Logs.tail(app.stderrSoFar(), 40));
      }
      return app.appId().flatMap(id -> ExecutorMarkers.firstMarked(markerDirectory, executors(id)));
    });
    if (victim.isEmpty()) {
      throw run.fail("no task marked " + markerDirectory + " within " + within.toSeconds() + " s:\n"
          + Logs.tail(app.stderrSoFar(), 40));
    }
    boolean killed;
    try {
      killed = ProcessTrees.killAndAwait(victim.get().pid());
    } catch (ClusterException e) {
      throw run.fail("executor did not die after SIGKILL: " + e.getMessage(), e);
    }
    if (!killed) {
      throw run.fail("executor " + victim.get() + " exited before it could be killed");
    }
    return victim.get();
  }

  /** Processes of this cluster still alive: submitters and containers (their command lines name the run directory). */
  public List<Long> livePids() {
    return ProcessTrees.naming(ProcessHandle.current().descendants(),
        List.of(run.root().toString(), hadoop.yarnWorkDirectory().toString()));
  }

  void noteTrouble() {
    run.noteTrouble();
  }

  @Override
  public void close() {
    stopper.stop();
  }

  private void stopEverything() {
    ProcessTrees.sweep(submitters.stream().map(Process::toHandle).collect(Collectors.toList()), this::livePids);
    hadoop.stop();
    // Containers the NodeManager started while it stopped.
    List<Long> left = ProcessTrees.sweep(List.of(), this::livePids);
    if (!left.isEmpty()) {
      run.noteTrouble();
      run.warn("processes " + left + " survived SIGKILL");
    }
    if (run.keep()) {
      run.warn("run kept in " + run + " and " + hadoop.yarnWorkDirectory());
      return;
    }
    run.deleteTree(run.root(), null);
    run.deleteTree(hadoop.yarnRoot(), null);
  }

  /** Sizes of the cluster; {@link #start} starts it. Not thread-safe. */
  public static final class Builder {
    private int nodeMemoryMb = 6144;
    private Path baseDirectory = RunDirectory.defaultBase("yarn-cluster");

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
  }

  @Override
  public String toString() {
    return "YarnCluster[" + hdfsUri() + ", run " + run + "]";
  }
}
