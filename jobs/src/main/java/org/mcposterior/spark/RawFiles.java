package org.mcposterior.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The file operations of the output protocol (manifests, claims, markers, leftovers), on any
 * Hadoop file system, seeing files exactly as they are: on the local file system through
 * java.nio, without following links, since Hadoop's local file system builds a path from every
 * name it lists (and fails on a name with a colon) and writes a {@code .crc} file beside every file
 * it writes; elsewhere through the Hadoop file system. Stateless.
 */
public final class RawFiles {
  private RawFiles() {}

  /** Whether {@code fs} is the local file system. */
  public static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  /** {@code dir/rel}, built from URI parts so that a colon in a name is not read as a scheme. */
  public static Path child(Path dir, String rel) {
    java.net.URI u = dir.toUri();
    String path = u.getPath().endsWith("/") ? u.getPath() + rel : u.getPath() + "/" + rel;
    return new Path(u.getScheme(), u.getAuthority(), path);
  }

  /** The local file {@code p} names. */
  public static java.nio.file.Path local(Path p) {
    return java.nio.file.Path.of(p.toUri().getPath());
  }

  /** Whether anything is at {@code p} (a link counts, whatever it points to). */
  public static boolean exists(FileSystem fs, Path p) throws IOException {
    return isLocal(fs) ? Files.exists(local(p), LinkOption.NOFOLLOW_LINKS) : fs.exists(p);
  }

  /** Whether {@code p} is a folder (not a link to one). */
  public static boolean isDirectory(FileSystem fs, Path p) throws IOException {
    return isLocal(fs) ? Files.isDirectory(local(p), LinkOption.NOFOLLOW_LINKS)
        : fs.exists(p) && fs.getFileStatus(p).isDirectory();
  }

  /** Whether {@code p} is a regular file (not a link to one). */
  public static boolean isFile(FileSystem fs, Path p) throws IOException {
    return isLocal(fs) ? Files.isRegularFile(local(p), LinkOption.NOFOLLOW_LINKS) : fs.isFile(p);
  }

  /** Whether the folder {@code p} holds nothing. */
  public static boolean isEmptyFolder(FileSystem fs, Path p) throws IOException {
    return names(fs, p).isEmpty();
  }

  /** The names in the folder {@code dir}. */
  public static List<String> names(FileSystem fs, Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    if (isLocal(fs)) {
      try (Stream<java.nio.file.Path> s = Files.list(local(dir))) {
        s.forEach(p -> names.add(p.getFileName().toString()));
      }
    } else {
      for (FileStatus st : fs.listStatus(dir)) {
        names.add(st.getPath().getName());
      }
    }
    return names;
  }

  /** Opens the file {@code p} as raw bytes (locally: not through a link, no checksum layer). */
  public static InputStream open(FileSystem fs, Path p) throws IOException {
    return isLocal(fs) ? Files.newInputStream(local(p), LinkOption.NOFOLLOW_LINKS) : fs.open(p);
  }

  /** The bytes of the regular file {@code p} when it has fewer than {@code limit}, else null. */
  public static byte[] readBelow(FileSystem fs, Path p, int limit) throws IOException {
    if (!isFile(fs, p)) {
      return null;
    }
    try (InputStream in = open(fs, p)) {
      byte[] b = in.readNBytes(limit);
      return b.length < limit ? b : null;
    }
  }

  /** Writes {@code bytes} to {@code p}, replacing a file there (locally: no {@code .crc} file beside it). */
  public static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
    if (isLocal(fs)) {
      Files.write(local(p), bytes);
    } else {
      try (OutputStream o = fs.create(p, true)) {
        o.write(bytes);
      }
    }
  }
}
