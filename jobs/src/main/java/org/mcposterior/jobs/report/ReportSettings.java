package org.mcposterior.jobs.report;

import java.util.List;
import org.mcposterior.jobs.score.JobSettingsException;

/**
 * What one {@code report} run is told, validated when built.
 *
 * @param scores the {@code --out} folder of a {@code score} run
 * @param out the HTML file to write
 * @param overwrite replace an existing {@code out}
 * @param labelColumn the pool's integer label column, or null when the pool has no labels
 * @param inputShape per-example image shape {@code C,H,W} or {@code H,W} to draw the picks, or empty
 *     (then the run's own {@code --input-shape}, if it was an image shape)
 * @param tableRows rows of the top-k table
 * @param picks top picks whose posterior histograms are drawn
 * @param bins histogram bins
 * @param master Spark master when not run by spark-submit, or null
 */
public record ReportSettings(String scores, String out, boolean overwrite, String labelColumn, List<Integer> inputShape,
    int tableRows, int picks, int bins, String master) {

  public ReportSettings {
    require(scores != null && !scores.isBlank(), "--scores is required: the --out folder of a score run");
    require(out != null && !out.isBlank(), "--out is required: the HTML file to write, e.g. report.html");
    inputShape = inputShape == null ? List.of() : List.copyOf(inputShape);
    require(inputShape.isEmpty() || inputShape.size() == 2 || inputShape.size() == 3,
        "--input-shape " + inputShape + " is not an image shape; expected C,H,W (e.g. 1,28,28) or H,W");
    for (int d : inputShape) {
      require(d > 0, "--input-shape " + inputShape + " has a non-positive dimension; expected e.g. 1,28,28");
    }
    require(tableRows >= 1 && tableRows <= 10_000, "--table-rows = " + tableRows + "; expected 1 to 10000");
    require(picks >= 0 && picks <= 200, "--picks = " + picks + "; expected 0 to 200");
    require(bins >= 2 && bins <= 1000, "--bins = " + bins + "; expected 2 to 1000");
    require(labelColumn == null || !labelColumn.isBlank(), "--label-col must name the pool's label column");
  }

  /** Defaults for a report of {@code scores} written to {@code out}. */
  public static ReportSettings of(String scores, String out, boolean overwrite, String labelColumn, List<Integer> inputShape) {
    return new ReportSettings(scores, out, overwrite, labelColumn, inputShape, 50, 20, 50, null);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new JobSettingsException(message);
    }
  }
}
