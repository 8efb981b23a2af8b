package org.mcposterior.jobs.score;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Paths the user named on the command line, as Hadoop paths, and how they relate.
 *
 * <p>A bare name with a colon ({@code results:2024}) is read as a local relative path, not as a
 * URI scheme. Comparisons are made on fully qualified paths; on the local file system symbolic
 * links of the deepest existing ancestor are resolved, so {@code --out} cannot reach an input
 * through a link.
 */
final class UserPaths {
  private UserPaths() {}

  /** {@code value} (given with {@code option}) as a Hadoop path. */
  static Path parse(String option, String value) {
    try {
      return new Path(value);
    } catch (IllegalArgumentException e) {
      if (!value.contains("://")) {
        try {
          return new Path("./" + value);
        } catch (IllegalArgumentException again) {
          e.addSuppressed(again);
        }
      }
      throw new JobSettingsException(option + " '" + value + "' is not a path Hadoop can read (" + org.mcposterior.spark.CauseText.of(e)
          + "); give a local path such as ./name or /abs/name, or a URI such as hdfs://namenode/path", e);
    }
  }

  /** The qualified, link-resolved form of {@code p}, for comparisons. */
  static Path canonical(Path p, Configuration conf) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    Path q = fs.makeQualified(p);
    if (!"file".equals(q.toUri().getScheme())) {
      return q;
    }
    java.nio.file.Path local = java.nio.file.Path.of(q.toUri()).normalize();
    java.nio.file.Path existing = local;
    java.nio.file.Path rest = null;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      rest = rest == null ? existing.getFileName() : existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    if (existing == null) {
      return q;
    }
    java.nio.file.Path real = existing.toRealPath();
    // From the path string, not toUri(): a directory's URI ends in '/', and a sibling built from
    // it would land inside the directory.
    return new Path("file", null, (rest == null ? real : real.resolve(rest)).toString());
  }

  /**
   * The path beside {@code p} named {@code p}'s name plus {@code suffix}; built from URI parts, since
   * Hadoop's {@code new Path(parent, child)} would read a colon in the name as a scheme.
   */
  static Path sibling(Path p, String suffix) {
    URI u = p.toUri();
    String path = u.getPath().length() > 1 && u.getPath().endsWith("/") ? u.getPath().substring(0, u.getPath().length() - 1)
        : u.getPath();
    return new Path(u.getScheme(), u.getAuthority(), path + suffix);
  }

  /**
   * A file's path as Spark names it ({@code input_file_name()}, {@code Dataset.inputFiles()}): a
   * URI, percent-encoded (a space is {@code %20}), so {@code new Path(String)} would name another file.
   */
  static Path fromSpark(String file) {
    try {
      return new Path(URI.create(file));
    } catch (IllegalArgumentException notEncoded) {
      return new Path(file);
    }
  }

  /** Whether {@code inner} is {@code outer} or lies somewhere below it (same file system). */
  static boolean within(Path inner, Path outer) {
    URI i = inner.toUri(), o = outer.toUri();
    if (!same(i.getScheme(), o.getScheme()) || !same(i.getAuthority(), o.getAuthority())) {
      return false;
    }
    String ip = strip(i.getPath()), op = strip(o.getPath());
    return ip.equals(op) || op.isEmpty() || ip.startsWith(op + "/");
  }

  private static String strip(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null : a.equalsIgnoreCase(b);
  }
}
