package org.mcposterior.jobs.score;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The paths a run summary records, fully qualified ({@code file:/abs/pool},
 * {@code hdfs://namenode:8020/user/me/pool}), so a summary read from another folder, another
 * machine or by {@code report} names the same files the run read and wrote. A relative path is
 * qualified against the run's own working directory (its file system's, with the run's Hadoop
 * configuration: on a cluster whose default file system is HDFS, HDFS's home folder), exactly as
 * the run resolved it; a name with a colon is a local relative path, as {@link UserPaths} reads it.
 */
public final class SummaryPaths {
  private SummaryPaths() {}

  /**
   * A copy of {@code settings} whose values under {@code keys} are fully qualified paths; null
   * values are kept, and a value Hadoop cannot resolve (an unknown scheme) is kept as given.
   */
  public static Map<String, Object> qualified(Map<String, Object> settings, Configuration conf, String... keys) {
    Map<String, Object> m = new LinkedHashMap<>(settings);
    for (String k : keys) {
      if (m.get(k) instanceof String v) {
        m.put(k, qualify(k, v, conf));
      }
    }
    return m;
  }

  /** {@code value} (given with option {@code option}) fully qualified, or as given when Hadoop cannot resolve it. */
  public static String qualify(String option, String value, Configuration conf) {
    try {
      Path p = UserPaths.parse("--" + option, value);
      return p.getFileSystem(conf).makeQualified(p).toString();
    } catch (IOException | RuntimeException e) {
      return value;
    }
  }
}
