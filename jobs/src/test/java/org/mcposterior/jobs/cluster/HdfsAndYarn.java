package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * Hadoop's own test clusters inside the test JVM, on loopback: a {@link MiniDFSCluster} (one
 * NameNode, one DataNode) and a {@link MiniYARNCluster} (one ResourceManager, one NodeManager that
 * launches containers as real child processes of this JVM).
 *
 * <p>Sizes for a 2-core machine: one NodeManager offering {@code nodeMemoryMb} and 4 vcores,
 * containers from 128 MB, the FIFO scheduler (the capacity scheduler's default 10 % cap on
 * ApplicationMasters would starve a one-node cluster). YARN's physical and virtual memory checks
 * are off: JVMs with nd4j reserve much virtual memory, and the tests are about the job, not about
 * YARN's enforcement. Thread-safe.
 */
final class HdfsAndYarn {

  private final MiniDFSCluster dfs;
  private final MiniYARNCluster yarn;

  /** Starts HDFS under {@code <run>/hdfs}, then YARN, and returns once the NodeManager has registered. */
  HdfsAndYarn(Path runDirectory, int nodeMemoryMb) throws IOException {
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
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, nodeMemoryMb);
    yc.setInt(YarnConfiguration.NM_PMEM_MB, nodeMemoryMb);
    // MiniYARNCluster overwrites the NodeManager's memory with this setting (default 4096 MB) when it
    // starts the node: without it the node offered 4096 MB, an ApplicationMaster and ONE executor of
    // 1.5 GiB each, and every application waited spark.scheduler.maxRegisteredResourcesWaitingTime
    // (60 s) for a second executor that YARN could never place, then ran on one.
    yc.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, nodeMemoryMb);
    yc.setInt(YarnConfiguration.NM_VCORES, 4);
    yc.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // A nearly full disk would mark the NodeManager's directories bad and the node unhealthy.
    yc.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
    yc.setLong(YarnConfiguration.NM_MIN_PER_DISK_FREE_SPACE_MB, 0);
    // Container logs stay on the node (no aggregation): the tests read the driver's log there.
    yc.setBoolean(YarnConfiguration.LOG_AGGREGATION_ENABLED, false);
    yc.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);
    this.yarn = new MiniYARNCluster("mcposterior-" + runDirectory.getFileName(), 1, 1, 1);
    yarn.init(yc);
    yarn.start();
  }

  /** {@code hdfs://127.0.0.1:<port>}. */
  String hdfsUri() {
    return dfs.getURI().toString();
  }

  /** A client of this HDFS (shared, do not close). */
  FileSystem hdfs() throws IOException {
    return dfs.getFileSystem();
  }

  /** The running clusters' configuration (a copy). */
  Configuration configuration() {
    return new Configuration(yarn.getConfig());
  }

  /** Where the NodeManager keeps container logs: {@code <dir>/<application id>/<container id>/stderr}. */
  List<Path> containerLogDirectories() {
    String dirs = yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS);
    return Stream.of(dirs.split(",")).map(s -> Path.of(s.startsWith("file:") ? s.substring(5) : s))
        .collect(Collectors.toList());
  }

  /** The mini YARN cluster's work directory (containers' command lines name it). */
  Path yarnWorkDirectory() {
    return yarn.getTestWorkDir().toPath().toAbsolutePath();
  }

  /** The directory to delete for YARN's files: the one named after this cluster (and so this run) alone, else the work directory. */
  Path yarnRoot() {
    Path work = yarnWorkDirectory();
    return work.getParent() != null && work.getParent().getFileName().toString().equals(yarn.getName())
        ? work.getParent() : work;
  }

  /** Stops YARN, then HDFS (HDFS even if YARN's stop fails). */
  void stop() {
    try {
      yarn.stop();
    } finally {
      dfs.shutdown();
    }
  }
}
