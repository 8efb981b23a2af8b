package org.mcposterior.jobs.learn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.jobs.FashionMnist;
import org.mcposterior.jobs.score.ScoreJob;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.models.Network;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.training.ActivePool;
import org.mcposterior.training.Predictions;
import org.mcposterior.training.Trainer;

/**
 * The active-learning loop of one {@code learn} run, for every seed and heuristic:
 *
 * <ol>
 *   <li>per seed: draw the pool and the balanced initial set ({@link ActivePool#draw}) and the
 *       network's initial weights ({@link ReferenceNetworks}), shared by every heuristic, so the
 *       curves of one seed differ only by what their heuristic picked;
 *   <li>per step: train from those initial weights on the labelled set ({@link Trainer}),
 *       evaluate on the test images (deterministic and MC mean) and on the labelled set, then
 *       score the unlabelled rest of the pool with the {@code score} job in Spark (the step's
 *       model zip and pool under the run's work folder) and label its top {@code query} by the
 *       heuristic (labels come from the data set).
 * </ol>
 *
 * <p>Seeds per step are derived from (seed, step) only, the same for every heuristic: training's
 * minibatch order and masks, the scoring masks, random and power sampling's keyed draws.
 */
public final class LearnRun {
  static final int CLASSES = 10;

  private final LearnSettings s;
  private final SparkSession spark;
  private final Path work;
  private final Consumer<String> log;

  /**
   * @param work a folder this run owns, for the per-step model, pool and scoring output (deleted step by step)
   * @param log progress lines
   */
  public LearnRun(LearnSettings settings, SparkSession spark, Path work, Consumer<String> log) {
    this.s = settings;
    this.spark = spark;
    this.work = work;
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
  public List<Curve> run(Data data) throws IOException {
    List<Curve> curves = new ArrayList<>();
    for (long seed : s.seeds()) {
      ActivePool first = ActivePool.draw(data.train().labels(), CLASSES, s.poolSize(), s.initial(), seed);
      Path pool = work.resolve("pool-seed" + seed);
      writePool(pool, first, data.train());
      Trainer trainer = Trainer.of(reference(seed), s.training(), s.posterior().equals("dropconnect") ? s.weightDrop()
          : Double.NaN);
      for (String h : s.heuristics()) {
        ActivePool ap = ActivePool.draw(data.train().labels(), CLASSES, s.poolSize(), s.initial(), seed);
        long t0 = System.nanoTime();
        List<StepResult> steps = curve(h, seed, ap, trainer, pool, data);
        double secs = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(Locale.ROOT, "learn: %s seed %d: %d steps in %.1f s, test accuracy %.4f at %d labels",
            h, seed, s.steps(), secs, steps.get(steps.size() - 1).testAccuracy(), steps.get(steps.size() - 1).labels()));
        curves.add(new Curve(h, seed, steps, secs));
      }
      deleteTree(pool);
    }
    return curves;
  }

  private MultiLayerNetwork reference(long seed) {
    return s.network().equals("cnn") ? ReferenceNetworks.cnn(seed) : ReferenceNetworks.mlp(seed);
  }

  private List<StepResult> curve(String heuristic, long seed, ActivePool ap, Trainer trainer, Path pool, Data data)
      throws IOException {
    List<StepResult> steps = new ArrayList<>();
    for (int step = 0; step <= s.steps(); step++) {
      int[] labelled = ap.labelled();
      float[][] x = new float[labelled.length][];
      int[] y = new int[labelled.length];
      int[] labelledClasses = new int[CLASSES];
      for (int i = 0; i < labelled.length; i++) {
        x[i] = data.train().images()[ap.source(labelled[i])];
        y[i] = ap.labelOf(labelled[i]);
        labelledClasses[y[i]]++;
      }
      Trainer.Trained t = trainer.train(x, y, stepSeed(seed, step, 1));
      long te = System.nanoTime();
      double[][] det = Predictions.deterministic(t.network(), data.test().images());
      double[][] mc = Predictions.mcMean(posterior(t.network()), data.test().images(), s.iterations(),
          stepSeed(seed, step, 2));
      Calibration dm = Calibration.of(det, data.test().labels());
      Calibration mm = Calibration.of(mc, data.test().labels());
      double labelledAcc = Calibration.of(Predictions.deterministic(t.network(), x), y).accuracy();
      double evalSecs = (System.nanoTime() - te) / 1e9;
      int[] picked = new int[0];
      double scoreSecs = 0;
      if (step < s.steps()) {
        long ts = System.nanoTime();
        picked = query(heuristic, seed, step, t.network(), ap, pool);
        scoreSecs = (System.nanoTime() - ts) / 1e9;
      }
      int[] pickedClasses = new int[CLASSES];
      for (int p : picked) {
        pickedClasses[ap.labelOf(p)]++;
      }
      steps.add(new StepResult(heuristic, seed, step, labelled.length, dm.accuracy(), dm.nll(), dm.ece(), mm.accuracy(),
          mm.nll(), mm.ece(), labelledAcc, t.minibatches(), t.startFingerprint(), t.seconds(), evalSecs, scoreSecs,
          picked, pickedClasses, labelledClasses, labelled));
      log.accept(String.format(Locale.ROOT, "learn: %s seed %d step %d: %d labels, test accuracy %.4f (MC %.4f),"
          + " labelled-set accuracy %.3f; train %.1f s (%d minibatches), eval %.1f s, score %.1f s", heuristic, seed, step,
          labelled.length, dm.accuracy(), mm.accuracy(), labelledAcc, t.seconds(), t.minibatches(), evalSecs, scoreSecs));
      if (picked.length > 0) {
        ap.label(picked);
      }
    }
    return steps;
  }

  /** The posterior of the run: MC dropout on the network's dropouts, or MC DropConnect on its dense layers. */
  private StochasticNetwork posterior(MultiLayerNetwork net) {
    StochasticNetwork.Builder b = StochasticNetwork.builder(net).mcDropout();
    return s.posterior().equals("dropconnect") ? b.dropConnect(s.weightDrop(), "Linear").build() : b.build();
  }

  /**
   * Scores the unlabelled pool with the {@code score} job and returns the pool positions of its
   * top {@code query} by the heuristic, best first.
   */
  private int[] query(String heuristic, long seed, int step, MultiLayerNetwork net, ActivePool ap, Path pool)
      throws IOException {
    Path dir = work.resolve(heuristic + "-seed" + seed + "-step" + step);
    Files.createDirectories(dir);
    try {
      Path model = dir.resolve("model.zip");
      Network.of(net).save(model);
      Path unlabelled = dir.resolve("unlabelled");
      long tw = System.nanoTime();
      Object[] labelledIds = Arrays.stream(ap.labelled()).mapToObj(LearnRun::id).toArray();
      spark.read().parquet(pool.toString()).where(not(col("id").isin(labelledIds)))
          .coalesce(Math.max(1, 2 * spark.sparkContext().defaultParallelism())).write().parquet(unlabelled.toString());
      ScoreSettings ss = ScoreSettings.builder().model(model.toString()).pool(unlabelled.toString())
          .out(dir.resolve("score").toString()).topK(s.query()).master(s.master())
          .scorer(s.scorer(heuristic, stepSeed(seed, step, 3))).build();
      Map<String, Object> summary = ScoreJob.run(spark, ss);
      log.accept(String.format(Locale.ROOT, "learn: unlabelled pool written in %.1f s; score job timings %s",
          (System.nanoTime() - tw) / 1e9 - ((Number) ((Map<?, ?>) summary.get("timings")).get("total_seconds")).doubleValue(),
          summary.get("timings")));
      List<Row> top = spark.read().parquet(dir.resolve("score").resolve("top_k").toString()).orderBy(col("rank"))
          .select(col("id")).collectAsList();
      int[] picked = new int[top.size()];
      for (int i = 0; i < picked.length; i++) {
        picked[i] = position(top.get(i).getString(0));
      }
      return picked;
    } finally {
      deleteTree(dir);
    }
  }

  /** The pool as Parquet: id {@code p<position>}, features array&lt;float&gt;. */
  private void writePool(Path path, ActivePool ap, FashionMnist.Split train) {
    List<Row> rows = new ArrayList<>(ap.size());
    for (int pos = 0; pos < ap.size(); pos++) {
      float[] x = train.images()[ap.source(pos)];
      Float[] f = new Float[x.length];
      for (int j = 0; j < f.length; j++) {
        f[j] = x[j];
      }
      rows.add(RowFactory.create(id(pos), f));
    }
    spark.createDataFrame(rows, DataTypes.createStructType(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false))))
        .write().parquet(path.toString());
  }

  static String id(int pos) {
    return String.format(Locale.ROOT, "p%05d", pos);
  }

  static int position(String id) {
    return Integer.parseInt(id.substring(1));
  }

  /** A seed for one purpose of one step, the same for every heuristic. */
  static long stepSeed(long seed, int step, int purpose) {
    return KeyedRandom.mix64(KeyedRandom.mix64(seed * 0x9E3779B97F4A7C15L + step) ^ (0xD1B54A32D192ED03L * purpose));
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
