package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * A Spark installation without a distribution: a directory whose {@code jars/} holds symbolic links
 * to the class path's Spark-side jars ({@link ClusterJars} decides which) and an empty
 * {@code conf/}. What {@code SPARK_HOME} points at for the standalone daemons, and what YARN's
 * containers use as {@code spark.yarn.jars=local:...}. Immutable.
 */
final class SparkHome {

  private final Path path;
  private final List<Path> jars;

  private SparkHome(Path path, List<Path> jars) {
    this.path = path;
    this.jars = List.copyOf(jars);
  }

  /** Lays out a Spark home at {@code home}: one link per jar (a counter prefix if two jars share a name), empty {@code conf/}. */
  static SparkHome link(Path home, List<Path> sparkJars) throws IOException {
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
    return new SparkHome(home, sparkJars);
  }

  Path path() {
    return path;
  }

  Path confDir() {
    return path.resolve("conf");
  }

  /** {@code <home>/jars/*}: the class path of a JVM that runs from this Spark home (as {@code bin/spark-class} gives it). */
  String jarsClassPath() {
    return path.resolve("jars") + "/*";
  }

  /** The jars linked in, in class-path order. */
  List<Path> jars() {
    return jars;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
