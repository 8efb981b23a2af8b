package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The {@link ParentWatchdog} agent as a jar of its own, and the JVM option that loads it watching
 * this test JVM: every JVM a cluster starts carries it, so a killed test run leaves none behind.
 * Immutable.
 */
final class WatchdogAgent {

  private final Path jar;

  private WatchdogAgent(Path jar) {
    this.jar = jar;
  }

  /** Writes the agent's jar (holding {@link ParentWatchdog} alone, as its {@code Premain-Class}) to {@code jar}. */
  static WatchdogAgent writeTo(Path jar) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(new Attributes.Name("Premain-Class"), ParentWatchdog.class.getName());
    String entry = ParentWatchdog.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
        InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        throw new ClusterException("cannot read " + entry + " from the test class path to build the watchdog agent");
      }
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return new WatchdogAgent(jar);
  }

  Path jar() {
    return jar;
  }

  /** {@code -javaagent:<jar>=<pid of this JVM>}: the JVM that carries it exits once this one is gone. */
  String javaOption() {
    return "-javaagent:" + jar + "=" + ProcessHandle.current().pid();
  }
}
