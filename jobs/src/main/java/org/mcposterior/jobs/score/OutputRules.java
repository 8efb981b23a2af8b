package org.mcposterior.jobs.score;

import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mcposterior.spark.RawFiles;
import org.mcposterior.spark.RunManifest;

/**
 * Where a run may write (DESIGN.md, invariant 8), checked before it claims {@code --out}: never at,
 * inside or around one of its inputs (nor, with {@code --overwrite}, around the working
 * directory), and over an existing {@code --out} only with {@code --overwrite} and only when that
 * is an earlier mcposterior output (its {@link RunManifest} valid and matching its content exactly)
 * or an empty folder.
 */
final class OutputRules {
  private OutputRules() {}

  static void refuseOverlaps(String outArg, Path out, boolean overwrite, Map<String, String> inputs,
      Configuration conf) throws IOException {
    for (Map.Entry<String, String> in : inputs.entrySet()) {
      if (in.getValue() == null) {
        continue;
      }
      Path input = UserPaths.canonical(UserPaths.parse(in.getKey(), in.getValue()), conf);
      String relation = UserPaths.within(out, input) ? (UserPaths.within(input, out) ? "is" : "lies inside")
          : UserPaths.within(input, out) ? "holds" : null;
      if (relation != null) {
        throw new JobSettingsException("--out " + outArg + " " + relation + " " + in.getKey() + " " + in.getValue()
            + "; a run never writes where its inputs are (with --overwrite it would replace them): choose an --out"
            + " outside every input");
      }
    }
    if (overwrite && "file".equals(out.toUri().getScheme())) {
      Path cwd = UserPaths.canonical(new Path(new java.io.File("").getAbsoluteFile().toURI()), conf);
      if (UserPaths.within(cwd, out)) {
        throw new JobSettingsException("--out " + outArg + " is or holds the working directory " + cwd.toUri().getPath()
            + "; --overwrite would replace it: choose an --out below it, e.g. ./scores");
      }
    }
  }

  /** What is at an existing {@code --out} that may be replaced: an earlier output's manifest, or an empty folder. */
  record Existing(RunManifest manifest, boolean empty) {}

  /**
   * Checks that the existing {@code out} may be replaced: only with {@code overwrite}, and only an
   * empty folder or an earlier mcposterior output whose manifest matches its content exactly.
   *
   * @throws JobInputException naming what is in the way
   */
  static Existing checkReplaceable(FileSystem fs, Path out, String outArg, boolean overwrite) throws IOException {
    if (!overwrite) {
      throw new JobInputException("output " + outArg + " already exists; choose another --out, or pass"
          + " --overwrite to replace it once the new output is complete");
    }
    if (!RawFiles.isDirectory(fs, out)) {
      throw new JobInputException("--out " + outArg + " exists and is not a folder, so it is not an mcposterior"
          + " output; --overwrite replaces only the output of an earlier run: choose another --out");
    }
    if (RawFiles.isEmptyFolder(fs, out)) {
      return new Existing(null, true);
    }
    RunManifest.Check c = RunManifest.check(fs, out);
    if (c.unsupported() != null) {
      throw c.unsupported(); // a newer mcposterior's output: that version may replace it
    }
    if (!c.valid()) {
      boolean noManifest = !RawFiles.exists(fs, RawFiles.child(out, RunManifest.FILE));
      throw new JobInputException("--out " + outArg + " exists and is not an mcposterior output as a run left it: "
          + c.problem() + "; --overwrite replaces only an earlier run's output exactly as that run wrote it, so"
          + " nothing was changed: " + (noManifest ? "choose another --out (a folder written before mcposterior kept"
          + " manifests cannot be told from a folder of yours: delete it yourself if it is one)"
          : "move what you added out of it, or choose another --out"));
    }
    return new Existing(c.manifest(), false);
  }
}
