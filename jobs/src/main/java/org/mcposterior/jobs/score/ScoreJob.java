package org.mcposterior.jobs.score;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.spark.CauseText;
import org.mcposterior.spark.ModelFiles;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.spark.RunFormat;
import org.mcposterior.spark.RunObserver;
import org.mcposterior.spark.ScoredPool;
import org.mcposterior.spark.ValidatedPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code score} command's run: files in, files out, through the scoring API.
 *
 * <ol>
 *   <li>Claim {@code --out} ({@link OutputDir}): nothing is written anywhere else, and nothing
 *       lands there until the run is complete.
 *   <li>Read the model ({@link ModelFiles}) and build the {@link PosteriorScorer}, which refuses a
 *       model with nothing stochastic or an input shape that does not fit it.
 *   <li>Read the pool (and EPIG's target) in its {@code --format} ({@link PoolReader}) and let the
 *       API validate it, before any sampling.
 *   <li>Score through the API, write the scores to Parquet, select the top-k from the written
 *       scores (the API's ordered take, or BatchBALD / EPIG), write it as Parquet and JSON, write
 *       the run summary, and commit.
 * </ol>
 */
public final class ScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);

  private ScoreJob() {}

  /**
   * Runs the job; returns the run summary (also written to {@code <out>/summary.json}).
   *
   * <p>Unless the session sets it, {@code spark.sql.files.minPartitionNum} is raised to four times
   * the default parallelism for the run, so the pool's files are split into enough tasks that the
   * last wave leaves few cores idle, without a shuffle (Spark's defaults would give a 300 MB pool 3
   * tasks on 2 cores, one core idle for a third of the run).
   */
  public static Map<String, Object> run(SparkSession spark, ScoreSettings s) throws IOException {
    return run(spark, s, RunObserver.NONE);
  }

  /**
   * {@link #run(SparkSession, ScoreSettings)}, with {@code observer} told as each scoring task starts
   * and before the output is committed ({@link RunObserver}: how tests act at a known point of a run).
   */
  public static Map<String, Object> run(SparkSession spark, ScoreSettings s, RunObserver observer) throws IOException {
    String key = "spark.sql.files.minPartitionNum";
    boolean set = spark.conf().contains(key);
    if (!set) {
      spark.conf().set(key, Integer.toString(4 * spark.sparkContext().defaultParallelism()));
    }
    long t0 = System.nanoTime();
    try (HeapPeak heap = new HeapPeak()) {
      Map<String, String> inputs = new LinkedHashMap<>();
      inputs.put("--model", s.model());
      // A table read by name has no path: it cannot overlap --out (ScoresTable checks --out-table against it).
      boolean files = !TableSource.isTable(s.format());
      inputs.put("--pool", files || TableSource.isPath(s.pool()) ? s.pool() : null);
      inputs.put("--target", s.target() != null && (files || TableSource.isPath(s.target())) ? s.target() : null);
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      try (OutputDir out = OutputDir.claim(s.out(), s.overwrite(), inputs, hadoop, "score", true)) {
        try {
          return score(spark, s, t0, heap, out, hadoop, observer);
        } catch (Throwable e) {
          out.abort(e);
          throw e;
        }
      }
    } finally {
      if (!set) {
        spark.conf().unset(key);
      }
    }
  }

  private static Map<String, Object> score(SparkSession spark, ScoreSettings s, long t0, HeapPeak heap, OutputDir out,
      Configuration hadoop, RunObserver observer) throws IOException {
    byte[] model = ModelFiles.read(UserPaths.parse("--model", s.model()), s.model(), hadoop);
    PosteriorScorer scorer = PosteriorScorer.fromBytes(model, s.model(), s.scorer());
    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("model_seconds", seconds(t0));
    long tv = System.nanoTime();
    String run = out.runId();
    ValidatedPool pool;
    ValidatedPool target;
    ScoredPool scored;
    TableSource.Read poolRead;
    TableSource.Read targetRead;
    ScoresTable table;
    try (JobPhase ph = JobPhase.start(spark.sparkContext(), "score", run, "validate", "read and validate the pool"
        + (s.target() == null ? "" : " and the target") + " (" + s.format() + ")")) {
      poolRead = PoolReader.load(spark, s.format(), s.pool(), s.poolVersion(), "pool");
      targetRead = s.target() == null ? null : PoolReader.load(spark, s.format(), s.target(), s.targetVersion(),
          "target");
      table = s.outTable() == null ? null : ScoresTable.check(spark, s, inputTables(spark, s));
      pool = scorer.validate(poolRead.rows(), "pool", s.pool());
      target = targetRead == null ? null : scorer.validate(targetRead.rows(), "target", s.target());
      scored = scorer.score(pool, observer);
      scorer.checkSelection(s.topK(), target);
    }
    // The summary's settings name the versions read, so they reproduce the run's rows.
    ScoreSettings read = s.withVersionsRead(poolRead.version(), targetRead == null ? null : targetRead.version());
    timings.put("validate_seconds", seconds(tv));
    LOG.info("scoring {} examples: {} partitions x {} iteration shards, T = {}", pool.scored(), scored.partitions(),
        scored.shards(), s.scorer().iterations());

    OutputDir.Resumed resumed;
    boolean partsKept;
    long reusedRows;
    try (JobPhase ph = JobPhase.start(spark.sparkContext(), "score", run, "resume", "look for the committed parts of"
        + " an earlier run with the same settings")) {
      resumed = out.resume(ResumeKey.of(spark, read, scorer.fingerprint(), pool, target, scored), "scores", s.resume());
      if (resumed.note() != null) {
        LOG.info(resumed.note());
      }
      partsKept = out.fs().exists(new Path(out.tmp("scores")));
      reusedRows = resumed.partitions().isEmpty() ? 0 : spark.read().parquet(out.tmp("scores")).count();
    }

    long t1 = System.nanoTime();
    long remaining = scored.shards() == 1 ? pool.scored() - reusedRows : pool.scored();
    try (JobPhase ph = JobPhase.start(spark.sparkContext(), "score", run, "sample", "sample T = "
        + s.scorer().iterations() + " of " + remaining + " examples in " + scored.partitions() + " partitions x "
        + scored.shards() + " iteration shards, merge the shards' moments, write the scores");
        ProgressLog p = new ProgressLog(spark.sparkContext(), scored.progress(), remaining * scored.shards(),
        s.scorer().iterations() / (double) scored.shards(), Long.getLong("mcposterior.progressMillis", 10_000))) {
      // File output committer algorithm 2: each task's part file lands in scores/ when the task
      // commits, so a run killed half way leaves its finished partitions for a rerun to resume from.
      scored.scoresSkipping(resumed.partitions()).write().mode(partsKept ? SaveMode.Append : SaveMode.ErrorIfExists)
          .option("mapreduce.fileoutputcommitter.algorithm.version", "2").parquet(out.tmp("scores"));
    }
    double scoreSecs = seconds(t1);
    timings.put("score_seconds", scoreSecs);

    long t2 = System.nanoTime();
    long picked;
    boolean joint = s.scorer().jointHeuristic();
    try (JobPhase ph = JobPhase.start(spark.sparkContext(), "score", run, joint ? "joint selection" : "top-k",
        (joint ? "resample the best candidates with consistent masks and pick " : "pick the top ") + s.topK()
        + " by " + s.scorer().heuristic() + ", write them")) {
      Dataset<Row> written = spark.read().parquet(out.tmp("scores"));
      Dataset<Row> topK = scorer.select(pool, target, written, s.topK());
      topK.write().parquet(out.tmp("top_k"));
      topK.write().json(out.tmp("top_k_json"));
      picked = topK.count();
    }
    Map<String, Object> tableWritten = null;
    if (table != null) {
      long tt = System.nanoTime();
      try (JobPhase ph = JobPhase.start(spark.sparkContext(), "score", run, "table", "write the scores and the"
          + " picks' ranks to " + table.name() + " in one commit")) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("mcposterior.run_id", run);
        props.put("mcposterior.summary", new Path(SummaryPaths.qualify("out", s.out(), hadoop), OutputDir.SUMMARY).toString());
        props.put("mcposterior.heuristic", s.scorer().heuristic().toString());
        props.put("mcposterior.model_fingerprint", scorer.fingerprint());
        props.put("mcposterior.pool", s.pool() + (poolRead.version() == null ? "" : " @ " + poolRead.version()));
        String version = table.write(spark, spark.read().parquet(out.tmp("scores")),
            spark.read().parquet(out.tmp("top_k")), s.scorer().idColumn(), props);
        tableWritten = new LinkedHashMap<>();
        tableWritten.put("name", table.name());
        tableWritten.put("version", version);
      } catch (JobInputException e) {
        throw e;
      } catch (Exception e) { // AnalysisException: checked in Java's eyes
        throw new JobInputException("--out-table " + table.name() + " could not be written: " + CauseText.of(e)
            + "; the table is unchanged (its format commits a write whole or not at all) and --out holds nothing:"
            + " fix the cause and run again", e);
      }
      timings.put("table_seconds", seconds(tt));
    }
    timings.put("top_k_seconds", seconds(t2));
    timings.put("total_seconds", seconds(t0));

    Map<String, Object> summary = new LinkedHashMap<>(RunFormat.SUMMARY.header());
    summary.put("status", "succeeded");
    summary.put("settings", SummaryPaths.qualified(read.toMap(), hadoop, pathKeys(s)));
    if (TableSource.isTable(s.format())) {
      Map<String, Object> tables = new LinkedHashMap<>();
      tables.put("pool", tableRead(poolRead));
      if (targetRead != null) {
        tables.put("target", tableRead(targetRead));
      }
      summary.put("tables_read", tables);
    }
    if (tableWritten != null) {
      summary.put("table_written", tableWritten);
    }
    summary.put("seed", s.scorer().seed());
    summary.put("model_fingerprint", scorer.fingerprint());
    summary.put("input_shape", scorer.inputShape());
    summary.put("stochastic_layers", scorer.stochasticLayers());
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("kind", scorer.outputView().kind().label());
    output.put("decided", s.scorer().outputKind() == null ? "from the output layer" : "by --output-kind");
    output.put("shape", scorer.outputView().rawShape());
    output.put("scored_shape", scorer.outputView().scoredShape());
    output.put("boxes", scorer.outputView().boxes());
    summary.put("output", output);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("rows", pool.total());
    counts.put("skipped_invalid", pool.skipped());
    counts.put("scored", pool.scored());
    counts.put("padded_sequences", pool.padded());
    counts.put("top_k", picked);
    summary.put("counts", counts);
    Map<String, Object> resume = new LinkedHashMap<>();
    resume.put("reused_partitions", resumed.partitions().size());
    resume.put("computed_partitions", scored.outputPartitions() - resumed.partitions().size());
    resume.put("reused_rows", reusedRows);
    summary.put("resume", resume);
    summary.put("plan", Map.of("partitions", scored.partitions(), "iteration_shards", scored.shards(), "tasks",
        scored.tasks(), "default_parallelism", spark.sparkContext().defaultParallelism()));
    summary.put("timings", timings);
    summary.put("examples_per_second", pool.scored() / scoreSecs);
    summary.put("example_iterations_per_second", pool.scored() * (double) s.scorer().iterations() / scoreSecs);
    summary.put("driver_peak_heap_bytes", heap.peakBytes());
    summary.put("driver_peak_live_heap_bytes", heap.liveBytes());
    summary.put("spark", Map.of("master", spark.sparkContext().master(), "app_id", spark.sparkContext().applicationId(),
        "version", spark.version()));
    writeJson(out.fs(), new Path(out.tmpPath(), OutputDir.SUMMARY), summary);
    out.commit(observer);
    LOG.info("wrote {} scores and the top {} by {} to {}{}", pool.scored(), picked, s.scorer().heuristic(), s.out(),
        resumed.partitions().isEmpty() ? "" : " (" + resumed.partitions().size() + " of " + scored.outputPartitions()
            + " partitions reused from the earlier run, " + (scored.outputPartitions() - resumed.partitions().size())
            + " computed)");
    return summary;
  }

  /** The settings that are paths: the pool and target only when read as files or by a table's path. */
  private static String[] pathKeys(ScoreSettings s) {
    java.util.List<String> keys = new java.util.ArrayList<>(java.util.List.of("model", "out"));
    boolean files = !TableSource.isTable(s.format());
    if (files || TableSource.isPath(s.pool())) {
      keys.add("pool");
    }
    if (s.target() != null && (files || TableSource.isPath(s.target()))) {
      keys.add("target");
    }
    return keys.toArray(new String[0]);
  }

  /** The qualified names of the pool's and target's tables read by name and the locations of those read by path. */
  private static java.util.List<String> inputTables(SparkSession spark, ScoreSettings s) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String t : java.util.Arrays.asList(s.pool(), s.target())) {
      if (t == null) {
        continue;
      }
      if (TableSource.isPath(t)) {
        out.add(SummaryPaths.qualify(t.equals(s.pool()) ? "pool" : "target", t, spark.sparkContext().hadoopConfiguration()));
      } else {
        java.util.List<String> parts = TableSource.parts(spark, t, "--pool");
        out.add(String.join(".", TableSource.qualified(spark, parts)));
        String location = TableSource.describe(spark, TableSource.quote(parts), "Location");
        if (location != null) {
          out.add(location);
        }
      }
    }
    return out;
  }

  private static Map<String, Object> tableRead(TableSource.Read r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("provider", r.provider());
    m.put("by", r.byPath() ? "path" : "name");
    m.put("version", r.version());
    return m;
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
}
