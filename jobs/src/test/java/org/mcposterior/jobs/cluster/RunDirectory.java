package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything one cluster run writes, under a fresh {@code run-*} directory: {@code logs/} (one pair
 * of files per submission, numbered), and whatever the cluster adds. It also remembers trouble of
 * the harness's own (a JVM that died or hung, a timeout): after trouble, or with
 * {@code -D}{@value #KEEP_PROPERTY}{@code =true}, a cluster keeps its logs when it closes;
 * otherwise it deletes the run. Failure messages go to standard error as well as into the
 * exception, since Surefire keeps standard error in the test's output file even when a test
 * swallows the exception. Thread-safe.
 */
final class RunDirectory {

  static final String KEEP_PROPERTY = "mcposterior.cluster.keep";

  /** A submission's name ({@code submit-<n>}) and its standard output and error files. */
  record SubmissionLogs(String name, Path stdout, Path stderr) {
  }

  private final Path root;
  private final Path logs;
  private final String label;
  private final AtomicInteger submissions = new AtomicInteger();
  private volatile boolean trouble;

  private RunDirectory(Path root, Path logs, String label) {
    this.root = root;
    this.logs = logs;
    this.label = label;
  }

  /** Creates {@code <base>/run-*} and its {@code logs/}; {@code label} starts every message ("mcposterior test cluster"). */
  static RunDirectory create(Path base, String label) throws IOException {
    Files.createDirectories(base);
    Path root = Files.createTempDirectory(base, "run-");
    return new RunDirectory(root, Files.createDirectories(root.resolve("logs")), label);
  }

  /** {@code target/<name>} of the module under test (Maven's {@code basedir}), else {@code <java.io.tmpdir>/<name>}. */
  static Path defaultBase(String name) {
    String basedir = System.getProperty("basedir");
    Path root = basedir != null ? Path.of(basedir, "target") : Path.of(System.getProperty("java.io.tmpdir"));
    return root.resolve(name).toAbsolutePath();
  }

  Path root() {
    return root;
  }

  Path logs() {
    return logs;
  }

  /** The next submission's {@code logs/submit-<n>.stdout} and {@code .stderr}, n = 1, 2, ... */
  SubmissionLogs nextSubmission() {
    String name = "submit-" + submissions.incrementAndGet();
    return new SubmissionLogs(name, logs.resolve(name + ".stdout"), logs.resolve(name + ".stderr"));
  }

  void noteTrouble() {
    trouble = true;
  }

  /** Whether closing should keep the logs: trouble was noted, or {@value #KEEP_PROPERTY} is set. */
  boolean keep() {
    return trouble || Boolean.getBoolean(KEEP_PROPERTY);
  }

  /** Notes trouble (so the logs are kept), prints the message and returns the exception to throw. */
  ClusterException fail(String message) {
    return fail(message, null);
  }

  ClusterException fail(String message, Throwable cause) {
    trouble = true;
    return refuse(message, cause);
  }

  /** As {@link #fail}, for a request refused or an application gone wrong: the cluster itself is fine, logs are not kept. */
  ClusterException refuse(String message) {
    return refuse(message, null);
  }

  ClusterException refuse(String message, Throwable cause) {
    warn(message);
    return cause == null ? new ClusterException(message) : new ClusterException(message, cause);
  }

  /** Prints a line, prefixed with the label, to standard error. */
  void warn(String message) {
    System.err.println(label + ": " + message);
  }

  /**
   * Deletes the run; if {@link #keep}, keeps {@code logs/} and whatever {@code alsoKeep} accepts
   * (with the directories that lead to them), and says where.
   */
  void cleanUp(Predicate<Path> alsoKeep) {
    boolean keep = keep();
    deleteTree(root, keep ? p -> p.startsWith(logs) || alsoKeep.test(p) : null);
    if (keep) {
      warn("logs kept in " + root);
    }
  }

  /**
   * Deletes a directory tree, children first, except the paths {@code kept} accepts and the
   * directories that still hold something; {@code kept == null} deletes all. Problems are printed,
   * not thrown: cleanup must not hide a test's own failure.
   */
  void deleteTree(Path dir, Predicate<Path> kept) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        if (kept != null && (kept.test(p) || isNonEmptyDirectory(p))) {
          continue;
        }
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      warn("could not delete all of " + dir + ": " + e.getMessage());
    }
  }

  private static boolean isNonEmptyDirectory(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    } catch (IOException e) {
      return true;
    }
  }

  /** The files directly in {@code dir} whose names do not start with a dot, sorted; empty if it is no directory. */
  static List<Path> visibleFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
