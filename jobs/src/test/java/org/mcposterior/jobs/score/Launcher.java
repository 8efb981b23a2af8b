package org.mcposterior.jobs.score;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code bin/mcposterior} as a user does: a separate process, its exit code, standard output
 * and standard error. The build's launcher classpath is written before the tests
 * (process-classes), so the real launcher runs here, with its logging set-up and filters.
 */
final class Launcher {
  static final Path BIN = Path.of("..", "bin", "mcposterior").toAbsolutePath().normalize();

  /** A finished run. */
  record Result(int exitCode, String stdout, String stderr) {
    /** Standard error with no line of a stack trace and exactly one line (the paragraph) from a failure. */
    boolean onlyOneParagraph() {
      List<String> lines = stderr.strip().lines().toList();
      return lines.size() == 1 && lines.get(0).startsWith("mcposterior") && !stderr.contains("\tat ")
          && !stderr.contains("Exception:") && !stderr.contains("WARN");
    }

    /**
     * For a run that failed after its work began: mcposterior's own progress lines, then the one
     * paragraph of the failure last; no stack trace, no warning.
     */
    boolean progressThenOneParagraph() {
      List<String> lines = stderr.strip().lines().toList();
      for (String l : lines.subList(0, Math.max(0, lines.size() - 1))) {
        if (!l.matches("\\d\\d:\\d\\d:\\d\\d INFO (ScoreJob|progress): .*")) {
          return false;
        }
      }
      return !lines.isEmpty() && lines.get(lines.size() - 1).startsWith("mcposterior") && !stderr.contains("\tat ");
    }

    String describe() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /**
   * JVM options for runs that do little numeric work (refusals, tiny pools): the client compiler
   * only and no Spark UI, which start a run in about two thirds of the time on a 2-core machine.
   */
  static final String FAST_START = "-XX:TieredStopAtLevel=1 -Dspark.ui.enabled=false";

  private final Path workDir;
  private final Path logs;
  private final String javaOpts;
  private final Class<?> mainClass;

  Launcher(Path workDir, Path logs, String extraJavaOpts) {
    this(workDir, logs, extraJavaOpts, null);
  }

  private Launcher(Path workDir, Path logs, String extraJavaOpts, Class<?> mainClass) {
    this.workDir = workDir;
    this.logs = logs;
    this.javaOpts = "-Xmx1g " + extraJavaOpts;
    this.mainClass = mainClass;
  }

  /**
   * This launcher running {@code testMain}, a main class of the test classes that wraps the
   * product's entry point ({@code Main.runAndExit} with a {@code RunObserver}), through the same
   * bin/mcposterior ({@code MCPOSTERIOR_MAIN}, with the test classes first on the class path).
   */
  Launcher wrapping(Class<?> testMain) {
    return new Launcher(workDir, logs, javaOpts.substring("-Xmx1g ".length()), testMain);
  }

  /** Starts the command; the caller waits for it. */
  Process start(Path stdout, Path stderr, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(BIN.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    pb.environment().put("MCPOSTERIOR_JAVA_OPTS", javaOpts);
    pb.environment().put("MCPOSTERIOR_LOG_DIR", logs.toString());
    if (mainClass != null) {
      try {
        pb.environment().put("MCPOSTERIOR_MAIN", mainClass.getName());
        pb.environment().put("MCPOSTERIOR_EXTRA_CLASSPATH",
            Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException("the test classes' location is not a path", e);
      }
    }
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the command to its end (at most five minutes). */
  Result run(String... args) {
    try {
      Path out = Files.createTempFile(logs, "stdout", ".txt");
      Path err = Files.createTempFile(logs, "stderr", ".txt");
      return await(start(out, err, args), out, err, Duration.ofMinutes(5));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Result await(Process p, Path stdout, Path stderr, Duration timeout) {
    try {
      // bin/mcposterior pipes the JVM's standard error through a filter (a grep started by the
      // launcher's shell, then a child of the JVM's process) that may still be writing the last
      // lines when the JVM has exited, the more so on a loaded machine. Its process is noted while
      // the JVM runs and waited for after, so the file read below is complete.
      java.util.Set<ProcessHandle> children = new java.util.HashSet<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(children::add);
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new AssertionError("bin/mcposterior did not finish in " + timeout);
        }
      }
      p.getInputStream().close();
      for (ProcessHandle child : children) {
        try {
          child.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          throw new AssertionError("the standard-error filter of bin/mcposterior (pid " + child.pid()
              + ") did not end within 10 s of the JVM", e);
        }
      }
      if (children.isEmpty()) {
        Thread.sleep(200); // ended before its filter could be seen: give the filter time to flush
      }
      return new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Standard error of a run that has ended, once {@code expected} is in it or ten seconds have
   * passed: bin/mcposterior's standard-error filter (a grep the JVM's standard error is piped
   * through) is a process of its own that may still be writing the last lines when the JVM has
   * exited, the more so on a loaded machine. The caller still asserts what the text holds.
   */
  static String stderrOnceFlushed(Path stderr, String expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try {
      String text = Files.readString(stderr, StandardCharsets.UTF_8);
      while (!text.contains(expected) && System.nanoTime() < deadline) {
        Thread.sleep(50);
        text = Files.readString(stderr, StandardCharsets.UTF_8);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Every file below {@code root} (and {@code root} itself if a file), by relative path, with its SHA-256. */
  static Map<String, String> snapshot(Path root) {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(root)) {
      return m;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String rel = root.relativize(f).toString();
        m.put(rel + (Files.isDirectory(f) ? "/" : ""), Files.isDirectory(f) ? "dir" : sha256(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  private static String sha256(Path f) throws IOException {
    try (var in = new java.security.DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code base} with the options of {@code more}: an option of {@code base} given again with a value
   * takes that value, any other is added.
   */
  static String[] withOptions(List<String> base, String... more) {
    List<String> a = new ArrayList<>(base);
    for (int i = 0; i < more.length; i++) {
      int at = a.indexOf(more[i]);
      boolean hasValue = i + 1 < more.length && !more[i + 1].startsWith("--");
      if (at >= 0 && hasValue) {
        a.set(at + 1, more[++i]);
      } else {
        a.add(more[i]);
        if (hasValue) {
          a.add(more[++i]);
        }
      }
    }
    return a.toArray(new String[0]);
  }

  /** Every file below {@code world} but its {@code logs} folder (inputs, outputs, working directories), hashed. */
  static Map<String, String> worldFiles(Path world) {
    Map<String, String> all = snapshot(world);
    all.keySet().removeIf(k -> k.startsWith("logs"));
    return all;
  }

  /**
   * Runs {@code args} and checks the refusal as a user meets it: the exit code, exactly one paragraph
   * (no stack trace, no progress) naming every one of {@code mentions}, nothing on standard output,
   * and no file below {@code world} (but its logs) written, changed or deleted.
   */
  Result refused(Path world, int code, List<String> mentions, String... args) {
    Map<String, String> before = worldFiles(world);
    Result r = run(args);
    org.junit.jupiter.api.Assertions.assertEquals(code, r.exitCode(), r.describe());
    org.junit.jupiter.api.Assertions.assertTrue(r.onlyOneParagraph(), "one paragraph, no stack trace: " + r.describe());
    org.junit.jupiter.api.Assertions.assertEquals("", r.stdout().strip(), "nothing on standard output: " + r.describe());
    for (String m : mentions) {
      org.junit.jupiter.api.Assertions.assertTrue(r.stderr().contains(m), "mentions '" + m + "': " + r.describe());
    }
    org.junit.jupiter.api.Assertions.assertEquals(before, worldFiles(world),
        "nothing written, changed or deleted: " + r.describe());
    return r;
  }

  /** One command of {@link #refusedTogether}: the exit code it must end with and what its paragraph must name. */
  record Refusal(int code, List<String> mentions, String... args) {
    static Refusal of(int code, String mention, String... args) {
      return new Refusal(code, List.of(mention), args);
    }

    /** The command's {@code --out}, or null. */
    String out() {
      int at = List.of(args).indexOf("--out");
      return at >= 0 && at + 1 < args.length ? args[at + 1] : null;
    }

    /**
     * Whether this and {@code other} may run at the same time: not if either may claim an
     * {@code --out} the other names (a refusal after the claim would meet the other's claim).
     * A usage error (exit code 2) is decided from the arguments before anything is touched.
     */
    boolean independentOf(Refusal other) {
      return code == 2 && other.code == 2 || out() == null || !out().equals(other.out());
    }
  }

  /**
   * {@link #refused} for several commands that must each be refused, run side by side two at a
   * time (each is a JVM that mostly starts up; two cores run two), in order; two that name the
   * same {@code --out} run one after the other unless both are usage errors. Every command is checked as
   * {@link #refused} checks one: its exit code, exactly one paragraph naming each of its mentions,
   * nothing on standard output; and no file below {@code world} (but its logs) is written, changed
   * or deleted by any of them (hashed before the first starts and after the last ends).
   *
   * @return the results, in the order of {@code cases}
   */
  List<Result> refusedTogether(Path world, List<Refusal> cases) {
    Map<String, String> before = worldFiles(world);
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < cases.size();) {
      int n = i + 1 < cases.size() && cases.get(i).independentOf(cases.get(i + 1)) ? 2 : 1;
      List<Process> running = new ArrayList<>();
      List<Path[]> files = new ArrayList<>();
      for (Refusal c : cases.subList(i, i + n)) {
        try {
          Path out = Files.createTempFile(logs, "stdout", ".txt");
          Path err = Files.createTempFile(logs, "stderr", ".txt");
          running.add(start(out, err, c.args()));
          files.add(new Path[] {out, err});
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      for (int k = 0; k < running.size(); k++) {
        results.add(await(running.get(k), files.get(k)[0], files.get(k)[1], Duration.ofMinutes(5)));
      }
      i += n;
    }
    for (int i = 0; i < cases.size(); i++) {
      Refusal c = cases.get(i);
      Result r = results.get(i);
      String what = String.join(" ", c.args()) + "\n" + r.describe();
      org.junit.jupiter.api.Assertions.assertEquals(c.code(), r.exitCode(), what);
      org.junit.jupiter.api.Assertions.assertTrue(r.onlyOneParagraph(), "one paragraph, no stack trace: " + what);
      org.junit.jupiter.api.Assertions.assertEquals("", r.stdout().strip(), "nothing on standard output: " + what);
      for (String m : c.mentions()) {
        org.junit.jupiter.api.Assertions.assertTrue(r.stderr().contains(m), "mentions '" + m + "': " + what);
      }
    }
    org.junit.jupiter.api.Assertions.assertEquals(before, worldFiles(world),
        "nothing written, changed or deleted by any of " + cases.size() + " refused commands");
    return results;
  }

  /** Waits until {@code file} exists (at most {@code timeout}). */
  static void awaitFile(Path file, Process p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(file)) {
      if (!p.isAlive()) {
        throw new AssertionError("the run ended (exit " + p.exitValue() + ") before " + file + " appeared");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not appear in " + timeout);
      }
      Thread.sleep(50);
    }
  }
}
