package org.mcposterior.jobs.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output protocol of a run (DESIGN.md, invariant 8): a run writes only under its own
 * {@code --out}, which never is, holds or lies inside one of its inputs; it claims {@code --out}
 * exclusively ({@link OutputClaim}); it writes everything to {@code <out>.tmp-<run>} and swaps it in
 * only when complete; it replaces an existing output only with {@code --overwrite}, only an earlier
 * mcposterior output, and only if that output is still the one seen at the start.
 *
 * <p>Commit: {@code out -> <out>.old-<run>}, {@code tmp -> out} (a rename that fails if anything is
 * at {@code out}), then the old output is deleted. A run killed at any point leaves its claim, and
 * the next run on the same {@code --out} recognises it as dead: it puts a moved-aside old output
 * back if the swap was cut short, and deletes the dead run's temporary folder (only a folder that
 * carries the dead run's marker file).
 *
 * <p>The checks before the claim are {@link OutputRules}'; recognising and cleaning what dead runs
 * left is {@link Leftovers}'.
 */
final class OutputDir implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputDir.class);
  /** Written first into every temporary folder, so a later run deletes only folders a run made. */
  static final String MARKER = "_MCPOSTERIOR_RUN";
  /** The file every complete output holds; {@code --overwrite} replaces only folders that have it. */
  static final String SUMMARY = "summary.json";

  private final FileSystem fs;
  private final Path out;
  private final Path tmp;
  private final OutputClaim claim;
  private final FileStatus previous;
  private final List<Path> createdParents;
  private boolean committed;

  private OutputDir(FileSystem fs, Path out, OutputClaim claim, FileStatus previous, List<Path> createdParents) {
    this.fs = fs;
    this.out = out;
    this.claim = claim;
    this.previous = previous;
    this.createdParents = createdParents;
    this.tmp = UserPaths.sibling(out, ".tmp-" + claim.self().runId());
  }

  /**
   * Checks {@code out} against the inputs, claims it and makes the temporary folder; before any
   * other work of the run.
   *
   * @param inputs option name -> path of every input the run reads (absent ones are skipped)
   * @throws InvalidSettingsException when {@code out} is not a path or is, holds or lies inside an input
   * @throws InvalidInputException when {@code out} exists (without {@code overwrite}, or is not an
   *     mcposterior output), is claimed by a live run, or its folder cannot be written
   */
  static OutputDir claim(String outArg, boolean overwrite, Map<String, String> inputs, Configuration conf) {
    Path p = UserPaths.parse("--out", outArg);
    try {
      FileSystem fs = p.getFileSystem(conf);
      Path out = UserPaths.canonical(p, conf);
      if (out.getParent() == null) {
        throw new InvalidSettingsException("--out " + outArg + " is the root of its file system; choose a folder for the"
            + " output such as /data/scores");
      }
      OutputRules.refuseOverlaps(outArg, out, overwrite, inputs, conf);
      List<Path> created = makeParents(fs, out, outArg);
      OutputClaim claim = take(fs, out, outArg, created);
      try {
        FileStatus previous = fs.exists(out) ? fs.getFileStatus(out) : null;
        if (previous != null) {
          OutputRules.checkReplaceable(fs, out, outArg, overwrite, previous);
        }
        OutputDir d = new OutputDir(fs, out, claim, previous, created);
        Leftovers.clean(fs, out, d.tmp);
        if (!fs.mkdirs(d.tmp)) {
          throw new InvalidInputException("cannot create the temporary output " + d.tmp + " beside --out " + outArg
              + "; check that its folder can be written");
        }
        fs.create(new Path(d.tmp, MARKER), false).close();
        return d;
      } catch (RuntimeException | IOException e) {
        release(claim, e);
        removeCreated(fs, created, e);
        throw e;
      }
    } catch (IOException e) {
      throw new InvalidInputException("cannot write the output " + outArg + ": " + e.getMessage() + "; choose an --out in"
          + " a folder this user can write, on a file system with free space", e);
    }
  }

  /** Creates the missing folders above {@code out}; returns them, deepest last, to remove after a failed run. */
  private static List<Path> makeParents(FileSystem fs, Path out, String outArg) throws IOException {
    List<Path> missing = new ArrayList<>();
    Path parent = out.getParent();
    while (parent != null && !fs.exists(parent)) {
      missing.add(0, parent);
      parent = parent.getParent();
    }
    if (parent != null && !fs.getFileStatus(parent).isDirectory()) {
      throw new InvalidInputException("--out " + outArg + " cannot be made: " + parent + " is a file, not a folder;"
          + " choose an --out in a folder");
    }
    for (Path m : missing) {
      if (!fs.mkdirs(m)) {
        throw new IOException("cannot create the folder " + m);
      }
    }
    return missing;
  }

  private static OutputClaim take(FileSystem fs, Path out, String outArg, List<Path> created) throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<OutputClaim> c = OutputClaim.tryTake(fs, out);
      if (c.isPresent()) {
        return c.get();
      }
      OutputClaim.Holder h = OutputClaim.holder(fs, out).orElse(null);
      if (OutputClaim.alive(fs, out, h)) {
        removeCreated(fs, created, null);
        throw new InvalidInputException("--out " + outArg + " is being written by another mcposterior run ("
            + (h == null ? "starting now" : h.describe()) + "; claim file " + OutputClaim.fileOf(out)
            + "); wait until it has finished, or choose another --out");
      }
      Leftovers.recoverDeadRun(fs, out, h);
    }
    throw new IOException("cannot claim " + out + ": its claim file keeps changing under this run");
  }

  /** Where the run writes; a path string Spark's writers accept. */
  String tmp(String child) {
    return new Path(tmp, child).toString();
  }

  FileSystem fs() {
    return fs;
  }

  Path tmpPath() {
    return tmp;
  }

  Path out() {
    return out;
  }

  /**
   * Swaps the complete output into place, if {@code --out} is still what the run was allowed to
   * replace: absent, or (with {@code --overwrite}) the output seen at the start.
   *
   * @throws InvalidInputException when something else appeared at {@code --out} during the run, or
   *     the claim was taken away; nothing at {@code --out} is changed then
   */
  void commit() throws IOException {
    pauseForTests();
    if (!claim.stillOurs(out)) {
      throw new InvalidInputException("the claim " + OutputClaim.fileOf(out) + " on --out was removed or taken by"
          + " another run while this one was going; this run's output was discarded and nothing at " + out
          + " was changed; rerun when no other run writes there");
    }
    FileStatus now = fs.exists(out) ? fs.getFileStatus(out) : null;
    if (previous == null && now != null) {
      throw new InvalidInputException("--out " + out + " appeared while this run was going (made by something"
          + " other than this run); it was left as it is and this run's output was discarded: choose another --out,"
          + " or pass --overwrite to replace an earlier mcposterior output");
    }
    if (previous != null && (now == null || now.getModificationTime() != previous.getModificationTime()
        || now.isDirectory() != previous.isDirectory())) {
      throw new InvalidInputException("--out " + out + " changed while this run was going; --overwrite replaces only"
          + " the output seen when the run started, so it was left as it is and this run's output was discarded");
    }
    FileContext fc = FileContext.getFileContext(out.toUri(), fs.getConf());
    Path old = null;
    if (now != null) {
      old = UserPaths.sibling(out, ".old-" + claim.self().runId());
      fc.rename(out, old, Options.Rename.NONE);
    }
    try {
      fs.delete(new Path(tmp, MARKER), false);
      fc.rename(tmp, out, Options.Rename.NONE);
    } catch (IOException e) {
      if (old != null) {
        fc.rename(old, out, Options.Rename.NONE);
      }
      throw e;
    }
    committed = true;
    if (old != null) {
      fs.delete(old, true);
    }
  }

  /**
   * Fault-injection hook for the command-line tests: with
   * {@code -Dmcposterior.faults.pauseBeforeCommit=<dir>} a run that has written its whole output
   * creates {@code <dir>/paused} and waits (at most five minutes) for {@code <dir>/resume}, so a
   * test can act at a known point (start a second run, make a folder at {@code --out}, SIGKILL the
   * driver). Off unless the property is set; it changes no result.
   */
  private static void pauseForTests() throws IOException {
    String dir = System.getProperty("mcposterior.faults.pauseBeforeCommit");
    if (dir == null) {
      return;
    }
    java.nio.file.Path d = java.nio.file.Path.of(dir);
    java.nio.file.Files.createDirectories(d);
    java.nio.file.Files.writeString(d.resolve("paused"), Long.toString(ProcessHandle.current().pid()));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
    while (!java.nio.file.Files.exists(d.resolve("resume")) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while paused before the commit");
      }
    }
  }

  /**
   * Deletes the temporary output of a failed run and the folders it made above {@code --out}; the
   * previous output is untouched. A failure to clean up is attached to {@code cause}, the run's own
   * failure, which the caller rethrows.
   */
  void abort(Throwable cause) {
    try {
      fs.delete(tmp, true);
    } catch (IOException e) {
      cause.addSuppressed(new IOException("could not delete the temporary output " + tmp, e));
    }
    removeCreated(fs, createdParents, cause);
  }

  /** Releases the claim on {@code --out}. */
  @Override
  public void close() {
    release(claim, null);
    if (!committed) {
      removeCreated(fs, createdParents, null);
    }
  }

  private static void release(OutputClaim claim, Throwable cause) {
    try {
      claim.close();
    } catch (IOException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      } else {
        LOG.warn("cannot remove the claim file of this run: {}", e.getMessage());
      }
    }
  }

  /** Removes the folders a failed run made above {@code --out}, deepest first, while they are empty. */
  private static void removeCreated(FileSystem fs, List<Path> created, Throwable cause) {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        Path d = created.get(i);
        if (fs.exists(d) && fs.listStatus(d).length == 0) {
          fs.delete(d, false);
        }
      } catch (IOException e) {
        if (cause != null) {
          cause.addSuppressed(e);
        }
      }
    }
  }
}
