package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The jar of the test applications ({@link ClusterSmokeApp} and the rest of {@code test-classes}),
 * packed when a cluster starts and submitted with the product's application jar as its one
 * {@code --jars}. Stateless.
 */
final class TestApplicationJar {

  private TestApplicationJar() {
  }

  /**
   * Packs class directories into {@code jar} (written to a temporary name, then moved into place);
   * a path found in two directories comes from the first (class-path order). Files under
   * {@code exclude} (the runs' base directory) are skipped: a class directory that contains it (say
   * {@code .}) would otherwise pack the jar being written into itself.
   */
  static Path pack(Path jar, List<Path> directories, Path exclude) throws IOException {
    Files.createDirectories(jar.getParent());
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    Set<String> written = new HashSet<>();
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(os, mf)) {
      for (Path dir : directories) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
          files = s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !f.startsWith(exclude))
              .sorted().collect(Collectors.toList());
        }
        for (Path f : files) {
          String name = dir.relativize(f).toString().replace('\\', '/');
          if (name.equalsIgnoreCase("META-INF/MANIFEST.MF") || !written.add(name)) {
            continue;
          }
          out.putNextEntry(new JarEntry(name));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
    }
    return Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
