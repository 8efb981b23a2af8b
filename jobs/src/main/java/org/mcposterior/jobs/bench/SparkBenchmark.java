package org.mcposterior.jobs.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.heuristics.Reduction;
import org.mcposterior.jobs.score.ScoreJob;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.models.Network;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.platform.NativeGemm;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stochastic.McDropout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The scoring job in Spark local mode against the in-process core sampler, on the same pool, seed
 * and machine, in one run: the overhead Spark adds (reading Parquet, tasks, moments, writing).
 */
public final class SparkBenchmark {

  /** Example-iterations per second of each route. */
  public record Result(String network, int examples, int iterations, double inProcessSampler, double inProcessScored,
      double spark, String master) {
    public double ratio() {
      return spark / inProcessSampler;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "pool %,d x T=%d, %s MC dropout:%n"
          + "  in-process core sampler (%d threads x 1 BLAS)   %,10.0f ex-it/s%n"
          + "  in-process sampler + moments + scores          %,10.0f ex-it/s%n"
          + "  Spark %-10s score stage (read..write)     %,10.0f ex-it/s  = %.1f%% of the in-process sampler",
          examples, iterations, network, Runtime.getRuntime().availableProcessors(), inProcessSampler, inProcessScored,
          master,
          spark, 100 * ratio());
    }
  }

  private SparkBenchmark() {}

  /** The MLP benchmark with batches of 256. */
  public static Result run(int examples, int iterations, String master, Path work) throws Exception {
    return run("MLP 784-512-512-10", ReferenceNetworks.mlp(1), examples, iterations, 256, master, work);
  }

  /**
   * {@code net} (784 inputs) over a seeded pool: in-process with the same batches, keys and
   * threads the job's tasks use, then through the job in Spark.
   */
  public static Result run(String name, MultiLayerNetwork net, int examples, int iterations, int batch, String master,
      Path work) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    Files.createDirectories(work);
    Path model = work.resolve("mlp.zip");
    Network.of(net).save(model);
    float[][] x = new float[examples][784];
    SplittableRandom r = new SplittableRandom(7);
    for (float[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) r.nextDouble();
      }
    }
    // In-process: the same batches, keys and threads the job's tasks use.
    NativeGemm.setThreads(1);
    double sampler = 0, scored = 0;
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults().withSeed(3).withThreads(cores))) {
      for (int round = 0; round < 3; round++) {
        long t0 = System.nanoTime();
        long t1 = 0;
        double scoringNanos = 0;
        for (int start = 0; start < examples; start += batch * cores) {
          int n = Math.min(batch * cores, examples - start);
          float[] flat = new float[n * 784];
          long[] keys = new long[n];
          for (int i = 0; i < n; i++) {
            System.arraycopy(x[start + i], 0, flat, i * 784, 784);
            keys[i] = KeyedRandom.exampleKey("ex-" + (start + i));
          }
          INDArray in = Nd4j.create(flat, new long[] {n, 784}, 'c');
          Samples samples = s.predictOnBatch(in, keys, iterations);
          long ts = System.nanoTime();
          PosteriorScores.of(MomentsBatch.of(samples, Probabilities.AUTO), Reduction.MEAN);
          scoringNanos += System.nanoTime() - ts;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (round > 0) {
          sampler = Math.max(sampler, examples * (double) iterations / (secs - scoringNanos / 1e9));
          // scoring ran on one thread here; the job scores inside each task, in parallel
          scored = Math.max(scored, examples * (double) iterations / (secs - scoringNanos / 1e9 + scoringNanos / 1e9 / cores));
        }
      }
    }
    SparkSession spark = SparkSession.builder().master(master).appName("mcposterior bench spark")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", String.valueOf(cores)).getOrCreate();
    try {
      List<Row> rows = new ArrayList<>(examples);
      for (int i = 0; i < examples; i++) {
        Float[] f = new Float[784];
        for (int j = 0; j < 784; j++) {
          f[j] = x[i][j];
        }
        rows.add(RowFactory.create("ex-" + i, f));
      }
      Path pool = work.resolve("pool.parquet");
      spark.createDataFrame(rows, DataTypes.createStructType(List.of(
          DataTypes.createStructField("id", DataTypes.StringType, false),
          DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false))))
          .repartition(cores * 4).write().mode("overwrite").parquet(pool.toString());
      rows = null;
      double best = 0;
      for (int round = 0; round < 2; round++) {
        ScoreSettings settings = ScoreSettings.builder().model(model.toString()).pool(pool.toString())
            .out(work.resolve("out").toString()).topK(1000).overwrite(true).master(master)
            .scorer(ScorerSettings.builder().iterations(iterations).seed(3).batchSize(batch).build()).build();
        Map<String, Object> summary = ScoreJob.run(spark, settings);
        best = Math.max(best, ((Number) summary.get("example_iterations_per_second")).doubleValue());
      }
      return new Result(name, examples, iterations, sampler, scored, best, master);
    } finally {
      spark.stop();
    }
  }
}
