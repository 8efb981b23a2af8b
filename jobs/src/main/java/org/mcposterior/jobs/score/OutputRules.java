package org.mcposterior.jobs.score;

import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a run may write (DESIGN.md, invariant 8), checked before it claims {@code --out}: never at,
 * inside or around one of its inputs (nor, with {@code --overwrite}, around the working
 * directory), and over an existing {@code --out} only with {@code --overwrite} and only when that
 * is an earlier mcposterior output (it holds {@link OutputDir#SUMMARY}) or an empty folder.
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
        throw new InvalidSettingsException("--out " + outArg + " " + relation + " " + in.getKey() + " " + in.getValue()
            + "; a run never writes where its inputs are (with --overwrite it would replace them): choose an --out"
            + " outside every input");
      }
    }
    if (overwrite && "file".equals(out.toUri().getScheme())) {
      Path cwd = UserPaths.canonical(new Path(new java.io.File("").getAbsoluteFile().toURI()), conf);
      if (UserPaths.within(cwd, out)) {
        throw new InvalidSettingsException("--out " + outArg + " is or holds the working directory " + cwd.toUri().getPath()
            + "; --overwrite would replace it: choose an --out below it, e.g. ./scores");
      }
    }
  }

  static void checkReplaceable(FileSystem fs, Path out, String outArg, boolean overwrite, FileStatus st)
      throws IOException {
    if (!overwrite) {
      throw new InvalidInputException("output " + outArg + " already exists; choose another --out, or pass"
          + " --overwrite to replace it once the new output is complete");
    }
    boolean emptyDir = st.isDirectory() && fs.listStatus(out).length == 0;
    if (!emptyDir && !(st.isDirectory() && fs.exists(new Path(out, OutputDir.SUMMARY)))) {
      throw new InvalidInputException("--out " + outArg + " exists and is not an mcposterior output (no " + OutputDir.SUMMARY
          + " in it); --overwrite replaces only the output of an earlier run: choose another --out");
    }
  }
}
