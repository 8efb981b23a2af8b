package org.mcposterior.jobs.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One {@code spark-submit} of an application, to either test cluster (client mode on the
 * standalone cluster, cluster mode on YARN): main class, application jar, {@code --jars},
 * {@code --conf} settings, application arguments and how long it may run. Immutable; built only through {@link #builder} (or {@link StandaloneCluster#submitSpec}, which
 * fills in the jars and the settings every DL4J application needs) and checked when built, so a
 * bad spec fails before any JVM starts.
 */
public final class SubmitSpec {

  private final String mainClass;
  private final Path appJar;
  private final List<Path> jars;
  private final Map<String, String> conf;
  private final List<String> args;
  private final Duration timeout;
  private final Path propertiesFile;

  private SubmitSpec(Builder b) {
    this.mainClass = b.mainClass;
    this.appJar = b.appJar;
    this.jars = List.copyOf(b.jars);
    this.conf = Collections.unmodifiableMap(new LinkedHashMap<>(b.conf));
    this.args = List.copyOf(b.args);
    this.timeout = b.timeout;
    this.propertiesFile = b.propertiesFile;
  }

  /** A builder with no {@code --jars}, no settings, no arguments and a 3-minute timeout. */
  public static Builder builder(String mainClass, Path appJar) {
    return new Builder(mainClass, appJar);
  }

  public String mainClass() {
    return mainClass;
  }

  public Path appJar() {
    return appJar;
  }

  public List<Path> jars() {
    return jars;
  }

  /** The {@code --conf} settings, in the order given. */
  public Map<String, String> conf() {
    return conf;
  }

  public List<String> args() {
    return args;
  }

  /** How long the driver JVM may run, from the start of the launcher to its exit. */
  public Duration timeout() {
    return timeout;
  }

  /** The {@code --properties-file} (a spark-defaults.conf), or null for none. */
  public Path propertiesFile() {
    return propertiesFile;
  }

  /** As {@link #sparkSubmitArguments(String, String)} in client mode. */
  List<String> sparkSubmitArguments(String masterUrl) {
    return sparkSubmitArguments(masterUrl, "client");
  }

  /**
   * The arguments {@code spark-submit} would get: {@code --master URL --deploy-mode MODE
   * --class MAIN [--properties-file F] [--jars a,b] [--conf k=v]... APP_JAR ARGS...}. As with
   * spark-submit, {@code --master} and {@code --conf} win over the same keys in the properties file.
   */
  List<String> sparkSubmitArguments(String masterUrl, String deployMode) {
    List<String> out = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", deployMode, "--class", mainClass));
    if (propertiesFile != null) {
      out.add("--properties-file");
      out.add(propertiesFile.toString());
    }
    if (!jars.isEmpty()) {
      out.add("--jars");
      out.add(jars.stream().map(Path::toString).collect(Collectors.joining(",")));
    }
    conf.forEach((k, v) -> {
      out.add("--conf");
      out.add(k + "=" + v);
    });
    out.add(appJar.toString());
    out.addAll(args);
    return out;
  }

  /** Collects a submission; {@link #build} checks it. Not thread-safe. */
  public static final class Builder {
    private final String mainClass;
    private final Path appJar;
    private final List<Path> jars = new ArrayList<>();
    private final Map<String, String> conf = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private Duration timeout = Duration.ofMinutes(3);
    private Path propertiesFile;

    private Builder(String mainClass, Path appJar) {
      this.mainClass = mainClass;
      this.appJar = appJar;
    }

    /** Replaces the {@code --jars} list. */
    public Builder jars(List<Path> jarList) {
      jars.clear();
      jars.addAll(jarList);
      return this;
    }

    /** Sets one {@code --conf key=value}; a later value for the same key replaces the earlier one. */
    public Builder conf(String key, String value) {
      conf.put(key, value);
      return this;
    }

    /** Appends application arguments (after the application jar). */
    public Builder args(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    /**
     * Loads settings from a spark-defaults.conf-style file ({@code --properties-file}), e.g. one of
     * {@code cluster-configs/}; {@link #conf} settings override it key by key.
     */
    public Builder propertiesFile(Path file) {
      propertiesFile = file;
      return this;
    }

    public Builder timeout(Duration t) {
      timeout = t;
      return this;
    }

    /**
     * @throws InvalidSubmitSpecException naming the bad value and the fix: blank main class, missing
     *     application jar or {@code --jars} entry, a jar path with a comma ({@code --jars} is
     *     comma-separated), a setting that is not {@code spark.*} (spark-submit would ignore it with
     *     only a warning), a missing properties file, or a timeout that is not positive
     */
    public SubmitSpec build() {
      if (mainClass == null || mainClass.isBlank()) {
        throw new InvalidSubmitSpecException("main class is '" + mainClass + "'; expected a fully qualified class name "
            + "such as org.mcposterior.jobs.Main");
      }
      requireJar(appJar, "application jar");
      for (Path j : jars) {
        requireJar(j, "--jars entry");
      }
      for (String k : conf.keySet()) {
        if (!k.startsWith("spark.")) {
          throw new InvalidSubmitSpecException("setting '" + k + "' does not start with 'spark.'; spark-submit ignores "
              + "such settings with only a warning: use a spark.* key (environment variables of executors are "
              + "spark.executorEnv.NAME)");
        }
      }
      if (propertiesFile != null && !Files.isRegularFile(propertiesFile)) {
        throw new InvalidSubmitSpecException("properties file " + propertiesFile + " is not a file; pass an existing "
            + "spark-defaults.conf (see cluster-configs/)");
      }
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new InvalidSubmitSpecException("timeout is " + timeout + "; expected a positive duration");
      }
      return new SubmitSpec(this);
    }

    private static void requireJar(Path jar, String what) {
      if (jar == null || !Files.isRegularFile(jar)) {
        throw new InvalidSubmitSpecException(what + " " + jar + " is not a file; build it first (mvn package) or pass "
            + "an existing jar");
      }
      if (jar.toString().contains(",")) {
        throw new InvalidSubmitSpecException(what + " " + jar + " has a comma in its path, which spark-submit's "
            + "comma-separated --jars cannot carry; move it to a path without commas");
      }
    }
  }
}
