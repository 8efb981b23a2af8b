package org.mcposterior.spark;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.models.InputShapes;
import org.mcposterior.models.Network;
import org.mcposterior.models.OutputKinds;
import org.mcposterior.models.SequenceLayout;
import org.mcposterior.stats.OutputView;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.stochastic.NothingStochasticException;

/**
 * Monte-Carlo posterior scores of a DataFrame of examples, on Spark: a DataFrame in, a DataFrame
 * of scores out, lazily, like any Spark transformation.
 *
 * <pre>{@code
 * PosteriorScorer scorer = PosteriorScorer.of(net, ScorerSettings.builder().iterations(20).seed(7).build());
 * Dataset<Row> scores = scorer.score(pool);         // validates now; samples when you act
 * Dataset<Row> top = scorer.topK(scores, 100);      // ranked 1..100 by the heuristic's priority
 * }</pre>
 *
 * <p>Built once from a model (bytes, a file on any Hadoop file system, or an in-memory network)
 * and the settings; the build refuses a model with nothing stochastic, an input shape that does
 * not fit it, an output whose kind cannot be decided or contradicts the asked-for kind, and a
 * heuristic that means nothing for the output's kind ({@link #outputView()}; output 0 of a
 * graph is the one scored). {@link #score(Dataset)} validates the pool there and then (columns, types, feature
 * lengths, null and duplicate ids, finite features: Spark aggregates, the only jobs it runs) and
 * returns the scores as a lazily mapped RDD: no sampling runs until the caller acts. The model's
 * bytes are broadcast once per Spark context; each executor JVM deserialises them once.
 *
 * <p>Every number comes from core: the sampler, the moments, the scores, the ranking keys and the
 * joint selections; this class only plans. The samples of an example depend on the seed, its id
 * and the iteration, not on partitions, shards, batch size or executors (DESIGN.md, invariant 4).
 * Thread-safe once built.
 */
public final class PosteriorScorer {
  /** Column of the scores with the chosen heuristic's ranking key (higher is picked first). */
  public static final String PRIORITY = ScoreRows.PRIORITY;
  /** The score columns, in order: bald, entropy, variance, margin, certainty. */
  public static final List<String> SCORES = ScoreRows.SCORES;

  private final byte[] modelBytes;
  private final String fingerprint;
  private final ScorerSettings settings;
  private final int[] shape;
  private final OutputView view;
  private final int outputs;
  private final int indexBound;
  private final java.util.Map<String, String> stochasticLayers;
  private final SequenceLayout sequence;
  private final String maskRefusal;
  private Broadcast<byte[]> broadcast;
  private SparkContext broadcastContext;

  private PosteriorScorer(byte[] modelBytes, Network net, String source, ScorerSettings settings) {
    this.modelBytes = modelBytes;
    this.settings = settings;
    this.fingerprint = net.fingerprint();
    this.shape = InputShapes.expected(net, settings.inputShape().stream().mapToInt(Integer::intValue).toArray());
    this.indexBound = InputShapes.indexBound(net);
    try (PosteriorSampler probe = PosteriorSampler.of(settings.stochastic(net), settings.samplerConfig())) {
      probe.plan(new int[][] {shape}); // refuses shapes that do not fit, before any work
      // What output 0 is (a graph's other outputs are not scored) decides how it is scored and which
      // heuristics exist: refused here, before any work, when it cannot be decided or does not fit.
      this.view = OutputKinds.of(net, probe.outputShape(new int[][] {shape}, 0), settings.outputKind());
      settings.heuristic().requireFits(view.kind(), view.source() + " of " + source + ", shape "
          + java.util.Arrays.toString(view.rawShape()));
      int positions = 1;
      int[] scored = view.scoredShape();
      for (int i = 1; i < scored.length; i++) {
        positions *= scored[i];
      }
      if (settings.reduction() == org.mcposterior.heuristics.Reduction.NONE && positions > 1) {
        throw new InvalidSettingsException("--reduction none keeps one score per position, but the " + view.kind().label()
            + " output of " + source + " (scored as " + java.util.Arrays.toString(scored) + ") has " + positions
            + " positions per example, and a ranking needs one score per example; choose --reduction mean, sum, max"
            + " or min");
      }
      // Sizes for the memory checks: the larger of what the network writes and what is scored.
      this.outputs = Math.max(view.scoredSize(), probe.outputSize(new int[][] {shape}, 0));
      // A sequence input takes shorter examples, padded and masked, when the network can take
      // DL4J's features mask exactly; otherwise why not, for the pool's validation to name.
      this.sequence = SequenceLayout.of(net, shape);
      String refusal = null;
      if (sequence != null) {
        try {
          probe.plan(new int[][] {shape}, true);
        } catch (org.mcposterior.stochastic.UnsupportedLayerException e) {
          refusal = e.getMessage();
        } catch (RuntimeException e) {
          // not a refusal the compiler words itself: kept whole for the pool's message, and only a
          // pool that needs masks is refused with it (full-length pools run unmasked, as before)
          refusal = "its masked pass could not be compiled (" + e.getClass().getName() + ": " + e.getMessage() + ")";
        }
      }
      this.maskRefusal = refusal;
    } catch (NothingStochasticException e) {
      throw new InvalidInputException("model " + source + " has no dropout to keep on at inference, so its MC"
          + " samples would all be equal and every score zero; pass --dropconnect 0.5 to sample it by MC DropConnect"
          + " (weights of its dense layers dropped; --dropconnect-layers Linear,Conv2d for convolutions too), or"
          + " score a model trained with dropout", e);
    }
    this.stochasticLayers = java.util.Collections.unmodifiableMap(settings.stochastic(net).describeLayers());
  }

  /**
   * A scorer of the DL4J model zip {@code modelZip} (as written by {@code ModelSerializer}) or of an
   * ONNX model's bytes (told apart by content, see {@link org.mcposterior.models.OnnxModels}); the
   * array is broadcast as it is, not copied: do not change it afterwards.
   *
   * @param source how to name the model in messages (e.g. its path)
   * @throws InvalidInputException if the model has nothing stochastic under these settings
   * @throws org.mcposterior.models.ModelLoadException if the bytes are neither a DL4J model nor an ONNX model
   *     that can be run exactly
   */
  public static PosteriorScorer fromBytes(byte[] modelZip, String source, ScorerSettings settings) {
    return new PosteriorScorer(modelZip, Network.fromBytes(modelZip, source), source, settings);
  }

  /** A scorer of the model (DL4J zip or ONNX) at {@code path}, on any Hadoop file system {@code conf} reaches. */
  public static PosteriorScorer fromPath(Path path, Configuration conf, ScorerSettings settings) {
    return fromBytes(ModelFiles.read(path, path.toString(), conf), path.toString(), settings);
  }

  /** A scorer of an in-memory network; its parameters are copied now, later training does not change it. */
  public static PosteriorScorer of(Network net, ScorerSettings settings) {
    byte[] bytes = net.toBytes();
    return new PosteriorScorer(bytes, Network.fromBytes(bytes, "in-memory network"), "in-memory network", settings);
  }

  /** As {@link #of(Network, ScorerSettings)}. */
  public static PosteriorScorer of(MultiLayerNetwork net, ScorerSettings settings) {
    return of(Network.of(net), settings);
  }

  /** As {@link #of(Network, ScorerSettings)}. */
  public static PosteriorScorer of(ComputationGraph net, ScorerSettings settings) {
    return of(Network.of(net), settings);
  }

  public ScorerSettings settings() {
    return settings;
  }

  /** The model's fingerprint (of its configuration and parameters). */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * How the scored output (output 0) is read: its {@link org.mcposterior.stats.OutputKind}, asked
   * for or decided from the output layer, and its raw and scored shapes.
   */
  public OutputView outputView() {
    return view;
  }

  /** The per-example shape the features are reshaped to. */
  public int[] inputShape() {
    return shape.clone();
  }

  /** Values per example: the product of {@link #inputShape()}. */
  public int featureLength() {
    return Math.toIntExact(InputShapes.product(shape));
  }

  /**
   * What is random in each stochastic layer under the settings (layer to description, e.g. which
   * dropouts {@code --dropout p} set to p), for the run summary.
   */
  public java.util.Map<String, String> stochasticLayers() {
    return stochasticLayers;
  }

  /**
   * The vocabulary size when the network's input is indices into an embedding (every feature must
   * be an integer in {@code [0, indexBound())}), or 0 when its input is plain features.
   */
  public int indexBound() {
    return indexBound;
  }

  /**
   * Validates {@code rows} as a pool of this model (see {@link ValidatedPool}); runs Spark aggregates.
   *
   * @param what what the rows are, for messages ("pool", "target")
   * @param source where they came from, for messages, or null
   * @throws InvalidInputException naming the first problem and the fix
   */
  public ValidatedPool validate(Dataset<Row> rows, String what, String source) {
    return ValidatedPool.of(rows, settings, featureLength(), indexBound, sequence, maskRefusal, what, source);
  }

  /**
   * The layout of the examples when the network's input is a sequence ({@code [time, features]}
   * or {@code [features, time]} per example): a pool may then hold shorter sequences, padded at
   * the end of time and masked (see {@link SequenceLayout}); null for any other input.
   */
  public SequenceLayout sequenceLayout() {
    return sequence;
  }

  /**
   * Why this network cannot take shorter (padded, masked) sequences, or null when it can or its
   * input is not a sequence: a pool holding any is refused with this reason before any work.
   */
  public String maskRefusal() {
    return maskRefusal;
  }

  /**
   * The scores of every example of {@code pool} (columns: see {@link ScoredPool#scores()}). The pool
   * is validated now; the sampling runs when the caller acts on the result.
   *
   * @throws InvalidInputException if the pool is invalid (before any sampling)
   * @throws InvalidSettingsException if the settings do not fit this pool or the cluster's memory
   */
  public Dataset<Row> score(Dataset<Row> pool) {
    return score(validate(pool, "pool", null)).scores();
  }

  /** As {@link #score(Dataset)} for a pool validated already, with the plan it runs as. */
  public ScoredPool score(ValidatedPool pool) {
    return score(pool, RunObserver.NONE);
  }

  /**
   * As {@link #score(ValidatedPool)}, with {@code observer} told as each scoring task starts (on
   * its executor; see {@link RunObserver}).
   */
  public ScoredPool score(ValidatedPool pool, RunObserver observer) {
    if (settings.partitions() > pool.scored()) {
      throw new InvalidSettingsException("--partitions = " + settings.partitions() + " is more than the "
          + pool.scored() + " examples of the pool; expected at most " + pool.scored()
          + " (or 0 to keep the pool's partitioning)");
    }
    SparkSession spark = pool.rows().sparkSession();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<ScoreTask.Example> examples = InternalRows.examples(pool.rows(), pool.idField());
    if (settings.partitions() > 0) {
      examples = examples.repartition(settings.partitions()); // on the RDD: lazy, unlike the Dataset's
    }
    ShardPlan plan = ShardPlan.plan(examples.getNumPartitions(), spark.sparkContext().defaultParallelism(),
        settings.iterations(), settings.iterationShards());
    ResourceCheck.check(spark, settings, plan, outputs, featureLength());
    LongAccumulator progress = spark.sparkContext().longAccumulator("mcposterior example-shards sampled");
    ScoreTask task = new ScoreTask(model(spark.sparkContext()), fingerprint, settings, settings.samplerConfig(),
        shape, view, progress, sequence).observedBy(observer);
    ScoreRows rows = new ScoreRows(settings, view, sequence);
    JavaRDD<Row> scored = plan.shards() == 1 ? Sampling.unsharded(examples, task, rows, settings)
        : Sampling.sharded(examples, task, rows, settings, plan, jsc);
    Dataset<Row> scores = spark.createDataFrame(scored, ScoreRows.schema(pool.idField(), settings.writeSamples()));
    return new ScoredPool(pool, scored, scores, plan, progress);
  }

  /**
   * The {@code k} rows of {@code scores} of highest {@code priority} (ties by id ascending), ranked
   * 1..k, with columns rank, id, priority, predicted_class, the five scores, probabilities, mean and
   * heuristic. An action: it runs Spark jobs and returns a small local DataFrame.
   */
  public Dataset<Row> topK(Dataset<Row> scores, int k) {
    return TopK.of(scores, settings.idColumn(), k, settings.heuristic());
  }

  /**
   * The top {@code k} by the settings' heuristic: {@link #topK} for the per-example ones,
   * BatchBALD's or EPIG's joint selection otherwise ({@code target}: EPIG's validated target, else
   * null). An action.
   */
  public Dataset<Row> select(ValidatedPool pool, ValidatedPool target, Dataset<Row> scores, int k) {
    if (!settings.jointHeuristic()) {
      return topK(scores, k);
    }
    Heuristic h = settings.heuristic();
    settings.requireTarget(target != null);
    return joint(pool, h.needsTarget() ? target : null, scores, k, MaskMode.CONSISTENT, h);
  }

  /**
   * The BatchBALD batch of {@code k} examples of {@code pool} (Kirsch et al. 2019), picked from its
   * {@link ScorerSettings#candidateCount} highest-BALD rows of {@code scores}, which are resampled
   * with consistent masks; ranked as {@link #topK}, priority = k for the first pick down to 1. An action.
   */
  public Dataset<Row> batchBald(Dataset<Row> pool, Dataset<Row> scores, int k) {
    return joint(validate(pool, "pool", null), null, scores, k, MaskMode.CONSISTENT, Heuristic.BATCH_BALD);
  }

  /**
   * The {@code k} examples of {@code pool} of highest EPIG against {@code target} (Bickford Smith et
   * al. 2023), from its highest-BALD candidates resampled, with the target, under consistent
   * masks; ranked as {@link #batchBald}. An action.
   */
  public Dataset<Row> epig(Dataset<Row> pool, Dataset<Row> target, Dataset<Row> scores, int k) {
    return joint(validate(pool, "pool", null), validate(target, "target", null), scores, k, MaskMode.CONSISTENT,
        Heuristic.EPIG);
  }

  /**
   * The BatchBALD batch of {@code k} from the samples {@code scores} already holds (a scorer with
   * {@code writeSamples(true)}), without resampling: its highest-BALD candidates as {@link
   * #batchBald}. An action.
   *
   * @throws org.mcposterior.heuristics.MaskMismatchException unless the settings draw consistent
   *     masks ({@code maskMode(CONSISTENT)}): BatchBALD compares examples under one network sample
   *     per iteration, which independent masks do not give
   * @throws InvalidInputException if {@code scores} has no samples column
   */
  public Dataset<Row> batchBaldFromSamples(Dataset<Row> scores, int k) {
    return fromSamples(Heuristic.BATCH_BALD, scores, null, k);
  }

  /**
   * As {@link #batchBaldFromSamples} for EPIG against the samples of {@code targetScores} (the
   * target scored by this scorer). An action.
   */
  public Dataset<Row> epigFromSamples(Dataset<Row> scores, Dataset<Row> targetScores, int k) {
    return fromSamples(Heuristic.EPIG, scores, targetScores, k);
  }

  private Dataset<Row> fromSamples(Heuristic heuristic, Dataset<Row> scores, Dataset<Row> targetScores, int k) {
    requireFits(heuristic);
    return TopK.of(SampledSelection.picks(settings, heuristic, scores, targetScores, k), settings.idColumn(), k,
        heuristic);
  }

  /**
   * Checks before any work that a joint selection of {@code k} fits on the driver (candidates and
   * EPIG's target).
   *
   * @throws InvalidSettingsException naming the sizes and the fix
   */
  public void checkSelection(int k, ValidatedPool target) {
    if (settings.jointHeuristic()) {
      ResourceCheck.checkJoint(settings, settings.heuristic(), settings.candidateCount(k), outputs,
          target == null ? 0 : target.scored());
    }
  }

  /** Joint selection with candidates resampled under {@code masks}; package-private so tests can pass independent ones. */
  Dataset<Row> joint(ValidatedPool pool, ValidatedPool target, Dataset<Row> scores, int k, MaskMode masks,
      Heuristic heuristic) {
    requireFits(heuristic);
    ResourceCheck.checkJoint(settings, heuristic, settings.candidateCount(k), outputs,
        target == null ? 0 : target.scored());
    Dataset<Row> picks = JointSelection.picks(this, heuristic, pool, target, scores, k, masks);
    return TopK.of(picks, pool.idField().name(), k, heuristic);
  }

  /** Samples of validated {@code rows} (id, key, features) for all iterations under {@code masks}, on the driver. */
  Samples collectSamples(Dataset<Row> rows, MaskMode masks, String counter) {
    SparkContext sc = rows.sparkSession().sparkContext();
    SamplerConfig cfg = settings.samplerConfig().withMaskMode(masks);
    ScoreTask task = new ScoreTask(model(sc), fingerprint, settings, cfg, shape, view, sc.longAccumulator(counter),
        sequence);
    return Sampling.collectSamples(InternalRows.examples(rows, rows.schema().fields()[0]), task,
        settings.iterations());
  }

  /** Refuses a joint selection the output kind has no meaning for (BatchBALD, EPIG need one distribution). */
  private void requireFits(Heuristic heuristic) {
    heuristic.requireFits(view.kind(), view.source() + ", shape " + java.util.Arrays.toString(view.rawShape()));
  }

  /** The model bytes broadcast to {@code sc}, once per context. */
  private synchronized Broadcast<byte[]> model(SparkContext sc) {
    if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
      broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(modelBytes);
      broadcastContext = sc;
    }
    return broadcast;
  }
}
