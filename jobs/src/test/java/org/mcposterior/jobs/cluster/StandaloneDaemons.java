package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The master and worker JVMs of a standalone cluster: started through Spark's launcher on
 * loopback with every port chosen by the operating system (port 0) and read back from the
 * master's log and JSON state, so parallel test runs do not clash. {@link #start} returns once
 * every worker is ALIVE at the master, or fails with the logs' tails if a JVM dies or the start
 * timeout passes. Thread-safe once started.
 */
final class StandaloneDaemons {

  static final String MASTER_CLASS = "org.apache.spark.deploy.master.Master";
  static final String WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern MASTER_UI_PORT = Pattern.compile("Successfully started service 'MasterUI' on port (\\d+)");
  private static final String MASTER_LEADER = "I have been elected leader";

  private final SparkClassLauncher spark;
  private final RunDirectory run;
  private final StandaloneDiagnostics logs;
  private final Map<String, String> environment;
  private final List<Process> workers = new CopyOnWriteArrayList<>();
  private volatile Process master;
  private volatile String masterUrl;
  private volatile MasterClient masterClient;
  private volatile Duration startupTime;

  StandaloneDaemons(SparkClassLauncher spark, RunDirectory run, StandaloneDiagnostics logs,
      Map<String, String> environment) {
    this.spark = spark;
    this.run = run;
    this.logs = logs;
    this.environment = environment;
  }

  /**
   * Starts the master, then {@code workerCount} workers offering {@code cores} and {@code memory}
   * each, and waits for all of them to register, within {@code startTimeout} in all.
   *
   * @throws ClusterException (trouble) if a JVM exits or the timeout passes first
   */
  void start(int workerCount, int cores, String memory, Duration startTimeout) {
    Instant t0 = Instant.now();
    Instant deadline = t0.plus(startTimeout);
    Path masterLog = logs.masterLog();
    master = spark.launch("master", MASTER_CLASS, List.of("--host", SparkEnvironment.HOST, "--port", "0",
        "--webui-port", "0"), ProcessBuilder.Redirect.to(masterLog.toFile()), null, environment);
    String[] urlAndUiPort = Poller.until(deadline, () -> {
      failIfDead(master, "master", masterLog);
      String log = Logs.read(masterLog);
      Matcher u = MASTER_URL.matcher(log);
      Matcher p = MASTER_UI_PORT.matcher(log);
      return u.find() && p.find() && log.contains(MASTER_LEADER) ? Optional.of(new String[] {u.group(1), p.group(1)})
          : Optional.<String[]>empty();
    }).orElseThrow(() -> late(startTimeout, "the master to log its URL, UI port and '" + MASTER_LEADER + "'"));
    masterUrl = urlAndUiPort[0];
    masterClient = new MasterClient(URI.create("http://" + SparkEnvironment.HOST + ":" + urlAndUiPort[1]), run,
        logs::describe);
    for (int i = 0; i < workerCount; i++) {
      Path workDir = logs.workerDirectory(i);
      try {
        Files.createDirectories(workDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      workers.add(spark.launch("worker-" + i, WORKER_CLASS, List.of("--host", SparkEnvironment.HOST, "--port", "0",
          "--webui-port", "0", "--cores", Integer.toString(cores), "--memory", memory, "--work-dir", workDir.toString(),
          masterUrl), ProcessBuilder.Redirect.to(logs.workerLog(i).toFile()), null, environment));
    }
    AtomicInteger alive = new AtomicInteger();
    Poller.until(deadline, () -> {
      failIfDead(master, "master", masterLog);
      for (int i = 0; i < workers.size(); i++) {
        failIfDead(workers.get(i), "worker-" + i, logs.workerLog(i));
      }
      alive.set(masterClient.aliveWorkersWhileStarting());
      return alive.get() >= workerCount ? Optional.of(alive.get()) : Optional.<Integer>empty();
    }).orElseThrow(() -> late(startTimeout, workerCount + " workers to register with the master (" + alive.get()
        + " alive)"));
    startupTime = Duration.between(t0, Instant.now());
  }

  /** {@code spark://127.0.0.1:<port>}; null before {@link #start}. */
  String masterUrl() {
    return masterUrl;
  }

  /** The master's JSON state; null before {@link #start} has found its UI. */
  MasterClient master() {
    return masterClient;
  }

  /** The worker JVMs, in start order (an executor's {@link ExecutorProcess#workerIndex} is its worker's index here). */
  List<Process> workers() {
    return workers;
  }

  Duration startupTime() {
    return startupTime;
  }

  /** The daemons' processes, workers first, for stopping. */
  List<ProcessHandle> processes() {
    List<ProcessHandle> out = new ArrayList<>();
    workers.forEach(w -> out.add(w.toHandle()));
    if (master != null) {
      out.add(master.toHandle());
    }
    return out;
  }

  private void failIfDead(Process p, String name, Path log) {
    if (!p.isAlive()) {
      throw run.fail("the " + name + " JVM exited with code " + p.exitValue() + " while the cluster was "
          + "starting; its log " + log + " says why:\n" + Logs.tail(log, 40) + "\n" + logs.describe());
    }
  }

  private ClusterException late(Duration startTimeout, String waitingFor) {
    return run.fail("waited " + startTimeout.toSeconds() + " s (the start timeout) for " + waitingFor
        + "; raise StandaloneClusterBuilder.startTimeout on a slow machine, or read the logs:\n" + logs.describe());
  }
}
