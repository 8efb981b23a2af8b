package org.mcposterior.jobs.score;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a run's output elsewhere and swaps it in only when complete, so a failed run leaves no
 * partial output in {@code --out}, and a failed {@code --overwrite} rerun keeps the previous
 * output intact (Spark's own overwrite deletes the old output before the new job runs).
 *
 * <p>Everything is written to a sibling {@code <out>.tmp-<uuid>}; {@link #commit()} renames the
 * old output aside, renames the new one into place and deletes the old. On file systems with
 * atomic renames (local, HDFS) a reader sees either the old or the new output, never a mix.
 */
final class OutputDir {
  private final FileSystem fs;
  private final Path out;
  private final Path tmp;

  private OutputDir(FileSystem fs, Path out, Path tmp) {
    this.fs = fs;
    this.out = out;
    this.tmp = tmp;
  }

  /**
   * Checks the output can be written and picks the temporary location.
   *
   * @throws InvalidSettingsException when {@code out} exists and {@code overwrite} is false
   */
  static OutputDir prepare(String out, boolean overwrite, Configuration conf) {
    try {
      Path p = new Path(out);
      FileSystem fs = p.getFileSystem(conf);
      Path q = fs.makeQualified(p);
      if (fs.exists(q) && !overwrite) {
        throw new InvalidSettingsException("output " + out + " already exists; choose another --out, or pass"
            + " --overwrite to replace it once the new output is complete");
      }
      Path parent = q.getParent();
      if (parent != null && !fs.exists(parent)) {
        fs.mkdirs(parent);
      }
      return new OutputDir(fs, q, new Path(q.getParent(), q.getName() + ".tmp-" + UUID.randomUUID()));
    } catch (IOException e) {
      throw new InvalidSettingsException("cannot prepare output " + out + ": " + e.getMessage(), e);
    }
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

  /** Swaps the complete output into place. */
  void commit() throws IOException {
    Path old = null;
    if (fs.exists(out)) {
      old = new Path(out.getParent(), out.getName() + ".old-" + UUID.randomUUID());
      if (!fs.rename(out, old)) {
        throw new IOException("cannot move the previous output " + out + " aside to " + old);
      }
    }
    if (!fs.rename(tmp, out)) {
      if (old != null) {
        fs.rename(old, out);
      }
      throw new IOException("cannot move the new output " + tmp + " to " + out);
    }
    if (old != null) {
      fs.delete(old, true);
    }
  }

  /**
   * Deletes the temporary output of a failed run; the previous output is untouched. A failure to
   * delete is attached to {@code cause}, the run's own failure, which the caller rethrows.
   */
  void abort(Throwable cause) {
    try {
      fs.delete(tmp, true);
    } catch (IOException e) {
      cause.addSuppressed(new IOException("could not delete the temporary output " + tmp, e));
    }
  }
}
