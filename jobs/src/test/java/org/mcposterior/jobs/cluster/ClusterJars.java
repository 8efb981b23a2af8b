package org.mcposterior.jobs.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test JVM's class path split the way a real deployment splits its jars, so the cluster runs
 * the product as production would: Spark's own jars on every JVM's class path (the Spark home),
 * the application as one jar, and the application's dependencies shipped with {@code --jars}.
 *
 * <p>Rules, first match wins:
 * <ol>
 *   <li>test-only jars (JUnit, opentest4j, apiguardian, Surefire's booter): nowhere;
 *   <li>directories ({@code target/classes}, {@code target/test-classes}, and {@code core}'s
 *       classes in a reactor build): packed into the application jar;
 *   <li>jars of the groups the product brings itself (DL4J, nd4j, JavaCPP, DataVec, picocli, and
 *       mcposterior's own modules): application dependencies, given to {@code --jars};
 *   <li>everything else: the Spark home.
 * </ol>
 *
 * <p>Rule 4 is generous on purpose: a library that only DL4J needs (oshi, jna, fastutil, ...) also
 * lands in the Spark home, so the cluster never fails for a jar the build has. The price: these
 * tests do not prove that a real deployment ships such a library; a deployment's {@code --jars} or
 * fat jar must carry every jar of the product's compile scope that its Spark distribution lacks.
 *
 * <p>{@link #forApplicationJar} splits the class path around the product's real application jar
 * instead (what the cluster tests use): the Spark home gets every jar that is not in the
 * application jar, and nothing is shipped with {@code --jars}.
 *
 * <p>Immutable; lists keep class-path order, which decides which copy of a duplicated class wins.
 */
final class ClusterJars {

  /** Maven group directories (as path fragments) whose jars the product ships itself. */
  private static final List<String> APPLICATION_GROUPS = List.of(
      "/org/deeplearning4j/", "/org/nd4j/", "/org/bytedeco/", "/org/datavec/", "/info/picocli/",
      "/org/mcposterior/");

  /** File-name prefixes of jars that only the test runner needs. */
  private static final List<String> TEST_ONLY_PREFIXES = List.of(
      "junit-", "opentest4j-", "apiguardian-api-", "surefire", "common-java5-", "common-junit",
      "maven-surefire-",
      // Hadoop's test clusters (YarnClusterTest runs them inside the test JVM) and the Bouncy Castle
      // they load: a cluster's Spark and Hadoop have neither on their class path.
      "hadoop-client-minicluster-", "bcprov-", "bcpkix-", "bcutil-", "jaxb-api-");

  private final List<Path> sparkHomeJars;
  private final List<Path> applicationDependencyJars;
  private final List<Path> classDirectories;

  private ClusterJars(List<Path> sparkHomeJars, List<Path> applicationDependencyJars, List<Path> classDirectories) {
    this.sparkHomeJars = List.copyOf(sparkHomeJars);
    this.applicationDependencyJars = List.copyOf(applicationDependencyJars);
    this.classDirectories = List.copyOf(classDirectories);
  }

  /** Splits the class path of this JVM ({@code java.class.path}, which Surefire sets to the real test class path). */
  static ClusterJars ofThisJvm() {
    return of(System.getProperty("java.class.path", ""));
  }

  /**
   * Splits a class path ({@link File#pathSeparator}-separated). Entries that do not exist are
   * dropped, duplicates keep their first position.
   *
   * @throws ClusterException if the class path holds no Spark core jar, so no cluster could start
   */
  static ClusterJars of(String classPath) {
    List<Path> spark = new ArrayList<>();
    List<Path> app = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    Set<Path> seen = new LinkedHashSet<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path p = Path.of(entry).toAbsolutePath().normalize();
      if (!Files.exists(p) || !seen.add(p)) {
        continue;
      }
      if (Files.isDirectory(p)) {
        dirs.add(p);
      } else if (!p.getFileName().toString().endsWith(".jar") || isTestOnly(p)) {
        continue;
      } else if (isApplicationDependency(p)) {
        app.add(p);
      } else {
        spark.add(p);
      }
    }
    if (spark.stream().noneMatch(p -> p.getFileName().toString().startsWith("spark-core_"))) {
      throw new ClusterException("no spark-core jar on the class path (" + spark.size() + " other jars found): "
          + "the standalone cluster runs from the test class path's Spark jars; run the test through Maven in the "
          + "jobs module, where spark-core is a provided dependency");
    }
    return new ClusterJars(spark, app, dirs);
  }

  private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");

  /**
   * Splits a class path around the product's application jar (the shaded jar of {@code mvn package}):
   * <ol>
   *   <li>test-only jars: nowhere;
   *   <li>{@code test-classes} directories: packed into the test application jar (for test
   *       applications such as {@link ClusterSmokeApp}); other class directories are the product's
   *       own classes, already in the application jar: nowhere;
   *   <li>jars the application jar carries, and {@code mcposterior-*} module jars: nowhere (see
   *       {@link #isCarried});
   *   <li>everything else: the Spark home, i.e. what the cluster itself must provide.
   * </ol>
   * No jar is left for {@code --jars}: {@link #applicationDependencyJars} is empty.
   *
   * @throws ClusterException if the application jar cannot be read or the class path holds no Spark core jar
   */
  static ClusterJars forApplicationJar(String classPath, Path applicationJar) {
    Set<String> inApp = artifactsIn(applicationJar);
    Set<String> appFiles = filesIn(applicationJar);
    List<Path> spark = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    Set<Path> seen = new LinkedHashSet<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path p = Path.of(entry).toAbsolutePath().normalize();
      if (!Files.exists(p) || !seen.add(p)) {
        continue;
      }
      if (Files.isDirectory(p)) {
        if (p.getFileName().toString().equals("test-classes")) {
          dirs.add(p);
        }
      } else if (p.getFileName().toString().endsWith(".jar") && !isTestOnly(p)
          && !p.getFileName().toString().startsWith("mcposterior-") && !isCarried(p, inApp, appFiles)) {
        spark.add(p);
      }
    }
    if (spark.stream().noneMatch(p -> p.getFileName().toString().startsWith("spark-core_"))) {
      throw new ClusterException("no spark-core jar on the class path (" + spark.size() + " other jars found): "
          + "the standalone cluster runs from the test class path's Spark jars; run the test through Maven in the "
          + "jobs module, where spark-core is a provided dependency");
    }
    return new ClusterJars(spark, List.of(), dirs);
  }

  /** {@code group:artifact} of every Maven artifact packed into a jar (read from its pom.properties entries). */
  static Set<String> artifactsIn(Path jar) {
    Set<String> out = new LinkedHashSet<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      for (var e = f.entries(); e.hasMoreElements();) {
        JarEntry je = e.nextElement();
        Matcher m = POM_PROPERTIES.matcher(je.getName());
        if (m.matches()) {
          out.add(m.group(1) + ":" + m.group(2));
        }
      }
    } catch (IOException e) {
      throw new ClusterException("cannot read the application jar " + jar + " (" + e.getMessage()
          + "): build it with 'mvn -B -ntp package -DskipTests'");
    }
    return out;
  }

  /** The file entries of a jar outside {@code META-INF/} (classes, natives, resources); empty if it is not a readable jar. */
  static Set<String> filesIn(Path jar) {
    Set<String> out = new java.util.HashSet<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      f.stream().filter(e -> !e.isDirectory()).map(JarEntry::getName).filter(n -> !n.startsWith("META-INF/"))
          .forEach(out::add);
    } catch (IOException e) {
      return Set.of();
    }
    return out;
  }

  /**
   * Whether the application jar carries a class-path jar: it has every file of that jar, or the
   * jar's artifact is named in the application jar's pom.properties and at least one of its files
   * is in it (a filter may have left some out). A pom.properties alone is not proof: nd4j's shaded
   * jars carry the pom.properties of what they relocated (e.g. jackson-databind). A jar with no
   * files outside META-INF is carried when its artifact is named.
   */
  static boolean isCarried(Path jar, Set<String> artifacts, Set<String> appFiles) {
    Set<String> files = filesIn(jar);
    if (files.isEmpty()) {
      return isArtifactIn(jar, artifacts);
    }
    return appFiles.containsAll(files) || (isArtifactIn(jar, artifacts) && files.stream().anyMatch(appFiles::contains));
  }

  /** Whether a jar in a Maven repository ({@code .../<group path>/<artifact>/<version>/...jar}) is one of these artifacts. */
  static boolean isArtifactIn(Path jar, Set<String> artifacts) {
    String path = jar.toString().replace(File.separatorChar, '/');
    for (String ga : artifacts) {
      int colon = ga.indexOf(':');
      String dir = "/" + ga.substring(0, colon).replace('.', '/') + "/" + ga.substring(colon + 1) + "/";
      if (path.contains(dir)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a jar is needed only by the test runner, never by a Spark JVM. */
  static boolean isTestOnly(Path jar) {
    String name = jar.getFileName().toString().toLowerCase(Locale.ROOT);
    return TEST_ONLY_PREFIXES.stream().anyMatch(name::startsWith);
  }

  /**
   * Whether a jar belongs to what the product ships itself (rule 3 above): a jar in a Maven
   * repository under one of the product's dependency groups, or an {@code mcposterior-*} module jar
   * wherever it lies (a reactor build uses {@code core/target/mcposterior-core-*.jar}).
   */
  static boolean isApplicationDependency(Path jar) {
    String path = jar.toString().replace(File.separatorChar, '/');
    return jar.getFileName().toString().startsWith("mcposterior-") || APPLICATION_GROUPS.stream().anyMatch(path::contains);
  }

  /** Jars linked into the Spark home's {@code jars/}: on the class path of every master, worker, driver and executor. */
  List<Path> sparkHomeJars() {
    return sparkHomeJars;
  }

  /** Jars to pass with {@code --jars}: the product's dependencies, shipped by the driver to every executor. */
  List<Path> applicationDependencyJars() {
    return applicationDependencyJars;
  }

  /** Class directories to pack into the application jar, in class-path order (the first copy of a file wins). */
  List<Path> classDirectories() {
    return classDirectories;
  }
}
