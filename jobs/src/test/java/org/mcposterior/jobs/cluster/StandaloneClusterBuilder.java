package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes and limits of a {@link StandaloneCluster}; {@link #start} checks them and starts it.
 * Get one from {@link StandaloneCluster#builder}. Not thread-safe.
 */
public final class StandaloneClusterBuilder {
  private int workers = 2;
  private int coresPerWorker = 1;
  private String memoryPerWorker = "2g";
  private String daemonMemory = "512m";
  private Duration startTimeout = Duration.ofMinutes(2);
  private Path baseDirectory = RunDirectory.defaultBase("standalone-cluster");
  private final Map<String, String> workerEnvironment = new LinkedHashMap<>();

  StandaloneClusterBuilder() {
  }

  /**
   * Adds a variable to the environment of the master and the workers, which every executor
   * inherits (a {@code spark.executorEnv.*} setting of the same name wins). None by default, so
   * executors see only what an application's settings give them, as on a real cluster; use it
   * for what a cluster's operators would set on every node, e.g. {@code OPENBLAS_CORETYPE}.
   */
  public StandaloneClusterBuilder workerEnvironment(String name, String value) {
    workerEnvironment.put(name, value);
    return this;
  }

  public StandaloneClusterBuilder workers(int n) {
    workers = n;
    return this;
  }

  /** Cores each worker offers ({@code --cores}); one executor per worker per application gets them all. */
  public StandaloneClusterBuilder coresPerWorker(int n) {
    coresPerWorker = n;
    return this;
  }

  /** Memory each worker offers ({@code --memory}, e.g. "2g"); executors' heaps must fit in it. */
  public StandaloneClusterBuilder memoryPerWorker(String m) {
    memoryPerWorker = m;
    return this;
  }

  /** Heap of the master and worker JVMs ({@code SPARK_DAEMON_MEMORY}). */
  public StandaloneClusterBuilder daemonMemory(String m) {
    daemonMemory = m;
    return this;
  }

  /** How long the master and all workers may take to come up. */
  public StandaloneClusterBuilder startTimeout(Duration t) {
    startTimeout = t;
    return this;
  }

  /** Where run directories are made; default {@code target/standalone-cluster} of the module under test. */
  public StandaloneClusterBuilder baseDirectory(Path dir) {
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
      c = new StandaloneCluster(new Settings(workers, coresPerWorker, memoryPerWorker, daemonMemory, startTimeout,
          baseDirectory, Map.copyOf(workerEnvironment)));
    } catch (IOException e) {
      throw new ClusterException("cannot lay out the cluster's run directory under " + baseDirectory + ": "
          + e.getMessage(), e);
    }
    c.startDaemons();
    return c;
  }

  /** The checked sizes and limits, fixed for the cluster's lifetime. */
  record Settings(int workers, int coresPerWorker, String memoryPerWorker, String daemonMemory, Duration startTimeout,
      Path baseDirectory, Map<String, String> workerEnvironment) {
  }
}
