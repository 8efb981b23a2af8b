package org.mcposterior.jobs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;
import org.mcposterior.errors.McPosteriorException;
import org.mcposterior.spark.CauseText;
import org.mcposterior.spark.InvalidSettingsException;

/**
 * What a failed command tells its user: one paragraph (the cause, the value, what was expected and
 * the fix) and an exit code. Every exit path of {@link Main} comes through here: the project's own
 * typed exceptions, and whatever Spark, Hadoop, nd4j or the JVM threw, found anywhere in the cause
 * chain (a task's failure reaches the driver wrapped in Spark's job and writer exceptions).
 *
 * <p>Exit codes: {@value #USAGE} when the command line itself is wrong (an unknown option, a value
 * that is malformed or out of range, an {@code --out} that overlaps an input: the arguments alone
 * show it), {@value #FAILED} for bad input found by reading it and for a failed run.
 *
 * <p>Text that mcposterior did not write (a Spark, Hadoop or JVM message, also when one of the
 * project's messages quotes it) goes through {@link CauseText}: no Java class names, Spark error
 * classes or SQL states reach the user; they are in the log with the stack trace. Only a failure
 * nothing here recognises names the kind of its root cause, since that is all there is to say.
 */
record Failure(int exitCode, String paragraph) {
  static final int FAILED = 1;
  static final int USAGE = 2;

  static Failure usage(String message) {
    return new Failure(USAGE, oneLine(message));
  }

  /** The paragraph and exit code for {@code t}; {@code log} names where the stack trace was written, or null. */
  static Failure of(Throwable t, String log) {
    List<Throwable> chain = chain(t);
    String details = log == null ? " (rerun with --verbose for the stack trace)"
        : " (stack trace in " + log + ", or rerun with --verbose)";
    if (org.mcposterior.jobs.score.ScoringParts.stopping()) {
      return new Failure(FAILED, "the run was stopped before it finished: the process was asked to end (a SIGTERM from"
          + " a scheduler or a node being preempted, or Ctrl-C); nothing was written to --out. A score run keeps the"
          + " partitions it finished beside --out: the same command run again resumes from them" + details);
    }
    for (Throwable c : chain) {
      if (c instanceof InvalidSettingsException) {
        return new Failure(USAGE, clean(c.getMessage()));
      }
    }
    for (Throwable c : chain) {
      if (own(c)) {
        return new Failure(FAILED, clean(c.getMessage()));
      }
    }
    for (Throwable c : chain) {
      if (c instanceof OutOfMemoryError) {
        boolean nativeMemory = String.valueOf(c.getMessage()).contains("maxBytes")
            || String.valueOf(c.getMessage()).contains("maxPhysicalBytes")
            || String.valueOf(c.getMessage()).contains("Cannot allocate");
        return new Failure(FAILED, oneLine("the run ran out of " + (nativeMemory ? "native" : "Java heap")
            + " memory (" + CauseText.of(c) + "); lower --batch-size or --memory-budget, or give the JVMs more memory"
            + " (bin/mcposterior: MCPOSTERIOR_JAVA_OPTS=\"-Xmx16g" + (nativeMemory
            ? " -Dorg.bytedeco.javacpp.maxbytes=16g" : "") + "\"; spark-submit: --driver-memory, --executor-memory"
            + (nativeMemory ? ", spark.executor.memoryOverhead" : "") + ")" + details));
      }
    }
    // Deepest first: a task's failure is quoted, with its stage and task numbers, in the messages of
    // Spark's wrappers above it; the cause itself has the plain words.
    List<Throwable> deepestFirst = new ArrayList<>(chain);
    java.util.Collections.reverse(deepestFirst);
    for (Throwable c : deepestFirst) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
        return new Failure(FAILED, oneLine("a disk filled up while the run was writing (" + CauseText.clean(m)
            + "); nothing was written to --out: free space (Spark also writes its shuffle files to spark.local.dir,"
            + " /tmp by default) or choose an --out on another disk" + details));
      }
      if (c instanceof AccessDeniedException || m.contains("Permission denied") || m.contains("Read-only file system")) {
        return new Failure(FAILED, oneLine("the run could not write (" + CauseText.clean(m) + "); choose an --out in a"
            + " folder this user can write" + details));
      }
    }
    Throwable root = chain.get(chain.size() - 1);
    String what = root instanceof IOException ? "an input/output error" : root.getClass().getSimpleName();
    return new Failure(FAILED, oneLine("the run failed with " + what + ": " + CauseText.of(root) + details));
  }

  /**
   * One of the project's own exceptions (the {@link McPosteriorException} family), whose message
   * already names the value and the fix.
   */
  private static boolean own(Throwable c) {
    return c instanceof McPosteriorException && c.getMessage() != null;
  }

  private static List<Throwable> chain(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
    }
    return chain;
  }

  /**
   * A message of the project's own, as one line; what it quotes from Spark, Hadoop or the JVM is
   * cleaned as {@link CauseText} does (the project's own sentences have no class names or codes).
   */
  private static String clean(String s) {
    return oneLine(String.join(" ", String.valueOf(s).lines().filter(l -> !l.isBlank()).map(CauseText::clean).toList()));
  }

  static String oneLine(String s) {
    return String.valueOf(s).replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
