package org.mcposterior.jobs.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The product's application jar, {@code jobs/target/mcposterior-spark-<line>_<scala>-<version>.jar},
 * shaded at {@code process-test-classes} (Surefire passes its path as {@value #PROPERTY}): what a
 * user submits, alone. Every cluster test submits this very jar. Stateless.
 */
final class ProductJar {

  static final String PROPERTY = "mcposterior.applicationJar";

  private ProductJar() {
  }

  /**
   * The path in {@value #PROPERTY}, absolute.
   *
   * @throws ClusterException if it is not set or not a file, saying how to run the tests so it is
   */
  static Path path() {
    String p = System.getProperty(PROPERTY);
    if (p == null || p.isBlank() || !Files.isRegularFile(Path.of(p))) {
      throw new ClusterException("the application jar is " + (p == null || p.isBlank() ? "not set" : p + ", which is not a file")
          + ": the cluster tests submit the shaded jar of 'mvn package' and run in Maven's integration-test phase "
          + "(Failsafe sets -D" + PROPERTY + "); run them with "
          + "'mvn -B -ntp verify -pl jobs -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=<Test>'");
    }
    return Path.of(p).toAbsolutePath().normalize();
  }
}
