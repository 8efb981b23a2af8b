package org.mcposterior.jobs.learn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcposterior.heuristics.Heuristics;
import org.mcposterior.jobs.score.JobInputException;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.spark.Preflight;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.training.Predictions;
import org.mcposterior.training.TrainingSettings;

/**
 * Everything one {@code learn} run is told, validated when built (before any data is read or
 * any network trained; {@link JobSettingsException}, exit code 2) and written into the run's summary.
 *
 * @param data directory with Fashion-MNIST's four IDX files
 * @param out output directory (written whole at the end)
 * @param overwrite replace an existing {@code out} once the new output is complete
 * @param network mlp (784-512-512-10, dropout 0.5) or cnn (Gal et al. 2017)
 * @param posterior dropout (MC dropout) or dropconnect (trained and sampled with weight drop)
 * @param weightDrop DropConnect's weight-drop probability (only for dropconnect)
 * @param iterations T, stochastic passes per example when scoring and for the MC-mean evaluation
 * @param heuristics heuristics to run, one curve each
 * @param seeds seeds to run, each with its own pool, initial set and initial weights, shared by all heuristics
 * @param poolSize training images drawn into the pool
 * @param initial balanced initial labelled set
 * @param query examples labelled per step
 * @param steps query steps (the curve has {@code steps + 1} points)
 * @param testSize test images evaluated on (the first ones of the test set)
 * @param training optimiser, L2, epochs, minibatch and minimum minibatches per step
 * @param candidates batch_bald: BALD-ranked candidates resampled jointly (0: 10 x query)
 * @param master Spark master, or null for local[*]
 */
public record LearnSettings(Path data, Path out, boolean overwrite, String network, String posterior, double weightDrop,
    int iterations, List<String> heuristics, List<Long> seeds, int poolSize, int initial, int query, int steps,
    int testSize, TrainingSettings training, int candidates, String master) {

  public static final List<String> NETWORKS = List.of("mlp", "cnn");
  public static final List<String> POSTERIORS = List.of("dropout", "dropconnect");
  /** Fashion-MNIST's training and test set sizes. */
  public static final int TRAIN_IMAGES = 60_000, TEST_IMAGES = 10_000;
  /** Values per Fashion-MNIST image (28 x 28). */
  static final int FEATURES = 28 * 28;
  public static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

  public LearnSettings {
    require(data != null, "--data is required: the directory of Fashion-MNIST's IDX files");
    require(out != null, "--out is required: the output directory");
    network = lower(network);
    require(NETWORKS.contains(network), "--network " + network + " is not known; expected one of " + NETWORKS);
    posterior = lower(posterior);
    require(POSTERIORS.contains(posterior), "--posterior " + posterior + " is not known; expected one of " + POSTERIORS);
    require(!posterior.equals("dropconnect") || (weightDrop > 0 && weightDrop < 1), "--weight-drop = " + weightDrop
        + "; expected a weight-drop probability in (0, 1), e.g. 0.5");
    require(iterations >= 1, "--iterations = " + iterations + "; expected a positive number of stochastic passes, e.g. 20");
    require(heuristics != null && !heuristics.isEmpty(), "--heuristics is empty; expected e.g. random,bald");
    List<String> hs = new ArrayList<>();
    for (String h : heuristics) {
      String k = lower(h);
      require(Heuristics.NAMES.contains(k) && !Heuristics.needsTarget(k), "--heuristics: '" + h + "' is not a heuristic learn can"
          + " run; expected some of " + Heuristics.NAMES.stream().filter(n -> !Heuristics.needsTarget(n)).toList()
          + " (comma-separated, e.g. random,bald)");
      require(!hs.contains(k), "--heuristics names " + k + " twice; name each once");
      hs.add(k);
    }
    heuristics = List.copyOf(hs);
    require(seeds != null && !seeds.isEmpty(), "--seeds is empty; expected e.g. 1,2,3");
    require(seeds.stream().distinct().count() == seeds.size(), "--seeds " + seeds + " repeats a seed; name each once");
    seeds = List.copyOf(seeds);
    require(poolSize >= 1 && poolSize <= TRAIN_IMAGES, "--pool-size = " + poolSize + "; expected 1 to " + TRAIN_IMAGES
        + " (Fashion-MNIST's training images)");
    require(initial >= 1 && initial <= poolSize, "--initial = " + initial + "; expected 1 to --pool-size (" + poolSize + ")");
    require(query >= 1, "--query = " + query + "; expected at least 1 example labelled per step, e.g. 20");
    require(steps >= 0, "--steps = " + steps + "; expected 0 or more query steps, e.g. 10");
    long needed = initial + (long) steps * query;
    require(needed <= poolSize, "--query " + query + " x --steps " + steps + " after --initial " + initial + " needs "
        + needed + " pool examples but --pool-size is " + poolSize + ": the last query would be larger than the pool"
        + " left; use a larger --pool-size or fewer --steps or a smaller --query");
    require(testSize >= 1 && testSize <= TEST_IMAGES, "--test-size = " + testSize + "; expected 1 to " + TEST_IMAGES);
    require(training != null, "training settings are required");
    require(candidates >= 0, "--candidates = " + candidates + "; expected 0 (10 x --query) or more");
    List<String> joint = heuristics.stream().filter(Heuristics::isJoint).toList();
    require(candidates == 0 || !joint.isEmpty(), "--candidates = " + candidates + " sets how many BALD-ranked"
        + " candidates batch_bald resamples, but --heuristics " + String.join(",", heuristics) + " has no joint"
        + " heuristic; drop --candidates, or add batch_bald to --heuristics");
    require(candidates == 0 || candidates >= query, "--candidates = " + candidates + " is below --query = " + query
        + ": " + String.join(" and ", joint) + " picks its " + query + " examples per step from the candidates, so it"
        + " needs at least " + query + "; expected --candidates " + query + " or more (or leave it out for 10 x"
        + " --query)");
    int evalChunk = Math.min(Predictions.CHUNK, testSize);
    long maxIterations = Preflight.MAX_ARRAY / ((long) evalChunk * LearnRun.CLASSES);
    require(iterations <= maxIterations, "--iterations = " + iterations + "; the MC-mean evaluation holds " + evalChunk
        + " test images x " + LearnRun.CLASSES + " classes x T samples in one Java array (at most 2^31 values):"
        + " expected 1 to " + maxIterations);
  }

  /**
   * Checks that the data files exist (before anything is read).
   *
   * @throws JobInputException naming the missing files and the fix
   */
  public void requireData() {
    List<String> missing = new ArrayList<>();
    for (String f : FILES) {
      if (!java.nio.file.Files.isRegularFile(data.resolve(f))) {
        missing.add(f);
      }
    }
    if (!missing.isEmpty()) {
      throw new JobInputException("--data " + data + " lacks the Fashion-MNIST file(s) " + String.join(", ", missing)
        + "; expected the four IDX files of Debian's dataset-fashion-mnist package (apt-get install"
        + " dataset-fashion-mnist puts them in /usr/share/datasets/fashion-mnist) or of zalandoresearch/fashion-mnist");
    }
  }

  /** The settings a run wrote into its summary ({@link #toMap}), with another output, heuristics and seeds. */
  @SuppressWarnings("unchecked")
  static LearnSettings fromMap(Map<String, Object> m, Path out, List<String> heuristics, List<Long> seeds) {
    Map<String, Object> t = (Map<String, Object>) m.get("training");
    Object wd = m.get("weight_drop");
    return new LearnSettings(Path.of((String) m.get("data")), out, false, (String) m.get("network"),
        (String) m.get("posterior"), wd == null ? 0.5 : ((Number) wd).doubleValue(), num(m, "iterations"), heuristics, seeds,
        num(m, "pool_size"), num(m, "initial"), num(m, "query"), num(m, "steps"), num(m, "test_size"),
        new TrainingSettings(((Number) t.get("learning_rate")).doubleValue(), ((Number) t.get("l2")).doubleValue(),
            num(t, "epochs"), num(t, "batch_size"), num(t, "min_batches")), num(m, "candidates"), null);
  }

  private static int num(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).intValue();
  }

  /**
   * How a step scores its unlabelled pool with {@code heuristic} (the score job's settings, one
   * declaration for the loop and for the checks before it): T iterations, the step's seed, MC
   * DropConnect on the dense layers for {@code --posterior dropconnect}, and the candidates for a
   * joint heuristic (the others rank every example and take none).
   */
  public ScorerSettings scorer(String heuristic, long seed) {
    return ScorerSettings.builder().iterations(iterations).seed(seed).heuristic(heuristic)
        .dropConnect(posterior.equals("dropconnect") ? weightDrop : Double.NaN, List.of("Linear"))
        .candidates(Heuristics.isJoint(heuristic) ? candidates : 0).build();
  }

  /**
   * Checks before any data is read or Spark starts that every step's scoring fits (its samples,
   * the batch and BatchBALD's candidates; see {@link Preflight}): the pool's images have
   * {@link #FEATURES} values and the network {@link LearnRun#CLASSES} outputs.
   */
  public void checkSizes() {
    for (String h : heuristics) {
      Preflight.check(scorer(h, 0), query, master, LearnRun.CLASSES, FEATURES);
    }
  }

  /** Labels after the last step: {@code initial + steps * query}. */
  public int budget() {
    return initial + steps * query;
  }

  /** These settings as an ordered map, for the run summary. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    // Absolute, so the summary names the same folders wherever it is read from.
    m.put("data", data.toAbsolutePath().normalize().toString());
    m.put("out", out.toAbsolutePath().normalize().toString());
    m.put("network", network);
    m.put("posterior", posterior);
    m.put("weight_drop", posterior.equals("dropconnect") ? weightDrop : null);
    m.put("iterations", iterations);
    m.put("heuristics", heuristics);
    m.put("seeds", seeds);
    m.put("pool_size", poolSize);
    m.put("initial", initial);
    m.put("query", query);
    m.put("steps", steps);
    m.put("test_size", testSize);
    m.put("training", training.toMap());
    m.put("candidates", candidates);
    return m;
  }

  private static String lower(String s) {
    return s == null ? "null" : s.trim().toLowerCase(Locale.ROOT);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new JobSettingsException(message);
    }
  }
}
