package org.mcposterior.jobs.learn;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.training.InvalidTrainingArgumentException;
import org.mcposterior.training.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code learn}: the active-learning loop on Fashion-MNIST, with learning curves per heuristic. */
@Command(name = "learn", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Active learning on Fashion-MNIST: per seed, draw a pool and a balanced initial labelled set; each"
        + " step train the network from the same initial weights on the labelled set, evaluate it on the test images"
        + " (dropout off, and the MC mean), score the unlabelled pool with the score job (Spark local mode) and label"
        + " the top --query by the heuristic.",
        "Writes <out>/summary.json (settings, curves: mean and sd over seeds, timings), <out>/steps.json and"
            + " <out>/steps (Parquet; one row per heuristic, seed and step) and <out>/curves.html, all at once when"
            + " complete."})
public final class LearnCommand implements Callable<Integer> {

  @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist",
      description = "Fashion-MNIST's IDX files (default ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing --out once the new output is complete.")
  boolean overwrite;

  @Option(names = "--network", defaultValue = "mlp", description = "mlp (784-512-512-10, dropout 0.5) or cnn (Gal et al."
      + " 2017) (default ${DEFAULT-VALUE}).")
  String network;

  @Option(names = "--posterior", defaultValue = "dropout", description = "dropout (MC dropout) or dropconnect (trained"
      + " and sampled with --weight-drop on the dense layers) (default ${DEFAULT-VALUE}).")
  String posterior;

  @Option(names = "--weight-drop", description = "DropConnect weight-drop probability, with --posterior dropconnect"
      + " (default " + DEFAULT_WEIGHT_DROP + ").")
  Double weightDrop;

  static final double DEFAULT_WEIGHT_DROP = 0.5;

  @Option(names = "--iterations", defaultValue = "20", description = "T: stochastic passes per example"
      + " (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--heuristics", split = ",", defaultValue = "random,bald,entropy,batch_bald,power_bald",
      description = "Heuristics, one curve each (default ${DEFAULT-VALUE}).")
  List<String> heuristics;

  @Option(names = "--seeds", split = ",", defaultValue = "1", description = "Seeds, comma-separated (default"
      + " ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--pool-size", defaultValue = "10000", description = "Training images in the pool (default"
      + " ${DEFAULT-VALUE}).")
  int poolSize;

  @Option(names = "--initial", defaultValue = "20", description = "Balanced initial labelled set (default ${DEFAULT-VALUE}).")
  int initial;

  @Option(names = "--query", defaultValue = "20", description = "Examples labelled per step (default ${DEFAULT-VALUE}).")
  int query;

  @Option(names = "--steps", defaultValue = "10", description = "Query steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--test-size", defaultValue = "10000", description = "Test images evaluated on (default"
      + " ${DEFAULT-VALUE}).")
  int testSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--l2", defaultValue = "5e-4", description = "L2 weight decay (default ${DEFAULT-VALUE}).")
  double l2;

  @Option(names = "--epochs", defaultValue = "50", description = "Epochs over the labelled set per step (default"
      + " ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "32", description = "Training minibatch (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--min-batches", defaultValue = "300", description = "At least this many minibatches per step"
      + " (default ${DEFAULT-VALUE}).")
  int minBatches;

  @Option(names = "--candidates", defaultValue = "0", description = "batch_bald: BALD-ranked candidates (default 10 x"
      + " --query).")
  int candidates;

  @Option(names = "--master", description = "Spark master (default local[*]).")
  String master;

  @Option(names = "--merge", split = ",", description = "Instead of running: combine these finished learn outputs"
      + " (same settings but seeds and heuristics) into --out, with curves over all their seeds.")
  List<Path> merge;

  /** The validated settings these options describe. */
  public LearnSettings settings() {
    TrainingSettings training;
    try {
      training = new TrainingSettings(learningRate, l2, epochs, batchSize, minBatches);
    } catch (InvalidTrainingArgumentException e) {
      throw new JobSettingsException("training options (--learning-rate, --l2, --epochs, --batch-size,"
          + " --min-batches): " + e.getMessage(), e);
    }
    // --weight-drop only means something for DropConnect; given with MC dropout it would be ignored.
    if (weightDrop != null && posterior != null && "dropout".equalsIgnoreCase(posterior.trim())) {
      throw new JobSettingsException("--weight-drop " + weightDrop + " is DropConnect's weight-drop probability,"
          + " but --posterior " + posterior + " samples the network's own dropout; drop --weight-drop, or pass"
          + " --posterior dropconnect");
    }
    return new LearnSettings(data, out, overwrite, network, posterior,
        weightDrop == null ? DEFAULT_WEIGHT_DROP : weightDrop, iterations, heuristics, seeds, poolSize, initial, query,
        steps, testSize, training, candidates, master);
  }

  @Override
  public Integer call() throws Exception {
    if (merge != null && !merge.isEmpty()) {
      LearnMerge.merge(merge, out, overwrite, System.out::println);
    } else {
      LearnSettings s = settings();
      s.checkSizes(); // before the data is read and Spark starts
      LearnJob.run(s, System.out::println);
    }
    return 0;
  }
}
