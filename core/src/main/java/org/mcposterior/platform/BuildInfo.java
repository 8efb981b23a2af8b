package org.mcposterior.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The versions this build was made with, as Maven wrote them into {@value #RESOURCE} (resource
 * filtering of {@code ${project.version}} and {@code ${dl4j.version}}, core's pom): the one place
 * the code learns its own version, so a run's summary, its resume key and {@code --version} can
 * never disagree with the pom. Read once, on first use; immutable and thread-safe.
 */
public final class BuildInfo {
  /** The class-path resource Maven writes the versions into. */
  public static final String RESOURCE = "/mcposterior-build.properties";

  private static final Properties PROPERTIES = load();

  private BuildInfo() {}

  /** mcposterior's version, the pom's {@code project.version} (e.g. {@code 0.1.0-SNAPSHOT}). */
  public static String version() {
    return PROPERTIES.getProperty("mcposterior.version");
  }

  /** The Deeplearning4j / nd4j version the build links against (the parent pom's {@code dl4j.version}). */
  public static String deeplearning4jVersion() {
    return PROPERTIES.getProperty("deeplearning4j.version");
  }

  /** {@code mcposterior} and {@code deeplearning4j} versions, for a run's summary. */
  public static Map<String, String> versions() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("mcposterior", version());
    m.put("deeplearning4j", deeplearning4jVersion());
    return java.util.Collections.unmodifiableMap(m);
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path: the build is incomplete; rebuild"
            + " with 'mvn -B -ntp package -DskipTests'");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    for (String k : new String[] {"mcposterior.version", "deeplearning4j.version"}) {
      String v = p.getProperty(k);
      if (v == null || v.isBlank() || v.contains("${")) {
        throw new IllegalStateException(RESOURCE + " has no filtered " + k + " (found '" + v + "'): the build did not"
            + " run Maven's resource filtering; rebuild with 'mvn -B -ntp package -DskipTests'");
      }
    }
    return p;
  }
}
