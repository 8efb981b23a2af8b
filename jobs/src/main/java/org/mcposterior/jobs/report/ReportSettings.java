package org.mcposterior.jobs.report;

import java.util.List;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.settings.Setting;
import org.mcposterior.settings.SettingType;
import org.mcposterior.settings.SettingValues;
import org.mcposterior.settings.SettingsBuilder;

/**
 * What one {@code report} run is told ({@link #DECLARED}), validated when built.
 *
 * @param values one value per declared setting
 */
public record ReportSettings(SettingValues values) {

  public static final Setting<String> SCORES = Setting.of("scores", SettingType.STRING, null).option("--scores")
      .label("Score run").describe("The --out folder of a score run.")
      .check(v -> v != null && !v.isBlank(), v -> "--scores is required: the --out folder of a score run").build();
  public static final Setting<String> OUT = Setting.of("out", SettingType.STRING, null).option("--out")
      .label("Page").describe("The HTML file to write, e.g. report.html.")
      .check(v -> v != null && !v.isBlank(), v -> "--out is required: the HTML file to write, e.g. report.html")
      .build();
  public static final Setting<Boolean> OVERWRITE = ScoreSettings.OVERWRITE.describedAs("Replace an existing --out file.");
  public static final Setting<String> LABEL_COLUMN = Setting.of("label_col", SettingType.STRING, null)
      .option("--label-col").label("Label column").defaultText("")
      .describe("The pool's integer label column (for accuracy and calibration).")
      .check(v -> v == null || !v.isBlank(), v -> "--label-col must name the pool's label column").build();
  public static final Setting<List<Integer>> INPUT_SHAPE = Setting.of("input_shape", SettingType.INTS,
      List.<Integer>of()).option("--input-shape").label("Image shape").defaultText("")
      .describe("Draw the picks as images of this shape, e.g. 1,28,28 (default: the run's --input-shape when it is an"
          + " image shape).")
      .check(ReportSettings::shapeProblem).build();
  public static final Setting<Integer> TABLE_ROWS = Setting.of("table_rows", SettingType.INT, 50)
      .option("--table-rows").label("Table rows").describe("Rows of the top-k table.")
      .check(v -> v >= 1 && v <= 10_000, v -> "--table-rows = " + v + "; expected 1 to 10000").build();
  public static final Setting<Integer> PICKS = Setting.of("picks", SettingType.INT, 20).option("--picks")
      .label("Picks drawn").describe("Picks whose posteriors are drawn.")
      .check(v -> v >= 0 && v <= 200, v -> "--picks = " + v + "; expected 0 to 200").build();
  public static final Setting<Integer> BINS = Setting.of("bins", SettingType.INT, 50).option("--bins")
      .label("Histogram bins").describe("Histogram bins.")
      .check(v -> v >= 2 && v <= 1000, v -> "--bins = " + v + "; expected 2 to 1000").build();

  /** Every setting of a {@code report} run, in order. */
  public static final List<Setting<?>> DECLARED = List.of(SCORES, OUT, OVERWRITE, LABEL_COLUMN, INPUT_SHAPE,
      TABLE_ROWS, PICKS, BINS, ScoreSettings.MASTER);

  public ReportSettings {
    String problem = values == null ? "the settings are required" : values.firstProblem(DECLARED);
    if (problem != null) {
      throw new JobSettingsException(problem);
    }
  }

  private static String shapeProblem(List<Integer> shape) {
    if (!(shape.isEmpty() || shape.size() == 2 || shape.size() == 3)) {
      return "--input-shape " + shape + " is not an image shape; expected C,H,W (e.g. 1,28,28) or H,W";
    }
    return shape.stream().allMatch(d -> d > 0) ? null
        : "--input-shape " + shape + " has a non-positive dimension; expected e.g. 1,28,28";
  }

  /** Defaults for a report of {@code scores} written to {@code out}. */
  public static ReportSettings of(String scores, String out, boolean overwrite, String labelColumn,
      List<Integer> inputShape) {
    return builder().set(SCORES, scores).set(OUT, out).set(OVERWRITE, overwrite).set(LABEL_COLUMN, labelColumn)
        .set(INPUT_SHAPE, inputShape == null ? List.of() : List.copyOf(inputShape)).build();
  }

  public static SettingsBuilder<ReportSettings> builder() {
    return SettingsBuilder.of(DECLARED, ReportSettings::new);
  }

  /** The {@code --out} folder of the score run. */
  public String scores() {
    return values.get(SCORES);
  }

  /** The HTML file to write. */
  public String out() {
    return values.get(OUT);
  }

  public boolean overwrite() {
    return values.get(OVERWRITE);
  }

  /** The pool's integer label column, or null when the pool has no labels. */
  public String labelColumn() {
    return values.get(LABEL_COLUMN);
  }

  /** Image shape {@code C,H,W} or {@code H,W} to draw the picks, or empty (the run's own, if an image shape). */
  public List<Integer> inputShape() {
    return values.get(INPUT_SHAPE);
  }

  public int tableRows() {
    return values.get(TABLE_ROWS);
  }

  public int picks() {
    return values.get(PICKS);
  }

  public int bins() {
    return values.get(BINS);
  }

  /** Spark master when not run by spark-submit, or null. */
  public String master() {
    return values.get(ScoreSettings.MASTER);
  }
}
