package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The {@code HADOOP_CONF_DIR} a client of the test HDFS and YARN gets: what a cluster's client
 * configuration holds, and no more: {@code fs.defaultFS} (core-site.xml), the replication of a
 * one-DataNode HDFS (hdfs-site.xml) and the ResourceManager's addresses (yarn-site.xml). Not a dump
 * of the mini clusters' whole configuration: that carries test-only settings (MiniDFSCluster's
 * {@code StaticMapping} rack resolver, a class of Hadoop's test jar) that a driver in a container
 * cannot load. Stateless.
 */
final class HadoopClientConf {

  private HadoopClientConf() {
  }

  /**
   * Writes the three files into {@code dir}.
   *
   * @throws ClusterException if the running configuration names no ResourceManager address
   */
  static void write(Configuration running, Path dir, String hdfsUri) throws IOException {
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfsUri);
    writeXml(core, dir.resolve("core-site.xml"));
    Configuration hdfs = new Configuration(false);
    hdfs.set("dfs.replication", "1");
    writeXml(hdfs, dir.resolve("hdfs-site.xml"));
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
    writeXml(yarnSite, dir.resolve("yarn-site.xml"));
  }

  private static void writeXml(Configuration conf, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    }
  }
}
