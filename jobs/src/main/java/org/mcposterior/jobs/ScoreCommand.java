package org.mcposterior.jobs;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.jobs.score.ScoreJob;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.spark.ScorerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code score}: the distributed scoring job over an unlabeled pool. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
    modelTransformer = ScoreCommand.Options.class,
    description = {"Sample the MC posterior of every example of a pool with a DL4J or ONNX model, score it (BALD, entropy,"
        + " variance, margin, certainty) and pick the top-k to label.",
        "Runs on the Spark master given by spark-submit, --master, or local[*]. Writes <out>/scores (Parquet),"
            + " <out>/top_k (Parquet, and JSON lines in top_k_json) and <out>/summary.json, all at once when complete."})
public final class ScoreCommand implements Callable<Integer> {

  /** Gives the command an option per declared setting: the run's, then the scorer's. */
  static final class Options implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      SettingOptions.add(spec, ScoreSettings.DECLARED);
      return SettingOptions.add(spec, ScorerSettings.DECLARED);
    }
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--report", description = "Also write the run's HTML report to this file (see the report command).")
  String report;

  /** The validated settings the command line gives. */
  public ScoreSettings settings() {
    ScoreSettings.Builder b = ScoreSettings.builder();
    SettingOptions.given(spec, ScoreSettings.DECLARED, b::set);
    SettingOptions.given(spec, ScorerSettings.DECLARED, b::set);
    return b.build();
  }

  /** The entry point that ran this command, which carries the run's observer ({@link Main#runAndExit}). */
  @picocli.CommandLine.ParentCommand
  Main main;

  @Override
  public Integer call() throws Exception {
    ScoreSettings s = settings();
    String out = s.out();
    String model = s.model();
    String pool = s.pool();
    String target = s.target();
    boolean overwrite = s.overwrite();
    String master = s.master();
    List<Integer> inputShape = s.scorer().inputShape();
    org.mcposterior.spark.Preflight.check(s.scorer(), s.topK(), master, 0, 0); // sizes, before the session starts
    var reportSettings = report == null ? null : org.mcposterior.jobs.report.ReportSettings.of(out, report, overwrite,
        null, inputShape.size() == 2 || inputShape.size() == 3 ? inputShape : null);
    if (report != null) {
      java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
      inputs.put("--out", out);
      inputs.put("--model", model);
      inputs.put("--pool", pool);
      inputs.put("--target", target);
      org.mcposterior.jobs.report.ReportFile.checkOutside(java.nio.file.Path.of(report), inputs);
      org.mcposterior.jobs.report.ReportFile.check(java.nio.file.Path.of(report), overwrite); // before any work
    }
    java.util.Map<String, String> outInputs = new java.util.LinkedHashMap<>();
    outInputs.put("--model", model);
    outInputs.put("--pool", pool);
    outInputs.put("--target", target);
    org.mcposterior.jobs.score.ScoringParts.precheckOutput(out, overwrite, outInputs); // before Spark starts
    try (CommandSession session = CommandSession.open("mcposterior score", master)) {
      SparkSession spark = session.spark();
      var summary = ScoreJob.run(spark, s, main == null ? org.mcposterior.spark.RunObserver.NONE : main.observer());
      System.out.println("mcposterior score: " + ((java.util.Map<?, ?>) summary.get("counts")).get("scored")
          + " examples scored, top " + s.topK() + " by " + s.scorer().heuristic() + " written to " + out);
      if (report != null) {
        var r = org.mcposterior.jobs.report.ReportJob.run(spark, reportSettings);
        System.out.printf(Locale.ROOT, "mcposterior score: report %s made in %.1f s%n", r.out(), r.seconds());
      }
      return 0;
    }
  }
}
