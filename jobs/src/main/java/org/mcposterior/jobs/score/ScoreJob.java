package org.mcposterior.jobs.score;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.mcposterior.heuristics.BatchBald;
import org.mcposterior.heuristics.Epig;
import org.mcposterior.heuristics.HeuristicOptions;
import org.mcposterior.heuristics.MaskProvenance;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.models.InputShapes;
import org.mcposterior.models.ModelLoadException;
import org.mcposterior.models.Network;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.stochastic.NothingStochasticException;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.MomentsAccumulator;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.MomentsCodec;
import org.mcposterior.stochastic.StochasticNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The distributed scoring job (DESIGN.md, data flow of one scoring run).
 *
 * <ol>
 *   <li>On the driver, before any work: the output can be written, the model loads and is
 *       stochastic, the input shape fits it, the pool's schema, feature lengths, ids and values
 *       are valid ({@link PoolReader}).
 *   <li>The model bytes are broadcast once; each executor JVM deserialises them once ({@link
 *       ExecutorSamplers}).
 *   <li>Work grid = partitions x iteration shards ({@link ShardPlan}). Each task runs the core
 *       sampler over its rows for its iterations and reduces them to per-example moments.
 *   <li>With one shard, scores come straight out of the tasks (no shuffle); with several, the
 *       moments of each example are merged in shard order after a shuffle, so a rerun is bitwise
 *       equal.
 *   <li>Scores go to Parquet, the top-k by the chosen heuristic (Spark's ordered take; BatchBALD
 *       and EPIG resample their BALD-ranked candidates with consistent masks and select on the
 *       driver) to a small output, and a run summary to {@code summary.json}; everything lands in
 *       {@code --out} at once when complete ({@link OutputDir}).
 * </ol>
 */
public final class ScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
  private static final Logger PROGRESS = LoggerFactory.getLogger("mcposterior.progress");

  private ScoreJob() {}

  /** The stochastic view of {@code net} the settings ask for: MC dropout, plus DropConnect if set. */
  static StochasticNetwork stochastic(Network net, ScoreSettings s) {
    StochasticNetwork.Builder b = StochasticNetwork.builder(net);
    b = Double.isNaN(s.dropout()) ? b.mcDropout() : b.mcDropout(s.dropout());
    if (!Double.isNaN(s.dropConnect())) {
      b = b.dropConnect(s.dropConnect(), s.dropConnectLayers().toArray(new String[0]));
    }
    return b.build();
  }

  /**
   * Runs the job; returns the run summary (also written to {@code <out>/summary.json}).
   *
   * <p>Unless the session sets it, {@code spark.sql.files.minPartitionNum} is raised to four times
   * the default parallelism for the run, so the pool's files are split into enough tasks that the
   * last wave leaves few cores idle, without a shuffle (Spark's defaults would give a 300 MB pool 3
   * tasks on 2 cores, one core idle for a third of the run).
   */
  public static Map<String, Object> run(SparkSession spark, ScoreSettings s) throws IOException {
    String key = "spark.sql.files.minPartitionNum";
    boolean set = spark.conf().contains(key);
    if (!set) {
      spark.conf().set(key, Integer.toString(4 * spark.sparkContext().defaultParallelism()));
    }
    try {
      return runTimed(spark, s);
    } finally {
      if (!set) {
        spark.conf().unset(key);
      }
    }
  }

  private static Map<String, Object> runTimed(SparkSession spark, ScoreSettings s) throws IOException {
    long t0 = System.nanoTime();
    try (HeapPeak heap = new HeapPeak()) {
      return runJob(spark, s, t0, heap);
    }
  }

  private static Map<String, Object> runJob(SparkSession spark, ScoreSettings s, long t0, HeapPeak heap)
      throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("--model", s.model());
    inputs.put("--pool", s.pool());
    inputs.put("--target", s.target());
    try (OutputDir out = OutputDir.claim(s.out(), s.overwrite(), inputs, hadoop)) {
      try {
        return score(spark, s, t0, heap, out, hadoop);
      } catch (Throwable e) {
        out.abort(e);
        throw e;
      }
    }
  }

  private static Map<String, Object> score(SparkSession spark, ScoreSettings s, long t0, HeapPeak heap, OutputDir out,
      Configuration hadoop) throws IOException {
    byte[] modelBytes = readModel(s.model(), hadoop);
    Network net = Network.fromBytes(modelBytes, s.model());
    String fingerprint = net.fingerprint();
    int[] shape = InputShapes.expected(net, s.inputShape().stream().mapToInt(Integer::intValue).toArray());
    int outputs;
    try (PosteriorSampler probe = PosteriorSampler.of(stochastic(net, s), s.samplerConfig())) {
      probe.plan(new int[][] {shape}); // refuses shapes that do not fit, before any work
      outputs = Math.max(2, probe.outputSize(new int[][] {shape}, 0));
    } catch (NothingStochasticException e) {
      throw new InvalidInputException("model " + s.model() + " has no dropout to keep on at inference, so its MC"
          + " samples would all be equal and every score zero; pass --dropconnect 0.5 to sample it by MC DropConnect"
          + " (weights of its dense layers dropped; --dropconnect-layers Linear,Conv2d for convolutions too), or"
          + " score a model trained with dropout", e);
    }
    int featureLength = Math.toIntExact(InputShapes.product(shape));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("model_seconds", seconds(t0));
    long tv = System.nanoTime();
    PoolReader.Pool pool = PoolReader.read(spark, s, s.pool(), featureLength, "pool");
    PoolReader.Pool target = s.target() == null ? null
        : PoolReader.read(spark, s, s.target(), featureLength, "target");
    timings.put("validate_seconds", seconds(tv));
    if (s.partitions() > pool.scored()) {
      throw new InvalidSettingsException("--partitions = " + s.partitions() + " is more than the " + pool.scored()
          + " examples of the pool; expected at most " + pool.scored() + " (or 0 to keep the pool's partitioning)");
    }
    Dataset<Row> rows = s.partitions() > 0 ? pool.rows().repartition(s.partitions()) : pool.rows();
    int partitions = rows.rdd().getNumPartitions();
    ShardPlan plan = ShardPlan.plan(partitions, spark.sparkContext().defaultParallelism(), s.iterations(),
        s.iterationShards());
    ResourceCheck.check(spark, s, plan, outputs, featureLength, target == null ? 0 : target.scored());
    LOG.info("scoring {} examples: {} partitions x {} iteration shards, T = {}", pool.scored(), plan.partitions(),
        plan.shards(), s.iterations());

    Broadcast<byte[]> model = jsc.broadcast(modelBytes);
    LongAccumulator progress = spark.sparkContext().longAccumulator("mcposterior example-shards sampled");
    ScoreTask task = new ScoreTask(model, fingerprint, s, s.samplerConfig(), shape, progress);
    ScoreRows scoreRows = new ScoreRows(s);
    long t1 = System.nanoTime();
    JavaRDD<ScoreTask.Example> examples = examples(rows, pool.idField());
    JavaRDD<Row> scored = plan.shards() == 1 ? unsharded(examples, task, scoreRows, s)
        : sharded(examples, task, scoreRows, s, plan, jsc);
    Dataset<Row> scores = spark.createDataFrame(scored, ScoreRows.schema(pool.idField(), s.writeSamples()));
    try (ProgressLog p = new ProgressLog(progress, pool.scored() * plan.shards(),
        s.iterations() / (double) plan.shards(), Long.getLong("mcposterior.progressMillis", 10_000))) {
      scores.write().parquet(out.tmp("scores"));
    }
    double scoreSecs = seconds(t1);
    timings.put("score_seconds", scoreSecs);

    long t2 = System.nanoTime();
    Dataset<Row> written = spark.read().parquet(out.tmp("scores"));
    String id = pool.idField().name();
    Dataset<Row> top = s.jointHeuristic() ? jointTopK(spark, s, pool, target, written, model, fingerprint, shape)
        : written;
    top = top.select(col(id), col(ScoreRows.PRIORITY), col("predicted_class"), col("bald"), col("entropy"),
        col("variance"), col("margin"), col("certainty"), col("probabilities"));
    // Spark's ordered take (no global window), ranked on the driver: k rows, never the pool.
    List<Row> ordered = top.orderBy(col(ScoreRows.PRIORITY).desc(), col(id).asc()).limit(s.topK()).collectAsList();
    List<Row> ranked = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      Object[] v = new Object[ordered.get(i).size() + 2];
      v[0] = i + 1;
      for (int c = 0; c < ordered.get(i).size(); c++) {
        v[c + 1] = ordered.get(i).get(c);
      }
      v[v.length - 1] = s.heuristic();
      ranked.add(org.apache.spark.sql.RowFactory.create(v));
    }
    org.apache.spark.sql.types.StructType topSchema = new org.apache.spark.sql.types.StructType()
        .add("rank", org.apache.spark.sql.types.DataTypes.IntegerType, false);
    for (org.apache.spark.sql.types.StructField f : top.schema().fields()) {
      topSchema = topSchema.add(f);
    }
    topSchema = topSchema.add("heuristic", org.apache.spark.sql.types.DataTypes.StringType, false);
    Dataset<Row> topK = spark.createDataFrame(ranked, topSchema).coalesce(1);
    topK.write().parquet(out.tmp("top_k"));
    topK.write().json(out.tmp("top_k_json"));
    long picked = ranked.size();
    timings.put("top_k_seconds", seconds(t2));
    timings.put("total_seconds", seconds(t0));

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("status", "succeeded");
    summary.put("settings", s.toMap());
    summary.put("seed", s.seed());
    summary.put("model_fingerprint", fingerprint);
    summary.put("input_shape", shape);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("rows", pool.total());
    counts.put("skipped_invalid", pool.skipped());
    counts.put("scored", pool.scored());
    counts.put("top_k", picked);
    summary.put("counts", counts);
    summary.put("plan", Map.of("partitions", plan.partitions(), "iteration_shards", plan.shards(), "tasks",
        plan.tasks(), "default_parallelism", spark.sparkContext().defaultParallelism()));
    summary.put("timings", timings);
    summary.put("examples_per_second", pool.scored() / scoreSecs);
    summary.put("example_iterations_per_second", pool.scored() * (double) s.iterations() / scoreSecs);
    summary.put("driver_peak_heap_bytes", heap.peakBytes());
    summary.put("driver_peak_live_heap_bytes", heap.liveBytes());
    summary.put("spark", Map.of("master", spark.sparkContext().master(), "app_id", spark.sparkContext().applicationId(),
        "version", spark.version()));
    summary.put("versions", Map.of("mcposterior", "0.1.0", "deeplearning4j", "1.0.0-M2.1"));
    writeJson(out.fs(), new Path(out.tmpPath(), OutputDir.SUMMARY), summary);
    out.commit();
    LOG.info("wrote {} scores and the top {} by {} to {}", pool.scored(), picked, s.heuristic(), s.out());
    return summary;
  }

  /**
   * The pool's rows as examples, read straight from Spark's internal rows (see
   * {@link InternalRows}, the one place that touches Spark's internal API).
   */
  static JavaRDD<ScoreTask.Example> examples(Dataset<Row> rows, org.apache.spark.sql.types.StructField idField) {
    return InternalRows.examples(rows, idField);
  }

  /** One shard: each task scores its rows directly, no shuffle. */
  private static JavaRDD<Row> unsharded(JavaRDD<ScoreTask.Example> rows, ScoreTask task, ScoreRows scoreRows,
      ScoreSettings s) {
    int iterations = s.iterations();
    return rows.mapPartitions(it -> new BatchIterator<Row>() {
      @Override
      void fill(List<Row> buffer) {
        task.run(single(it, s.batchSize()), 0, iterations, (batch, samples, moments) -> {
          PosteriorScores ps = ScoreRows.score(moments);
          int outputs = samples.outputSize();
          float[] ex = new float[outputs * iterations];
          for (int n = 0; n < batch.size(); n++) {
            ScoreTask.Example e = batch.get(n);
            if (s.writeSamples()) {
              samples.copyExample(n, ex, 0);
            }
            buffer.add(scoreRows.row(e.id(), e.key(), ps, n, ex, outputs, iterations));
          }
        });
      }

      @Override
      boolean exhausted() {
        return !it.hasNext();
      }
    });
  }

  /** Several shards: tasks emit per-example moments; a shuffle merges them per example in shard order. */
  private static JavaRDD<Row> sharded(JavaRDD<ScoreTask.Example> rows, ScoreTask task, ScoreRows scoreRows,
      ScoreSettings s, ShardPlan plan, JavaSparkContext jsc) {
    JavaRDD<ScoreTask.Example> input = rows.persist(StorageLevel.MEMORY_AND_DISK());
    List<JavaRDD<ScoreTask.ShardResult>> parts = new ArrayList<>();
    for (int shard = 0; shard < plan.shards(); shard++) {
      final int sh = shard;
      final int start = plan.start(sh), end = plan.end(sh);
      parts.add(input.mapPartitions(it -> new BatchIterator<ScoreTask.ShardResult>() {
        @Override
        void fill(List<ScoreTask.ShardResult> buffer) {
          task.run(single(it, s.batchSize()), start, end, (batch, samples, moments) -> {
            int len = samples.outputSize() * samples.iterations();
            for (int n = 0; n < batch.size(); n++) {
              ScoreTask.Example e = batch.get(n);
              float[] ex = null;
              if (s.writeSamples()) {
                ex = new float[len];
                samples.copyExample(n, ex, 0);
              }
              buffer.add(new ScoreTask.ShardResult(e.key(), sh, e.id(), one(moments, n), ex));
            }
          });
        }

        @Override
        boolean exhausted() {
          return !it.hasNext();
        }
      }));
    }
    @SuppressWarnings("unchecked")
    JavaRDD<ScoreTask.ShardResult> all = jsc.union(parts.toArray(new JavaRDD[0]));
    JavaPairRDD<String, ScoreTask.ShardResult> keyed = all.mapToPair(r -> new Tuple2<>(r.key(), r));
    int iterations = s.iterations();
    return keyed.groupByKey(plan.partitions() * plan.shards()).map(group -> {
      List<ScoreTask.ShardResult> shards = new ArrayList<>();
      group._2().forEach(shards::add);
      shards.sort(Comparator.comparingInt(ScoreTask.ShardResult::shard));
      MomentsAccumulator acc = MomentsAccumulator.of(MomentsCodec.decodeMoments(shards.get(0).moments()));
      for (int i = 1; i < shards.size(); i++) {
        acc = acc.combine(MomentsCodec.decodeMoments(shards.get(i).moments()));
      }
      MomentsBatch merged = MomentsBatch.of(List.of(acc.get()));
      float[] samples = null;
      int outputs = merged.shape().size();
      if (s.writeSamples()) {
        samples = new float[outputs * iterations];
        int t0 = 0;
        for (ScoreTask.ShardResult r : shards) {
          int tl = r.samples().length / outputs;
          for (int o = 0; o < outputs; o++) {
            System.arraycopy(r.samples(), o * tl, samples, o * iterations + t0, tl);
          }
          t0 += tl;
        }
      }
      PosteriorScores ps = ScoreRows.score(merged);
      return scoreRows.row(shards.get(0).id(), group._1(), ps, 0, samples, outputs, iterations);
    });
  }

  /** The moments of example {@code n} of a batch, encoded to cross the shuffle. */
  private static byte[] one(MomentsBatch moments, int n) {
    return MomentsCodec.encode(moments.example(n));
  }

  /**
   * BatchBALD and EPIG: the BALD-ranked candidates are resampled on the executors with consistent
   * masks (one network draw per iteration, shared by all candidates and the target), and the
   * joint selection runs on the driver, which only ever holds the candidates' samples.
   */
  private static Dataset<Row> jointTopK(SparkSession spark, ScoreSettings s, PoolReader.Pool pool,
      PoolReader.Pool target, Dataset<Row> written, Broadcast<byte[]> model, String fingerprint, int[] shape) {
    String id = pool.idField().name();
    int m = s.candidateCount();
    Dataset<Row> candidates = written.orderBy(col("bald").desc(), col(id).asc()).limit(m);
    Dataset<Row> candidateRows = pool.rows().join(org.apache.spark.sql.functions.broadcast(candidates.select(col(id))), id)
        .select(col(id), col(PoolReader.KEY), col(PoolReader.FEATURES));
    Samples cs = consistentSamples(spark, s, candidateRows, model, fingerprint, shape);
    List<Row> keys = candidateRows.select(col(id), col(PoolReader.KEY)).orderBy(col(PoolReader.KEY)).collectAsList();
    int[] picked;
    MaskProvenance masks = MaskProvenance.consistent(s.seed(), s.iterations());
    if (s.heuristic().equals("batch_bald")) {
      HeuristicOptions o = HeuristicOptions.defaults().withSeed(s.seed()).withProbabilities(s.probabilities());
      int k = Math.min(s.topK(), cs.batchSize());
      long start = System.nanoTime();
      long[] last = {start};
      picked = new BatchBald(k, o.numDraw(), s.seed(), s.probabilities()).select(cs, masks, k, n -> {
        long now = System.nanoTime();
        if (now - last[0] > Long.getLong("mcposterior.progressMillis", 10_000) * 1_000_000L) {
          last[0] = now;
          PROGRESS.info(String.format(java.util.Locale.ROOT, "batch_bald: picked %d of %d (%.0f%%), %.0f s", n, k,
              100.0 * n / k, (now - start) / 1e9));
        }
      });
    } else {
      PROGRESS.info("epig: sampling the {} target examples and scoring {} candidates against them", target.scored(),
          cs.batchSize());
      Samples ts = consistentSamples(spark, s, target.rows(), model, fingerprint, shape);
      double[] scores = new Epig(ts, masks, s.probabilities()).scores(cs, masks);
      Integer[] order = new Integer[scores.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> {
        int c = Double.compare(sanitize(scores[b]), sanitize(scores[a]));
        return c != 0 ? c : Integer.compare(a, b);
      });
      picked = new int[Math.min(s.topK(), order.length)];
      for (int i = 0; i < picked.length; i++) {
        picked[i] = order[i];
      }
    }
    List<Row> pickedRows = new ArrayList<>();
    for (int i = 0; i < picked.length; i++) {
      pickedRows.add(org.apache.spark.sql.RowFactory.create(keys.get(picked[i]).getString(1), (double) (picked.length - i)));
    }
    Dataset<Row> order = spark.createDataFrame(pickedRows, org.apache.spark.sql.types.DataTypes.createStructType(List.of(
        org.apache.spark.sql.types.DataTypes.createStructField("__pick_key", org.apache.spark.sql.types.DataTypes.StringType, false),
        org.apache.spark.sql.types.DataTypes.createStructField("__pick", org.apache.spark.sql.types.DataTypes.DoubleType, false))));
    return written.join(order, written.col(id).cast("string").equalTo(order.col("__pick_key")))
        .drop(ScoreRows.PRIORITY).withColumnRenamed("__pick", ScoreRows.PRIORITY).drop("__pick_key");
  }

  private static double sanitize(double v) {
    return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
  }

  /** Samples of {@code rows} for all iterations with consistent masks, ordered by example key, collected. */
  private static Samples consistentSamples(SparkSession spark, ScoreSettings s, Dataset<Row> rows, Broadcast<byte[]> model,
      String fingerprint, int[] shape) {
    SamplerConfig cfg = s.samplerConfig().withMaskMode(MaskMode.CONSISTENT);
    LongAccumulator acc = spark.sparkContext().longAccumulator("mcposterior joint candidates sampled");
    ScoreTask task = new ScoreTask(model, fingerprint, s, cfg, shape, acc);
    int iterations = s.iterations();
    List<Tuple2<String, float[]>> collected = examples(rows, rows.schema().fields()[0]).mapPartitions(it -> {
      List<Tuple2<String, float[]>> outRows = new ArrayList<>();
      task.run(it, 0, iterations, (batch, samples, moments) -> {
        int len = samples.outputSize() * samples.iterations();
        for (int n = 0; n < batch.size(); n++) {
          float[] ex = new float[len];
          samples.copyExample(n, ex, 0);
          outRows.add(new Tuple2<>(batch.get(n).key(), ex));
        }
      });
      return outRows.iterator();
    }).collect();
    List<Tuple2<String, float[]>> sorted = new ArrayList<>(collected);
    sorted.sort(Comparator.comparing(Tuple2::_1));
    int len = sorted.isEmpty() ? 0 : sorted.get(0)._2().length;
    float[] all = new float[sorted.size() * len];
    for (int i = 0; i < sorted.size(); i++) {
      System.arraycopy(sorted.get(i)._2(), 0, all, i * len, len);
    }
    int outputs = len / iterations;
    return Samples.of(all, sorted.size(), outputs, iterations);
  }

  /**
   * Reads the model file through Hadoop's file systems (local paths, HDFS, S3, ...), after checking
   * that it fits in one broadcast array and in the driver's heap beside its deserialised copy.
   */
  static byte[] readModel(String model, Configuration conf) {
    try {
      Path p = UserPaths.parse("--model", model);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p) || !fs.getFileStatus(p).isFile()) {
        throw new ModelLoadException("model file " + model + " does not exist or is not a file; expected a DL4J model"
            + " zip written by ModelSerializer.writeModel or net.save(file)");
      }
      long length = fs.getFileStatus(p).getLen();
      long heap = Runtime.getRuntime().maxMemory();
      if (length > ResourceCheck.MAX_ARRAY || length * 4 > heap) {
        throw new ModelLoadException("model file " + model + " is " + ResourceCheck.bytes(length) + "; the driver reads it"
            + " whole and holds it with its parameters (about 4 x its size), more than "
            + (length > ResourceCheck.MAX_ARRAY ? "one Java array (2 GiB)" : "its heap (" + ResourceCheck.bytes(heap)
            + ")") + "; expected a model under " + ResourceCheck.bytes(Math.min(ResourceCheck.MAX_ARRAY, heap / 4))
            + (length > ResourceCheck.MAX_ARRAY ? "" : ", or a larger driver heap (bin/mcposterior:"
            + " MCPOSTERIOR_JAVA_OPTS=-Xmx16g; spark-submit: --driver-memory)"));
      }
      try (InputStream in = fs.open(p)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model file " + model + ": " + e.getMessage(), e);
    }
  }

  private static void writeJson(FileSystem fs, Path p, Map<String, Object> value) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    try (OutputStream o = fs.create(p, true)) {
      mapper.writeValue(o, value);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /**
   * The driver JVM's heap high-water marks since construction. {@code peakBytes} is what the heap
   * pools held at most, garbage included (an upper bound; it grows with -Xmx, not with the pool).
   * {@code liveBytes} is the most the old generation held right after a collection: the data the
   * JVM really kept, the figure that must stay flat as pools grow. In local mode the executors
   * share the JVM, so both count their work too.
   */
  static final class HeapPeak implements AutoCloseable {
    private final java.util.concurrent.ScheduledExecutorService timer;
    private volatile long live;

    HeapPeak() {
      for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == java.lang.management.MemoryType.HEAP) {
          p.resetPeakUsage();
        }
      }
      timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mcposterior-heap");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleAtFixedRate(this::sample, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void sample() {
      for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == java.lang.management.MemoryType.HEAP && p.getName().contains("Old")
            && p.getCollectionUsage() != null) {
          live = Math.max(live, p.getCollectionUsage().getUsed());
        }
      }
    }

    long peakBytes() {
      long sum = 0;
      for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == java.lang.management.MemoryType.HEAP && p.getPeakUsage() != null) {
          sum += p.getPeakUsage().getUsed();
        }
      }
      return sum;
    }

    long liveBytes() {
      sample();
      return live;
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** An iterator that refills a buffer batch by batch from its source, so tasks stream their rows. */
  abstract static class BatchIterator<T> implements Iterator<T> {
    private final List<T> buffer = new ArrayList<>();
    private int pos;

    abstract void fill(List<T> buffer);

    abstract boolean exhausted();

    @Override
    public boolean hasNext() {
      while (pos >= buffer.size()) {
        if (exhausted()) {
          return false;
        }
        buffer.clear();
        pos = 0;
        fill(buffer);
      }
      return true;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return buffer.get(pos++);
    }
  }

  /** At most {@code n} items of {@code it}, so one fill samples one batch. */
  static <T> Iterator<T> single(Iterator<T> it, int n) {
    return new Iterator<>() {
      private int taken;

      @Override
      public boolean hasNext() {
        return taken < n && it.hasNext();
      }

      @Override
      public T next() {
        taken++;
        return it.next();
      }
    };
  }
}
