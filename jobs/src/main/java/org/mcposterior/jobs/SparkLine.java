package org.mcposterior.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The Spark line this build was made for (Spark 3.5 on Scala 2.12, or 4.x on Scala 2.13) against the
 * Spark and Scala this JVM runs, so a jar submitted to the wrong cluster stops at once with one
 * message instead of a {@code NoSuchMethodError} inside a task.
 *
 * <p>The build's line comes from {@value #RESOURCE} (written by Maven from the line's properties);
 * the runtime's versions from the class path's own version files (Spark's
 * {@code spark-version-info.properties}, scala-library's {@code library.properties}), read as plain
 * resources, so this class links no Scala or Spark class and runs on any line. A runtime matches when its Scala binary version (major.minor) equals the
 * build's and its Spark major.minor is one the build accepts. Immutable.
 */
public final class SparkLine {

  static final String RESOURCE = "/mcposterior-spark-line.properties";

  private final String builtSpark;
  private final String scalaBinary;
  private final List<String> acceptedSpark;

  SparkLine(String builtSpark, String scalaBinary, List<String> acceptedSpark) {
    this.builtSpark = builtSpark;
    this.scalaBinary = scalaBinary;
    this.acceptedSpark = List.copyOf(acceptedSpark);
  }

  /** The line of this build, from {@value #RESOURCE}. */
  public static SparkLine ofThisBuild() {
    Properties p = new Properties();
    try (InputStream in = SparkLine.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path: the build is incomplete; "
            + "rebuild with 'mvn -B -ntp package -DskipTests'");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return new SparkLine(p.getProperty("spark.version"), p.getProperty("scala.binary.version"),
        Arrays.asList(p.getProperty("spark.accepts").split(",")));
  }

  /**
   * Checks the running JVM's Spark and Scala against this build's line; on a mismatch writes one
   * paragraph to {@code err} and returns false (the caller exits 1).
   */
  public static boolean check(PrintWriter err) {
    Optional<String> problem = ofThisBuild().mismatch(runtimeSparkVersion(), runtimeScalaVersion());
    problem.ifPresent(m -> {
      err.println(m);
      err.flush();
    });
    return problem.isEmpty();
  }

  /**
   * Why a runtime with these versions cannot run this build, or empty if it can.
   *
   * @param spark the runtime's Spark version ("4.0.1"), or null if no Spark is on the class path
   * @param scala the runtime's Scala version ("2.13.16"), or null if no Scala is on the class path
   */
  Optional<String> mismatch(String spark, String scala) {
    boolean sparkOk = spark != null && acceptedSpark.contains(majorMinor(spark));
    boolean scalaOk = scala != null && majorMinor(scala).equals(scalaBinary);
    if (sparkOk && scalaOk) {
      return Optional.empty();
    }
    return Optional.of("mcposterior: wrong Spark line. This jar is built for Spark "
        + String.join(" or ", acceptedSpark.stream().map(v -> v + ".x").toList()) + " on Scala " + scalaBinary
        + " (built against Spark " + builtSpark + "), but this JVM runs "
        + (spark == null ? "no Spark" : "Spark " + spark) + " on " + (scala == null ? "no Scala" : "Scala " + scala)
        + ". Submit the mcposterior jar of this cluster's line: mcposterior-spark-3.5_2.12-<version>.jar "
        + "(built with 'mvn package -Pspark-3.5') for Spark 3.5 / Scala 2.12, "
        + "mcposterior-spark-4.0_2.13-<version>.jar (the default build) for Spark 4 / Scala 2.13.");
  }

  /** "4.0.1" -> "4.0"; a version without a minor part is returned as it is. */
  static String majorMinor(String version) {
    String[] parts = version.trim().split("[.\\-]");
    return parts.length < 2 ? version.trim() : parts[0] + "." + parts[1];
  }

  /**
   * The class path's Spark version: {@code version} in Spark's {@code spark-version-info.properties}
   * (what {@code org.apache.spark.SPARK_VERSION} reads; in spark-common-utils), or null without Spark.
   */
  static String runtimeSparkVersion() {
    return resourceProperty("spark-version-info.properties", "version", "spark-");
  }

  /**
   * The class path's Scala version: {@code version.number} in scala-library's
   * {@code library.properties} (what {@code scala.util.Properties.versionNumberString()} reads), or
   * null without Scala.
   */
  static String runtimeScalaVersion() {
    return resourceProperty("library.properties", "version.number", "scala-library");
  }

  /**
   * A property of a class-path resource, read as a plain file so that nothing of Spark or Scala is
   * linked; of several copies, the first whose URL contains {@code preferred}, else the first that has it.
   */
  private static String resourceProperty(String resource, String key, String preferred) {
    String first = null;
    try {
      ClassLoader cl = SparkLine.class.getClassLoader();
      for (var urls = cl.getResources(resource); urls.hasMoreElements();) {
        java.net.URL url = urls.nextElement();
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
          p.load(in);
        }
        String v = p.getProperty(key);
        if (v != null && url.toString().contains(preferred)) {
          return v.trim();
        }
        if (first == null && v != null) {
          first = v.trim();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the class path", e);
    }
    return first;
  }

  @Override
  public String toString() {
    return "Spark " + acceptedSpark + " on Scala " + scalaBinary + " (built against " + builtSpark + ")";
  }
}
