package org.mcposterior.jobs.score;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs that did not finish left beside {@code --out}, recognised and cleaned by the next run
 * on the same {@code --out} (DESIGN.md, invariant 8): a dead run's moved-aside old output is put
 * back (or removed, when a new output is in place), and a temporary folder is deleted only when it
 * carries a run's {@link OutputDir#MARKER}; anything else is reported and left alone. Logs under
 * {@link OutputDir}'s logger, as the output protocol's other steps do.
 */
final class Leftovers {
  private static final Logger LOG = LoggerFactory.getLogger(OutputDir.class);

  private Leftovers() {}

  /** Undoes what a dead run (one that left its claim) left behind, then removes its claim. */
  static void recoverDeadRun(FileSystem fs, Path out, OutputClaim.Holder h) throws IOException {
    if (h != null) {
      Path old = UserPaths.sibling(out, ".old-" + h.runId());
      Path tmp = UserPaths.sibling(out, ".tmp-" + h.runId());
      if (fs.exists(old)) {
        if (!fs.exists(out)) {
          FileContext.getFileContext(out.toUri(), fs.getConf()).rename(old, out, Options.Rename.NONE);
          LOG.warn("a dead run ({}) had moved the previous output aside: put back at {}", h.describe(), out);
        } else {
          fs.delete(old, true);
          LOG.warn("a dead run ({}) had replaced {}: removed the previous output it left at {}", h.describe(), out, old);
        }
      }
      if (fs.exists(new Path(tmp, OutputDir.MARKER))) {
        fs.delete(tmp, true);
        LOG.warn("removed the temporary output {} of a dead run ({})", tmp, h.describe());
      }
    }
    OutputClaim.removeStale(fs, out);
  }

  /**
   * Temporary folders of runs that died before the claim format existed or after their claim was
   * gone ({@code <out>.tmp-*}, other than this run's {@code tmp}): deleted when they carry a run's
   * marker, reported otherwise.
   */
  static void clean(FileSystem fs, Path out, Path tmp) throws IOException {
    for (Path leftover : siblings(fs, out, ".tmp-")) {
      if (leftover.getName().equals(tmp.getName())) {
        continue;
      }
      if (fs.getFileStatus(leftover).isDirectory() && fs.exists(new Path(leftover, OutputDir.MARKER))) {
        fs.delete(leftover, true);
        LOG.warn("removed the temporary output {} of an earlier run that did not finish", leftover);
      } else {
        LOG.warn("{} looks like the temporary output of an earlier run that did not finish (it has no {} marker, so"
            + " it is left alone): delete it if nothing is writing it", leftover, OutputDir.MARKER);
      }
    }
  }

  /**
   * The entries beside {@code --out} named {@code <out><infix>...}. On the local file system they
   * are listed with java.nio: Hadoop's listing builds a path from every name in the folder and
   * fails on a name with a colon.
   */
  private static List<Path> siblings(FileSystem fs, Path out, String infix) throws IOException {
    String prefix = out.getName() + infix;
    List<Path> found = new ArrayList<>();
    if (OutputClaim.isLocal(fs)) {
      try (var entries = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of(out.getParent().toUri()))) {
        for (java.nio.file.Path e : entries) {
          if (e.getFileName().toString().startsWith(prefix)) {
            found.add(new Path(e.toUri()));
          }
        }
      }
    } else {
      for (FileStatus st : fs.listStatus(out.getParent())) {
        if (st.getPath().getName().startsWith(prefix)) {
          found.add(st.getPath());
        }
      }
    }
    return found;
  }
}
