package org.mcposterior.jobs.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The environments of the JVMs a cluster starts: the test JVM's own, less anything that would
 * point Spark or Hadoop elsewhere, plus this run's Spark home, loopback addresses and the test
 * JVM's Java. Stateless.
 */
final class SparkEnvironment {

  /** Every cluster listens on loopback only. */
  static final String HOST = "127.0.0.1";
  /** Spark's launcher reads it to find jars; it must match the _2.13 Spark artifacts on the class path. */
  static final String SCALA_BINARY_VERSION = "2.13";

  private SparkEnvironment() {
  }

  /**
   * The master's and the workers' and, through the workers, every executor's: without
   * {@code SPARK_*}, {@code PYSPARK_*}, {@code HADOOP_CONF_DIR}, {@code YARN_CONF_DIR}, {@code MASTER}
   * and the BLAS variables ({@link OpenBlas#VARIABLES}: on a real cluster executors get them only
   * through {@code spark.executorEnv.*}, and tests must fail when a configuration forgets them, not
   * be rescued by the test JVM's environment); with the Spark home, {@code SPARK_SCALA_VERSION}
   * (without it a worker cannot build an executor's command: "Cannot find any build directories"),
   * local directories under {@code localDirs}, the daemons' heap and {@code extra} last.
   */
  static Map<String, String> standaloneDaemon(SparkHome home, String localDirs, String daemonMemory,
      Map<String, String> extra) {
    Map<String, String> env = inheritedWithout(k -> k.startsWith("SPARK_") || k.startsWith("PYSPARK_")
        || k.equals("HADOOP_CONF_DIR") || k.equals("YARN_CONF_DIR") || k.equals("MASTER")
        || OpenBlas.VARIABLES.contains(k), home);
    env.put("SPARK_CONF_DIR", home.confDir().toString());
    env.put("SPARK_SCALA_VERSION", SCALA_BINARY_VERSION);
    env.put("SPARK_LOCAL_DIRS", localDirs);
    env.put("SPARK_DAEMON_MEMORY", daemonMemory);
    // Master and workers only coordinate; on a 2-core machine their JIT compilers and parallel GC
    // threads would compete with the driver and executors under test. Drivers and executors keep
    // the JVM's defaults, as in production.
    env.put("SPARK_DAEMON_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    env.putAll(extra);
    return env;
  }

  /**
   * A client-mode driver's: the daemons' (without their extras and daemon options), plus the BLAS
   * settings, since such a driver runs in the submitting shell's environment and DL4J runs in it
   * too (the product checks its BLAS there).
   */
  static Map<String, String> standaloneDriver(SparkHome home, String localDirs, String daemonMemory, String coretype) {
    Map<String, String> env = standaloneDaemon(home, localDirs, daemonMemory, Map.of());
    env.remove("SPARK_DAEMON_JAVA_OPTS");
    env.putAll(OpenBlas.singleThreaded(coretype));
    return env;
  }

  /**
   * A YARN client's ({@code SparkSubmit --master yarn}): without {@code SPARK_*}, {@code HADOOP_*},
   * {@code YARN_*} and {@code MASTER}; with {@code HADOOP_CONF_DIR} and {@code YARN_CONF_DIR} at
   * {@code confDir}.
   */
  static Map<String, String> yarnClient(SparkHome home, String confDir) {
    Map<String, String> env = inheritedWithout(k -> k.startsWith("SPARK_") || k.startsWith("HADOOP_")
        || k.startsWith("YARN_") || k.equals("MASTER"), home);
    env.put("HADOOP_CONF_DIR", confDir);
    env.put("YARN_CONF_DIR", confDir);
    return env;
  }

  /** The test JVM's environment less the names {@code drop} accepts, plus {@code SPARK_HOME}, {@code SPARK_LOCAL_IP} and {@code JAVA_HOME}. */
  private static Map<String, String> inheritedWithout(Predicate<String> drop, SparkHome home) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(drop);
    env.put("SPARK_HOME", home.path().toString());
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return env;
  }
}
