package org.mcposterior.jobs.learn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.jobs.FashionMnist;
import org.mcposterior.learning.ActiveLearningLoop;
import org.mcposterior.learning.ClassifierEvaluator;
import org.mcposterior.learning.Evaluation;
import org.mcposterior.learning.PoolExamples;
import org.mcposterior.learning.PoolTrainer;
import org.mcposterior.learning.Step;
import org.mcposterior.models.Network;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.training.ActivePool;
import org.mcposterior.training.Trainer;

/**
 * The active-learning runs of one {@code learn} run, for every seed and heuristic: core's loop
 * ({@link ActiveLearningLoop}) with core's trainer and evaluator, and a step scorer that queries
 * through the scoring API in Spark, in memory ({@link InMemoryPool}, {@link ApiStepScorer}).
 *
 * <ol>
 *   <li>per seed: draw the pool and the balanced initial set ({@link ActivePool#draw}) and the
 *       network's initial weights ({@link ReferenceNetworks}), shared by every heuristic, so the
 *       curves of one seed differ only by what their heuristic picked; broadcast the pool's images;
 *   <li>per step (core's loop): train from those initial weights on the labelled set, evaluate on
 *       the test images (deterministic and MC mean) and on the labelled set, then score the
 *       unlabelled rest of the pool through {@code PosteriorScorer} and label its top {@code query}
 *       by the heuristic (labels come from the data set).
 * </ol>
 *
 * <p>Seeds per step come from (seed, step) only ({@link org.mcposterior.learning.StepSeeds}), the
 * same for every heuristic. The MC-mean evaluation samples the same posterior as the query: the
 * scorer settings' {@code stochastic} view of the network.
 */
public final class LearnRun {
  static final int CLASSES = 10;

  private final LearnSettings s;
  private final SparkSession spark;
  private final Consumer<String> log;

  /** @param log progress lines */
  public LearnRun(LearnSettings settings, SparkSession spark, Consumer<String> log) {
    this.s = settings;
    this.spark = spark;
    this.log = log;
  }

  /** The data a run reads, loaded once. */
  public record Data(FashionMnist.Split train, FashionMnist.Split test) {
    public static Data load(LearnSettings s) throws IOException {
      return new Data(FashionMnist.load(s.data(), true, LearnSettings.TRAIN_IMAGES), FashionMnist.load(s.data(), false,
          s.testSize()));
    }
  }

  /** One curve's steps and how long the whole curve took. */
  public record Curve(String heuristic, long seed, List<StepResult> steps, double seconds) {}

  /** Runs every seed and heuristic; curves in order seed-major, heuristic-minor. */
  public List<Curve> run(Data data) {
    List<Curve> curves = new ArrayList<>();
    for (long seed : s.seeds()) {
      ActivePool first = draw(data, seed);
      int[] all = new int[first.size()];
      for (int p = 0; p < all.length; p++) {
        all[p] = p;
      }
      Trainer trainer = Trainer.of(reference(seed), s.training(), s.posterior().equals("dropconnect") ? s.weightDrop()
          : Double.NaN);
      try (InMemoryPool pool = InMemoryPool.of(spark, new PoolExamples(first, data.train().images()).features(all))) {
        for (String h : s.heuristics()) {
          long t0 = System.nanoTime();
          List<StepResult> steps = curve(h, seed, trainer, pool, data);
          double secs = (System.nanoTime() - t0) / 1e9;
          StepResult last = steps.get(steps.size() - 1);
          log.accept(String.format(Locale.ROOT, "learn: %s seed %d: %d steps in %.1f s, test accuracy %.4f at %d labels",
              h, seed, s.steps(), secs, last.metric("test_accuracy"), last.labels()));
          curves.add(new Curve(h, seed, steps, secs));
        }
      }
    }
    return curves;
  }

  private ActivePool draw(Data data, long seed) {
    return ActivePool.draw(data.train().labels(), CLASSES, s.poolSize(), s.initial(), seed);
  }

  private MultiLayerNetwork reference(long seed) {
    return s.network().equals("cnn") ? ReferenceNetworks.cnn(seed) : ReferenceNetworks.mlp(seed);
  }

  /** One curve: core's loop on a fresh draw of the seed's pool, queried by {@code heuristic}. */
  private List<StepResult> curve(String heuristic, long seed, Trainer trainer, InMemoryPool pool, Data data) {
    ActivePool ap = draw(data, seed);
    PoolExamples examples = new PoolExamples(ap, data.train().images());
    ClassifierEvaluator evaluator = new ClassifierEvaluator(data.test().images(), data.test().labels(), s.iterations(),
        net -> s.scorer(heuristic, 0).stochastic(Network.of(net)), examples);
    ActiveLearningLoop<MultiLayerNetwork, Evaluation> loop = ActiveLearningLoop.of(
        new ActiveLearningLoop.Plan(s.steps(), s.query(), CLASSES), new PoolTrainer(trainer, examples), evaluator,
        pool.scorer(querySeed -> s.scorer(heuristic, querySeed)));
    List<StepResult> steps = new ArrayList<>();
    for (Step<Evaluation> st : loop.run(ap, seed, st -> log(heuristic, seed, st))) {
      steps.add(new StepResult(heuristic, seed, st));
    }
    return steps;
  }

  private void log(String heuristic, long seed, Step<Evaluation> st) {
    Evaluation e = st.evaluation();
    log.accept(String.format(Locale.ROOT, "learn: %s seed %d step %d: %d labels, test accuracy %.4f (MC %.4f),"
        + " labelled-set accuracy %.3f; train %.1f s (%d minibatches), eval %.1f s, score %.1f s", heuristic, seed,
        st.step(), st.labelled().size(), e.deterministic().accuracy(), e.mc().accuracy(), e.labelledAccuracy(),
        st.training().seconds(), st.training().minibatches(), st.evalSeconds(), st.query().seconds()));
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
