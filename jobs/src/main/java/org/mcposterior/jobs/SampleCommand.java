package org.mcposterior.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mcposterior.jobs.sample.SampleJob;
import org.mcposterior.jobs.sample.SampleSettings;
import org.mcposterior.randomness.MaskMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sample}: the full posterior of a few inputs, with the reference's histograms. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Sample the MC posterior [N, outputs, T] of a few inputs (or of the reference's ready-made examples)"
        + " and draw a 50-bin histogram of every output of every input.",
        "Writes <out>/samples (Parquet, one row per input), <out>/stats (Parquet: mean, sd, quantiles),"
            + " <out>/summary.json and <out>/posterior.html, all at once when complete."})
public final class SampleCommand implements Callable<Integer> {

  @Option(names = "--example", description = "A reference example instead of --model/--input: mc-dropout (Dense 10-8-4-2,"
      + " 8 x 10 input) or dropconnect (Conv2d 3->8 k10 + Linear, DropConnect 0.9, one 3x10x10 image of 1/255).")
  String example;

  @Option(names = "--model", description = "DL4J model zip (local path or Hadoop URI).")
  String model;

  @Option(names = "--input", description = "The inputs: a Parquet, CSV or JSON file or directory of rows.")
  String input;

  @Option(names = "--out", required = true, description = "Output directory.")
  String out;

  @Option(names = "--format", description = "Input format: parquet, csv or json (default: from the file name, else parquet).")
  String format;

  @Option(names = "--id-col", defaultValue = "id", description = "Unique id column (default ${DEFAULT-VALUE}).")
  String idCol;

  @Option(names = "--features-col", description = "Features column: array<float|double> or ML vector (default features).")
  String featuresCol;

  @Option(names = "--feature-cols", split = ",", description = "Numeric columns forming the features, in order.")
  List<String> featureCols;

  @Option(names = "--input-shape", split = ",", description = "Per-example shape of the features, e.g. 3,10,10.")
  List<Integer> inputShape;

  @Option(names = "--iterations", defaultValue = "10000", description = "Stochastic passes per input (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--seed", defaultValue = "0", description = "Master seed of the masks (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--mode", defaultValue = "independent", converter = ScoreCommand.MaskModeConverter.class,
      description = "Masks: independent or consistent (default ${DEFAULT-VALUE}).")
  MaskMode mode;

  @Option(names = "--dropout", converter = ScoreCommand.DropProbabilityConverter.class,
      description = "Drop probability for every dropout (default: each layer's own).")
  Double dropout;

  @Option(names = "--dropconnect", converter = ScoreCommand.DropProbabilityConverter.class,
      description = "MC DropConnect weight-drop probability (default: off; 0.9 for --example dropconnect).")
  Double dropConnect;

  @Option(names = "--dropconnect-layers", split = ",", description = "Layer types for DropConnect (default Linear).")
  List<String> dropConnectLayers;

  @Option(names = "--bins", defaultValue = "50", description = "Histogram bins (default ${DEFAULT-VALUE}, as the reference).")
  int bins;

  @Option(names = "--overwrite", description = "Replace an existing --out once the new output is complete.")
  boolean overwrite;

  @Option(names = "--master", description = "Spark master (default local[*]).")
  String master;

  /** The validated settings these options describe. */
  public SampleSettings settings() {
    String f = format;
    if (f == null) {
      String lower = input == null ? "" : input.toLowerCase(Locale.ROOT);
      f = lower.endsWith(".csv") ? "csv" : lower.endsWith(".json") || lower.endsWith(".jsonl") ? "json" : "parquet";
    }
    return new SampleSettings(example, model, input, out, f, idCol, featuresCol, featureCols, inputShape, iterations,
        seed, mode, dropout == null ? Double.NaN : dropout, dropConnect == null ? Double.NaN : dropConnect,
        dropConnectLayers, overwrite, bins, 200_000_000L, master);
  }

  @Override
  public Integer call() throws Exception {
    SampleSettings s = settings();
    java.util.Map<String, String> outInputs = new java.util.LinkedHashMap<>();
    outInputs.put("--model", s.model());
    outInputs.put("--input", s.input());
    org.mcposterior.jobs.score.ScoringParts.precheckOutput(s.out(), s.overwrite(), outInputs); // before Spark starts
    try (CommandSession session = CommandSession.open("mcposterior sample", master)) {
      SampleJob.Result r = SampleJob.run(session.spark(), s);
      System.out.println("mcposterior sample: samples " + Arrays.toString(r.samples().shape()) + " written to " + out
          + " (samples/, stats/, summary.json); histograms: "
          + java.nio.file.Path.of(out).toAbsolutePath().resolve("posterior.html"));
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
