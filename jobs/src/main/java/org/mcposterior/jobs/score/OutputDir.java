package org.mcposterior.jobs.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.mcposterior.spark.RawFiles;
import org.mcposterior.spark.RunManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output protocol of a run (DESIGN.md, invariant 8): a run writes only under its own
 * {@code --out}, which never is, holds or lies inside one of its inputs; it claims {@code --out}
 * exclusively ({@link OutputClaim}); it writes everything to {@code <out>.tmp-<run>} and swaps it in
 * only when complete, with a {@link RunManifest} listing every file it wrote; it replaces an
 * existing output only with {@code --overwrite}, only an earlier mcposterior output (its manifest
 * valid and matching its content exactly, or an empty folder), and only if that output is still
 * the one seen at the start.
 *
 * <p>Commit: the manifest is written into the temporary folder, its marker removed, then
 * {@code out -> <out>.old-<run>}, {@code tmp -> out} (a rename that fails if anything is at
 * {@code out}), then the old output is deleted. A run killed at any point leaves its claim, and
 * the next run on the same {@code --out} recognises it as dead: it puts a moved-aside old output
 * back if the swap was cut short, and the dead run's temporary folder (only a folder whose marker
 * or manifest names the dead run) is resumed from by {@code score} or deleted.
 *
 * <p>The checks before the claim are {@link OutputRules}'; recognising what dead runs left is
 * {@link Leftovers}'.
 */
final class OutputDir implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputDir.class);
  /** Written first into every temporary folder, naming its run, so a later run deletes only folders a run made. */
  static final String MARKER = "_MCPOSTERIOR_RUN";
  /** The run summary every output holds (not what makes a folder an output: its manifest does). */
  static final String SUMMARY = "summary.json";

  /** Set when the JVM begins to shut down (SIGTERM, a scheduler's kill): a failure then is a stop, not bad input. */
  private static final java.util.concurrent.atomic.AtomicBoolean SHUTTING_DOWN =
      new java.util.concurrent.atomic.AtomicBoolean();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> SHUTTING_DOWN.set(true), "mcposterior-shutdown-flag"));
  }

  /** Whether the JVM has begun to shut down (a signal asked the process to end) while a run was writing. */
  static boolean stopping() {
    return SHUTTING_DOWN.get();
  }

  private final FileSystem fs;
  private final Path out;
  private final Path tmp;
  private final OutputClaim claim;
  private final String command;
  private final RunManifest previous;
  private final boolean previousWasEmpty;
  private final List<Path> createdParents;
  private List<Path> deadRuns;
  private boolean committed;

  private OutputDir(FileSystem fs, Path out, OutputClaim claim, String command, RunManifest previous,
      boolean previousWasEmpty, List<Path> createdParents) {
    this.fs = fs;
    this.out = out;
    this.claim = claim;
    this.command = command;
    this.previous = previous;
    this.previousWasEmpty = previousWasEmpty;
    this.createdParents = createdParents;
    this.tmp = UserPaths.sibling(out, ".tmp-" + claim.self().runId());
  }

  /**
   * The marker file's whole content for {@code runId}: its format version ({@link
   * org.mcposterior.spark.RunFormat#MARKER}) and the run id.
   */
  static String markerText(String runId) {
    org.mcposterior.spark.RunFormat f = org.mcposterior.spark.RunFormat.MARKER;
    return f.field() + "=" + f.version() + "\nrun=" + runId + "\n";
  }

  /**
   * Checks {@code out} against the inputs, claims it and makes the temporary folder; before any
   * other work of the run.
   *
   * @param inputs option name -> path of every input the run reads (absent ones are skipped)
   * @param command the command writing the output (score, sample, learn), recorded in its manifest
   * @param keepDeadRuns whether dead runs' temporary folders are kept for {@link #resume} (else deleted now)
   * @throws JobSettingsException when {@code out} is not a path or is, holds or lies inside an input
   * @throws JobInputException when {@code out} exists (without {@code overwrite}, or is not an
   *     mcposterior output), is claimed by a live run or by a file that is not a claim, or its folder
   *     cannot be written
   */
  static OutputDir claim(String outArg, boolean overwrite, Map<String, String> inputs, Configuration conf,
      String command, boolean keepDeadRuns) {
    Path p = UserPaths.parse("--out", outArg);
    try {
      FileSystem fs = p.getFileSystem(conf);
      Path out = UserPaths.canonical(p, conf);
      if (out.getParent() == null) {
        throw new JobSettingsException("--out " + outArg + " is the root of its file system; choose a folder for the"
            + " output such as /data/scores");
      }
      OutputRules.refuseOverlaps(outArg, out, overwrite, inputs, conf);
      List<Path> created = makeParents(fs, out, outArg);
      OutputClaim claim = take(fs, out, outArg, created);
      try {
        RunManifest previous = null;
        boolean previousWasEmpty = false;
        if (RawFiles.exists(fs, out)) {
          OutputRules.Existing e = OutputRules.checkReplaceable(fs, out, outArg, overwrite);
          previous = e.manifest();
          previousWasEmpty = e.empty();
        }
        OutputDir d = new OutputDir(fs, out, claim, command, previous, previousWasEmpty, created);
        d.deadRuns = Leftovers.deadRunFolders(fs, out, claim.self().runId());
        if (!keepDeadRuns) {
          Leftovers.delete(fs, d.deadRuns, "the " + command + " command does not resume");
          d.deadRuns = List.of();
        }
        if (!fs.mkdirs(d.tmp)) {
          throw new JobInputException("cannot create the temporary output " + d.tmp + " beside --out " + outArg
              + "; check that its folder can be written");
        }
        d.writeRaw(MARKER, markerText(claim.self().runId()));
        return d;
      } catch (RuntimeException | IOException e) {
        release(claim, e);
        removeCreated(fs, created, e);
        throw e;
      }
    } catch (IOException e) {
      throw cannotWrite(outArg, org.mcposterior.spark.CauseText.of(e), e);
    }
  }

  /**
   * The checks of {@link #claim} that need no Spark and change nothing, for an {@code --out} on the
   * local file system, run before the Spark session starts so that a refusal costs no start-up:
   * {@code out} against the inputs, an existing {@code out} against {@code --overwrite} and its
   * manifest, and the claim file (not a claim, or a live
   * run's). {@link #claim} checks all again under the claim.
   */
  static void precheck(String outArg, boolean overwrite, Map<String, String> inputs, Configuration conf) {
    Path p = UserPaths.parse("--out", outArg);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!RawFiles.isLocal(fs)) {
        return; // a cluster file system may need settings only the Spark session has: claim() checks it
      }
      Path out = UserPaths.canonical(p, conf);
      if (out.getParent() == null) {
        return; // claim() says why
      }
      OutputRules.refuseOverlaps(outArg, out, overwrite, inputs, conf);
      java.nio.file.Path above = java.nio.file.Path.of(out.getParent().toUri().getPath());
      while (above != null && !java.nio.file.Files.exists(above, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        above = above.getParent();
      }
      if (above != null && !java.nio.file.Files.isDirectory(above)) {
        throw underAFile(outArg, above);
      }
      if (above != null && !java.nio.file.Files.isWritable(above) && !RawFiles.exists(fs, out)) {
        String why = java.nio.file.Files.getFileStore(above).isReadOnly() ? "Read-only file system" : "Permission denied";
        throw cannotWrite(outArg, "the folder " + above + " cannot be written (" + why + ")", null);
      }
      if (RawFiles.isDirectory(fs, out.getParent())) {
        Optional<OutputClaim.Holder> h = OutputClaim.holder(fs, out);
        if (h.isPresent() && OutputClaim.alive(fs, out, h.get())) {
          throw claimedByLiveRun(outArg, out, h.get());
        }
      }
      if (RawFiles.exists(fs, out) && !restorable(fs, out)) {
        OutputRules.checkReplaceable(fs, out, outArg, overwrite);
      }
    } catch (IOException e) {
      throw cannotWrite(outArg, org.mcposterior.spark.CauseText.of(e), e);
    }
  }

  private static JobInputException claimedByLiveRun(String outArg, Path out, OutputClaim.Holder h) {
    return new JobInputException("--out " + outArg + " is being written by another mcposterior run ("
        + h.describe() + "; claim file " + OutputClaim.fileOf(out) + "); wait until it has finished, or choose another"
        + " --out");
  }

  private static JobInputException cannotWrite(String outArg, String why, Throwable cause) {
    return new JobInputException("cannot write the output " + outArg + ": " + why + "; choose an --out in a folder"
        + " this user can write, on a file system with free space", cause);
  }

  private static JobInputException underAFile(String outArg, Object file) {
    return new JobInputException("--out " + outArg + " cannot be made: " + file + " is a file, not a folder;"
        + " choose an --out in a folder");
  }

  /** Whether a dead run's claim may still change what is at {@code out} (its swap was cut short): then only claim() decides. */
  private static boolean restorable(FileSystem fs, Path out) throws IOException {
    return OutputClaim.holder(fs, out).isPresent();
  }

  /** Writes a small file into the temporary folder, raw (no Hadoop .crc file beside it on the local file system). */
  void writeRaw(String name, String text) throws IOException {
    RawFiles.write(fs, RawFiles.child(tmp, name), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The file in a temporary folder that records what its run computes, for a later run to resume from. */
  static final String RESUME = "_MCPOSTERIOR_RESUME";

  /**
   * What a run reuses of a dead run's work: the partitions whose part files it keeps in {@code
   * parts} (by Spark's partition number in the part file names), and a sentence for the console.
   */
  record Resumed(java.util.SortedSet<Integer> partitions, String note) {}

  private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("part-(\\d{5,9})-.*");

  /**
   * Records {@code key} (every setting that changes the results, the inputs' identity and the work
   * grid) in this run's temporary folder, then looks for a dead run with an equal key: its
   * finished part files in {@code parts} move into this run's folder, and their partitions are
   * returned to be skipped. Every dead run's folder is deleted afterwards. A dead run with another
   * key is not reused, and the note says which settings differ.
   *
   * @param resume false for {@code --no-resume}: nothing reused, dead runs' folders deleted
   */
  Resumed resume(java.util.SortedMap<String, String> key, String parts, boolean resume) throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    writeRaw(RESUME, json.writeValueAsString(key));
    java.util.SortedSet<Integer> done = new java.util.TreeSet<>();
    String note = null;
    for (Path dead : deadRuns) {
      if (!resume) {
        note = "an earlier run on this --out did not finish; its partial output " + dead + " is not reused (--no-resume)";
        break;
      }
      java.util.SortedMap<String, String> theirs = readKey(json, dead);
      if (theirs == null) {
        note = "an earlier run on this --out did not finish before it started scoring; starting fresh";
        continue;
      }
      if (!theirs.equals(key)) {
        note = "an earlier run on this --out did not finish, but its partial output is not reused, since it was"
            + " computed with other settings or inputs (" + difference(theirs, key) + "); starting fresh";
        continue;
      }
      Path from = RawFiles.child(dead, parts);
      if (RawFiles.isDirectory(fs, from)) {
        fs.delete(RawFiles.child(from, "_temporary"), true);
        fs.delete(RawFiles.child(from, "_SUCCESS"), false);
        FileContext.getFileContext(out.toUri(), fs.getConf()).rename(from, RawFiles.child(tmp, parts),
            Options.Rename.NONE);
        for (String name : RawFiles.names(fs, RawFiles.child(tmp, parts))) {
          java.util.regex.Matcher m = PART.matcher(name);
          if (m.matches()) {
            done.add(Integer.parseInt(m.group(1)));
          }
        }
      }
      note = "resuming the earlier run that did not finish on this --out with the same settings and inputs: "
          + done.size() + " finished partitions reused";
      break;
    }
    dropDeadRuns(done.isEmpty() ? "not resumed from" : "its finished partitions were moved into this run's output");
    return new Resumed(done, note);
  }

  private java.util.SortedMap<String, String> readKey(com.fasterxml.jackson.databind.ObjectMapper json, Path dead) {
    try (java.io.InputStream in = RawFiles.open(fs, RawFiles.child(dead, RESUME))) {
      java.util.SortedMap<String, String> m = new java.util.TreeMap<>();
      json.readTree(in.readNBytes(1 << 20)).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
      return m;
    } catch (IOException | RuntimeException e) {
      return null; // no key, or not one: nothing to resume from
    }
  }

  private static String difference(java.util.SortedMap<String, String> theirs, java.util.SortedMap<String, String> ours) {
    java.util.List<String> diffs = new java.util.ArrayList<>();
    java.util.SortedSet<String> keys = new java.util.TreeSet<>(theirs.keySet());
    keys.addAll(ours.keySet());
    for (String k : keys) {
      String a = theirs.get(k), b = ours.get(k);
      if (!java.util.Objects.equals(a, b)) {
        diffs.add(k + (a != null && b != null && a.length() + b.length() < 80 ? " " + a + " -> " + b : " differs"));
      }
    }
    return String.join(", ", diffs);
  }

  /** Deletes the dead runs' temporary folders still kept (after a resume decision). */
  void dropDeadRuns(String why) throws IOException {
    Leftovers.delete(fs, deadRuns, why);
    deadRuns = List.of();
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
      throw underAFile(outArg, parent);
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
      OutputClaim.Holder h;
      try {
        h = OutputClaim.holder(fs, out).orElse(null);
      } catch (OutputClaim.NotAClaimException e) {
        removeCreated(fs, created, null);
        throw e;
      }
      if (h == null) {
        continue; // released between the two looks: try again
      }
      if (OutputClaim.alive(fs, out, h)) {
        removeCreated(fs, created, null);
        throw claimedByLiveRun(outArg, out, h);
      }
      Leftovers.recoverDeadRun(fs, out, h);
    }
    throw new IOException("cannot claim " + out + ": its claim file keeps changing under this run");
  }

  /** Where the run writes; a path string Spark's writers accept. */
  /** This run's id (a UUID), as its claim and marker record it. */
  String runId() {
    return claim.self().runId();
  }

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
   * @throws JobInputException when something else appeared at {@code --out} during the run, or
   *     the claim was taken away; nothing at {@code --out} is changed then
   */
  void commit() throws IOException {
    commit(org.mcposterior.spark.RunObserver.NONE);
  }

  /** {@link #commit()}, telling {@code observer} when the output and manifest are written, before anything is checked. */
  void commit(org.mcposterior.spark.RunObserver observer) throws IOException {
    RunManifest manifest = RunManifest.of(fs, tmp, claim.self().runId(), command, java.util.Set.of(MARKER, RESUME));
    manifest.write(fs, tmp);
    observer.beforeCommit();
    if (!claim.stillOurs()) {
      throw new JobInputException("the claim " + OutputClaim.fileOf(out) + " on --out was removed or taken by"
          + " another run while this one was going; this run's output was discarded and nothing at " + out
          + " was changed; rerun when no other run writes there");
    }
    boolean now = RawFiles.exists(fs, out);
    if (previous == null && !previousWasEmpty && now) {
      throw new JobInputException("--out " + out + " appeared while this run was going (made by something"
          + " other than this run); it was left as it is and this run's output was discarded: choose another --out,"
          + " or pass --overwrite to replace an earlier mcposterior output");
    }
    if ((previous != null || previousWasEmpty) && !unchanged(now)) {
      throw new JobInputException("--out " + out + " changed while this run was going; --overwrite replaces only"
          + " the output seen when the run started, so it was left as it is and this run's output was discarded");
    }
    FileContext fc = FileContext.getFileContext(out.toUri(), fs.getConf());
    Path old = null;
    if (now) {
      old = UserPaths.sibling(out, ".old-" + claim.self().runId());
      fc.rename(out, old, Options.Rename.NONE);
    }
    try {
      fs.delete(RawFiles.child(tmp, RESUME), false);
      fs.delete(RawFiles.child(tmp, MARKER), false);
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

  /** Whether {@code --out} is still what the run was allowed to replace: the same output, or an empty folder. */
  private boolean unchanged(boolean exists) throws IOException {
    if (!exists || !RawFiles.isDirectory(fs, out)) {
      return false;
    }
    if (previousWasEmpty) {
      return RawFiles.isEmptyFolder(fs, out);
    }
    RunManifest.Check c = RunManifest.check(fs, out);
    return c.valid() && c.manifest().runId().equals(previous.runId());
  }

  /**
   * Deletes the temporary output of a failed run and the folders it made above {@code --out}; the
   * previous output is untouched. A failure to clean up is attached to {@code cause}, the run's own
   * failure, which the caller rethrows.
   */
  void abort(Throwable cause) {
    if (SHUTTING_DOWN.get()) {
      LOG.warn("the run was stopped; its temporary output {} is kept, so that the same command run again resumes"
          + " from the partitions it finished", tmp);
      return;
    }
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
