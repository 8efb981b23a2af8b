package org.mcposterior.jobs.learn;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.jobs.SettingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code learn}: the active-learning loop on Fashion-MNIST, with learning curves per heuristic. */
@Command(name = "learn", mixinStandardHelpOptions = true, sortOptions = false,
    modelTransformer = LearnCommand.Options.class,
    description = {"Active learning on Fashion-MNIST: per seed, draw a pool and a balanced initial labelled set; each"
        + " step train the network from the same initial weights on the labelled set, evaluate it on the test images"
        + " (dropout off, and the MC mean), score the unlabelled pool with the score job (Spark local mode) and label"
        + " the top --query by the heuristic.",
        "Writes <out>/summary.json (settings, curves: mean and sd over seeds, timings), <out>/steps.json and"
            + " <out>/steps (Parquet; one row per heuristic, seed and step) and <out>/curves.html, all at once when"
            + " complete."})
public final class LearnCommand implements Callable<Integer> {

  /** Gives the command an option per declared setting. */
  static final class Options implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      return SettingOptions.add(spec, LearnSettings.DECLARED);
    }
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--merge", split = ",", description = "Instead of running: combine these finished learn outputs"
      + " (same settings but seeds and heuristics) into --out, with curves over all their seeds.")
  List<Path> merge;

  /** The validated settings the command line gives. */
  public LearnSettings settings() {
    var b = LearnSettings.builder();
    SettingOptions.given(spec, LearnSettings.DECLARED, b::set);
    return b.build();
  }

  @Override
  public Integer call() throws Exception {
    if (merge != null && !merge.isEmpty()) {
      String out = spec.commandLine().getParseResult().matchedOptionValue("--out", null);
      if (out == null) {
        throw new JobSettingsException("--out is required: the output directory");
      }
      LearnMerge.merge(merge, Path.of(out), spec.commandLine().getParseResult().hasMatchedOption("--overwrite"),
          System.out::println);
    } else {
      LearnSettings s = settings();
      s.checkSizes(); // before the data is read and Spark starts
      LearnJob.run(s, System.out::println);
    }
    return 0;
  }
}
