package org.mcposterior.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.jobs.sample.SampleJob;
import org.mcposterior.jobs.sample.SampleSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sample}: the full posterior of a few inputs, with the reference's histograms. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    modelTransformer = SampleCommand.Options.class,
    description = {"Sample the MC posterior [N, outputs, T] of a few inputs (or of the reference's ready-made examples)"
        + " and draw a 50-bin histogram of every output of every input.",
        "Writes <out>/samples (Parquet, one row per input), <out>/stats (Parquet: mean, sd, quantiles),"
            + " <out>/summary.json and <out>/posterior.html, all at once when complete."})
public final class SampleCommand implements Callable<Integer> {

  /** Gives the command an option per declared setting. */
  static final class Options implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      return SettingOptions.add(spec, SampleSettings.DECLARED);
    }
  }

  @Spec
  CommandSpec spec;

  /** The validated settings the command line gives. */
  public SampleSettings settings() {
    var b = SampleSettings.builder();
    SettingOptions.given(spec, SampleSettings.DECLARED, b::set);
    return b.build();
  }

  @Override
  public Integer call() throws Exception {
    SampleSettings s = settings();
    java.util.Map<String, String> outInputs = new java.util.LinkedHashMap<>();
    outInputs.put("--model", s.model());
    outInputs.put("--input", s.input());
    org.mcposterior.jobs.score.ScoringParts.precheckOutput(s.out(), s.overwrite(), outInputs); // before Spark starts
    try (CommandSession session = CommandSession.open("mcposterior sample", s.master())) {
      SparkSession spark = session.spark();
      SampleJob.Result r = SampleJob.run(spark, s);
      System.out.println("mcposterior sample: samples " + Arrays.toString(r.samples().shape()) + " written to " + s.out()
          + " (samples/, stats/, summary.json); histograms: "
          + java.nio.file.Path.of(s.out()).toAbsolutePath().resolve("posterior.html"));
      for (int i = 0; i < Math.min(8, r.ids().size()); i++) {
        StringBuilder line = new StringBuilder("  " + r.ids().get(i) + ":");
        for (var ps : r.stats().get(i)) {
          line.append(String.format(Locale.ROOT, "  mean %.4f sd %.4f [%.4f, %.4f]", ps.mean(), ps.sd(), ps.q025(),
              ps.q975()));
        }
        System.out.println(line);
      }
      return 0;
    }
  }
}
