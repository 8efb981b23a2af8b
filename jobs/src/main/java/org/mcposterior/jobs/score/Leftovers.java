package org.mcposterior.jobs.score;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.mcposterior.spark.RawFiles;
import org.mcposterior.spark.RunFormat;
import org.mcposterior.spark.RunManifest;
import org.mcposterior.spark.UnsupportedFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs that did not finish left beside {@code --out}, recognised by the next run on the same
 * {@code --out} (DESIGN.md, invariant 8). Only paths named by a validated run id are touched:
 * {@code <out>.old-<run>} of a dead claim's run (its moved-aside earlier output: put back, or
 * removed once a newer output is in place and it still matches its manifest), and
 * {@code <out>.tmp-<run>} folders whose marker file names that same run id, or whose manifest does
 * (a run killed inside its commit). Those temporary folders are a dead run's work: the scoring
 * job may resume from them, other runs delete them. Anything else that looks like a leftover is
 * reported and left alone. Logs under {@link OutputDir}'s logger, as the output protocol's other
 * steps do.
 */
final class Leftovers {
  private static final Logger LOG = LoggerFactory.getLogger(OutputDir.class);

  private Leftovers() {}

  /** Undoes a dead run's interrupted swap ({@code <out>.old-<run>}), then removes its claim file. */
  static void recoverDeadRun(FileSystem fs, Path out, OutputClaim.Holder h) throws IOException {
    Path old = UserPaths.sibling(out, ".old-" + h.runId()); // h.runId() is validated: a UUID, no path characters
    if (RawFiles.isDirectory(fs, old)) {
      if (!RawFiles.exists(fs, out)) {
        FileContext.getFileContext(out.toUri(), fs.getConf()).rename(old, out, Options.Rename.NONE);
        LOG.warn("a dead run ({}) had moved the previous output aside: put back at {}", h.describe(), out);
      } else if (RunManifest.check(fs, old).valid()) {
        fs.delete(old, true);
        LOG.warn("a dead run ({}) had replaced {}: removed the previous output it left at {}", h.describe(), out, old);
      } else {
        LOG.warn("a dead run ({}) left {}, which no longer matches its manifest, so it is left alone: look at it and"
            + " delete it if it is not needed", h.describe(), old);
      }
    }
    OutputClaim.removeStale(fs, out, h);
  }

  /**
   * The temporary folders of dead runs beside {@code out} (not {@code self}'s), newest first:
   * {@code <out>.tmp-<run>}, a folder (not a link), holding the marker that names {@code <run>}
   * or a valid manifest of {@code <run>}. Other {@code <out>.tmp-*} and {@code <out>.old-*} entries
   * are reported and left alone. Call only while holding the claim on {@code out}: then no live
   * run writes any of them.
   */
  static List<Path> deadRunFolders(FileSystem fs, Path out, String self) throws IOException {
    List<Path> found = new ArrayList<>();
    String prefix = out.getName();
    for (Path p : siblings(fs, out)) {
      String name = p.getName();
      boolean tmp = name.startsWith(prefix + ".tmp-");
      boolean old = name.startsWith(prefix + ".old-");
      if (!tmp && !old) {
        continue;
      }
      String run = name.substring(prefix.length() + 5);
      if (run.equals(self)) {
        continue;
      }
      if (tmp && RunManifest.RUN_ID.matcher(run).matches() && RawFiles.isDirectory(fs, p) && ownedBy(fs, p, run)) {
        found.add(p);
      } else {
        LOG.warn("{} looks like something an earlier run left beside --out, but no claim or marker shows which run"
            + " made it, so it is left alone: delete it if nothing is writing it", p);
      }
    }
    found.sort(Comparator.comparingLong((Path p) -> mtime(fs, p)).reversed());
    return found;
  }

  /** Deletes dead runs' temporary folders found by {@link #deadRunFolders}. */
  static void delete(FileSystem fs, List<Path> deadRunFolders, String why) throws IOException {
    for (Path p : deadRunFolders) {
      fs.delete(p, true);
      LOG.info("removed the temporary output {} of an earlier run that did not finish ({})", p, why);
    }
  }

  /** Whether {@code dir}'s marker, or else its manifest, names {@code run}. */
  static boolean ownedBy(FileSystem fs, Path dir, String run) throws IOException {
    Path marker = RawFiles.child(dir, OutputDir.MARKER);
    if (RawFiles.exists(fs, marker)) {
      byte[] b = RawFiles.readBelow(fs, marker, 256);
      return b != null && markerNames(new String(b, StandardCharsets.UTF_8), run, marker);
    }
    RunManifest.Check c = RunManifest.check(fs, dir);
    return c.valid() && c.manifest().runId().equals(run);
  }

  /**
   * Whether a marker's text names {@code run}: this build's marker ({@link OutputDir#markerText}),
   * or one from before markers had a format version ({@code run=<id>} alone, read as version 1). A
   * marker of a newer format ({@link RunFormat#MARKER}) is a newer mcposterior's: not ours to
   * touch, so its folder is left alone, and the log says why.
   */
  static boolean markerNames(String text, String run, Path marker) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(RunFormat.MARKER.field() + "=([0-9]{1,9})\n.*",
        java.util.regex.Pattern.DOTALL).matcher(text);
    if (m.matches()) {
      try {
        RunFormat.MARKER.checkText("the marker " + marker, m.group(1));
      } catch (UnsupportedFormatException e) {
        LOG.warn("{}; its folder is left alone", e.getMessage());
        return false;
      }
    }
    return text.equals(OutputDir.markerText(run)) || text.equals("run=" + run + "\n");
  }

  private static long mtime(FileSystem fs, Path p) {
    try {
      return fs.getFileStatus(p).getModificationTime();
    } catch (IOException e) {
      return 0;
    }
  }

  /** The entries beside {@code --out} whose names start with its name and a dot. */
  private static List<Path> siblings(FileSystem fs, Path out) throws IOException {
    String prefix = out.getName() + ".";
    List<Path> found = new ArrayList<>();
    for (String name : RawFiles.names(fs, out.getParent())) {
      if (name.startsWith(prefix)) {
        found.add(UserPaths.sibling(out, name.substring(out.getName().length())));
      }
    }
    return found;
  }
}
