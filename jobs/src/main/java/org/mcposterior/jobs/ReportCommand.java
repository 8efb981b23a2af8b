package org.mcposterior.jobs;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mcposterior.jobs.report.ReportJob;
import org.mcposterior.jobs.report.ReportSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code report}: one self-contained HTML page of a scoring run. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write one self-contained HTML page (inline SVG, no network) of a score run: its summary, the"
        + " distribution of every score over the pool, the top picks with their posterior histograms (and images"
        + " with --input-shape), and with --label-col accuracy, calibration (ECE, reliability) and accuracy against"
        + " coverage."})
public final class ReportCommand implements Callable<Integer> {

  @Option(names = "--scores", required = true, description = "The --out folder of a score run.")
  String scores;

  @Option(names = "--out", required = true, description = "The HTML file to write, e.g. report.html.")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing --out file.")
  boolean overwrite;

  @Option(names = "--label-col", description = "The pool's integer label column (for accuracy and calibration).")
  String labelCol;

  @Option(names = "--input-shape", split = ",", description = "Draw the picks as images of this shape, e.g. 1,28,28"
      + " (default: the run's --input-shape when it is an image shape).")
  List<Integer> inputShape;

  @Option(names = "--table-rows", defaultValue = "50", description = "Rows of the top-k table (default ${DEFAULT-VALUE}).")
  int tableRows;

  @Option(names = "--picks", defaultValue = "20", description = "Picks whose posteriors are drawn (default ${DEFAULT-VALUE}).")
  int picks;

  @Option(names = "--bins", defaultValue = "50", description = "Histogram bins (default ${DEFAULT-VALUE}).")
  int bins;

  @Option(names = "--master", description = "Spark master when not run by spark-submit (default local[*]).")
  String master;

  @Override
  public Integer call() throws Exception {
    ReportSettings r = new ReportSettings(scores, out, overwrite, labelCol, inputShape, tableRows, picks, bins, master);
    try (CommandSession session = CommandSession.open("mcposterior report", master)) {
      ReportJob.Result res = ReportJob.run(session.spark(), r);
      System.out.printf(Locale.ROOT, "mcposterior report: %s (%d examples) made in %.1f s %s%n", res.out(), res.scored(),
          res.seconds(), res.timings());
      return 0;
    }
  }
}
