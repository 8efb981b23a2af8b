package org.mcposterior.jobs;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.jobs.report.ReportJob;
import org.mcposterior.jobs.report.ReportSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code report}: one self-contained HTML page of a scoring run. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    modelTransformer = ReportCommand.Options.class,
    description = {"Write one self-contained HTML page (inline SVG, no network) of a score run: its summary, the"
        + " distribution of every score over the pool, the top picks with their posterior histograms (and images"
        + " with --input-shape), and with --label-col accuracy, calibration (ECE, reliability) and accuracy against"
        + " coverage."})
public final class ReportCommand implements Callable<Integer> {

  /** Gives the command an option per declared setting. */
  static final class Options implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      return SettingOptions.add(spec, ReportSettings.DECLARED);
    }
  }

  @Spec
  CommandSpec spec;

  /** The validated settings the command line gives. */
  public ReportSettings settings() {
    var b = ReportSettings.builder();
    SettingOptions.given(spec, ReportSettings.DECLARED, b::set);
    return b.build();
  }

  @Override
  public Integer call() throws Exception {
    ReportSettings r = settings();
    try (CommandSession session = CommandSession.open("mcposterior report", r.master())) {
      SparkSession spark = session.spark();
      ReportJob.Result res = ReportJob.run(spark, r);
      System.out.printf(Locale.ROOT, "mcposterior report: %s (%d examples) made in %.1f s %s%n", res.out(), res.scored(),
          res.seconds(), res.timings());
      return 0;
    }
  }
}
