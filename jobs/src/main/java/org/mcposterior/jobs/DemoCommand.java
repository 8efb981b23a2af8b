package org.mcposterior.jobs;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.jobs.report.ReportJob;
import org.mcposterior.jobs.report.ReportSettings;
import org.mcposterior.jobs.score.ScoreJob;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.models.Network;
import org.mcposterior.spark.ScorerSettings;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the scoring job end to end on one machine with nothing to prepare. With Debian's
 * Fashion-MNIST installed it trains a small dropout MLP on part of the training set and scores
 * the test set as the unlabeled pool; otherwise it makes a seeded synthetic pool and network.
 * Then it runs {@code score} in Spark local mode and, where labels are known, shows that the
 * examples BALD picks are the ones the model gets wrong.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Make a small dropout network and a pool (Fashion-MNIST when installed, else synthetic), then run"
        + " score on them in Spark local mode and write the run's HTML report (its path is printed).")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--dir", defaultValue = "mcposterior-demo", description = "Working directory (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--pool-size", defaultValue = "10000", description = "Examples in the pool (default ${DEFAULT-VALUE}).")
  int poolSize;

  @Option(names = "--train-size", defaultValue = "8000", description = "Fashion-MNIST training examples (default ${DEFAULT-VALUE}).")
  int trainSize;

  @Option(names = "--iterations", defaultValue = "20", description = "Stochastic passes per example (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--top-k", defaultValue = "500", description = "Examples to pick (default ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--seed", defaultValue = "0", description = "Master seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--synthetic", description = "Use a synthetic pool even when Fashion-MNIST is installed.")
  boolean synthetic;

  @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist", description = "Fashion-MNIST directory.")
  Path data;

  @Option(names = "--master", description = "Spark master (default local[*]).")
  String master;

  /** What a demo run measured; accuracies are NaN without labels. */
  public record Result(long scored, double poolAccuracy, double pickedAccuracy, Path out) {}

  @Override
  public Integer call() throws Exception {
    run();
    return 0;
  }

  /** Runs the demo and returns what it measured. */
  public Result run() throws Exception {
    boolean fashion = !synthetic && FashionMnist.available(data);
    Path model = dir.resolve("model.zip");
    Path poolPath = dir.resolve("pool.parquet");
    Path out = dir.resolve("scores");
    // Every option is checked before anything is trained or Spark starts.
    if (poolSize < 1 || (fashion && poolSize > 10_000)) {
      throw new org.mcposterior.jobs.score.JobSettingsException("--pool-size = " + poolSize + "; expected "
          + (fashion ? "1 to 10000 (Fashion-MNIST's test images, the demo's pool)" : "at least 1"));
    }
    if (fashion && (trainSize < 1 || trainSize > 60_000)) {
      throw new org.mcposterior.jobs.score.JobSettingsException("--train-size = " + trainSize + "; expected 1 to"
          + " 60000 (Fashion-MNIST's training images)");
    }
    ScoreSettings s = ScoreSettings.builder().model(model.toString()).pool(poolPath.toString()).out(out.toString())
        .topK(topK).overwrite(true).master(master)
        .scorer(ScorerSettings.builder().iterations(iterations).seed(seed).build()).build();
    org.mcposterior.spark.Preflight.check(s.scorer(), topK, master, 0, 0);
    Files.createDirectories(dir);
    float[][] pool;
    int[] labels = null;
    MultiLayerNetwork net;
    long t0 = System.nanoTime();
    if (fashion) {
      FashionMnist.Split train = FashionMnist.load(data, true, trainSize);
      FashionMnist.Split test = FashionMnist.load(data, false, poolSize);
      net = train(train, seed);
      pool = test.images();
      labels = test.labels();
      System.out.printf(Locale.ROOT, "demo: trained a dropout MLP 784-256-10 on %d Fashion-MNIST images in %.1f s;"
          + " pool = %d test images%n", train.images().length, (System.nanoTime() - t0) / 1e9, pool.length);
    } else {
      net = syntheticNetwork(seed);
      pool = syntheticPool(seed, poolSize, 64);
      System.out.printf(Locale.ROOT, "demo: synthetic pool of %d examples x 64 features, dropout MLP 64-128-10%n",
          pool.length);
    }
    Network.of(net).save(model);
    try (CommandSession session = CommandSession.open("mcposterior demo", master)) {
      SparkSession spark = session.spark();
      writePool(spark, poolPath, pool, labels);
      Map<String, Object> summary = ScoreJob.run(spark, s);
      System.out.printf(Locale.ROOT, "demo: scored %s examples x %d iterations in %.1f s (%,.0f example-iterations/s) on %s%n",
          ((Map<?, ?>) summary.get("counts")).get("scored"), iterations,
          ((Map<?, ?>) summary.get("timings")).get("score_seconds"), summary.get("example_iterations_per_second"),
          spark.sparkContext().master());
      List<Row> top = spark.read().parquet(out.resolve("top_k").toString()).orderBy("rank").collectAsList();
      System.out.println("demo: top 5 by BALD: ");
      for (Row r : top.subList(0, Math.min(5, top.size()))) {
        System.out.printf(Locale.ROOT, "  #%d %s  BALD %.4f  entropy %.4f  predicted %d%n", r.getInt(0), r.get(1),
            r.getDouble(r.fieldIndex(Heuristic.BALD.scoreColumn())), r.getDouble(r.fieldIndex(Heuristic.ENTROPY.scoreColumn())),
            r.getInt(r.fieldIndex("predicted_class")));
      }
      double[] acc = labels == null ? new double[] {Double.NaN, Double.NaN} : report(spark, out, labels, top);
      System.out.println("demo: outputs in " + out.toAbsolutePath() + " (scores/, top_k/, top_k_json/, summary.json)");
      Path reportPath = dir.resolve("report.html");
      var report = ReportJob.run(spark, ReportSettings.of(out.toString(), reportPath.toString(), true,
          labels == null ? null : "label", fashion ? List.of(1, 28, 28) : null));
      System.out.printf(Locale.ROOT, "demo: report (made in %.1f s): %s%n", report.seconds(), report.out());
      return new Result(((Number) ((Map<?, ?>) summary.get("counts")).get("scored")).longValue(), acc[0], acc[1], out);
    }
  }

  /** Accuracy on the whole pool vs on the picked examples: BALD should pick the model's mistakes. */
  private static double[] report(SparkSession spark, Path out, int[] labels, List<Row> top) {
    Map<String, Integer> predicted = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("scores").toString()).select(col("id"), col("predicted_class"))
        .collectAsList()) {
      predicted.put(r.getString(0), r.getInt(1));
    }
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      right += predicted.get(id(i)) == labels[i] ? 1 : 0;
    }
    int topRight = 0;
    for (Row r : top) {
      int i = Integer.parseInt(r.getString(1).substring(3));
      topRight += r.getInt(r.fieldIndex("predicted_class")) == labels[i] ? 1 : 0;
    }
    double pool = (double) right / labels.length;
    double picked = (double) topRight / Math.max(1, top.size());
    System.out.printf(Locale.ROOT, "demo: accuracy on the whole pool %.1f%%, on the %d examples BALD picked %.1f%%%n",
        100 * pool, top.size(), 100 * picked);
    return new double[] {pool, picked};
  }

  static String id(int i) {
    return String.format(Locale.ROOT, "ex-%05d", i);
  }

  /** The pool as Parquet: id, features and, when known, the label (which scoring ignores; the report reads it). */
  private static void writePool(SparkSession spark, Path path, float[][] x, int[] labels) {
    List<Row> rows = new ArrayList<>(x.length);
    for (int i = 0; i < x.length; i++) {
      Float[] f = new Float[x[i].length];
      for (int j = 0; j < f.length; j++) {
        f[j] = x[i][j];
      }
      rows.add(labels == null ? RowFactory.create(id(i), f) : RowFactory.create(id(i), f, labels[i]));
    }
    // Spread over slices of at most about 256 KiB of features, so no task carries the whole pool
    // (a local list in createDataFrame is one task of 16 MiB, which Spark warns about).
    long bytes = (long) x.length * (x.length == 0 ? 0 : x[0].length) * 4;
    int slices = (int) Math.max(4, Math.min(x.length, bytes / (256 << 10) + 1));
    var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<org.apache.spark.sql.types.StructField> fields = new ArrayList<>(List.of(
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)));
    if (labels != null) {
      fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
    }
    spark.createDataFrame(jsc.parallelize(rows, slices), DataTypes.createStructType(fields))
        .repartition(4).write().mode("overwrite").parquet(path.toString());
  }

  /**
   * A dropout MLP trained for one epoch (Adam) on the given split; seeded, and on one thread so a
   * rerun trains the same weights (nd4j's multi-threaded reductions and BLAS sum in varying order).
   */
  static MultiLayerNetwork train(FashionMnist.Split train, long seed) {
    var env = Nd4j.getEnvironment();
    int threads = env.maxThreads(), master = env.maxMasterThreads();
    int blas = org.mcposterior.platform.NativeGemm.threads();
    env.setMaxThreads(1);
    env.setMaxMasterThreads(1);
    org.mcposterior.platform.NativeGemm.setThreads(1);
    try {
      return trainSingleThreaded(train, seed);
    } finally {
      env.setMaxThreads(threads);
      env.setMaxMasterThreads(master);
      org.mcposterior.platform.NativeGemm.setThreads(blas);
    }
  }

  private static MultiLayerNetwork trainSingleThreaded(FashionMnist.Split train, long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(org.mcposterior.models.ReferenceNetworks.dl4jSeed(seed))
        .weightInit(WeightInit.XAVIER).updater(new Adam(1e-3)).dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(10).activation(Activation.SOFTMAX)
            .dropOut(0.5).build())
        .build());
    net.init();
    int n = train.images().length, batch = 128;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    Nd4j.getRandom().setSeed(org.mcposterior.models.ReferenceNetworks.dl4jSeed(seed)); // training dropout masks
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int start = 0; start < n; start += batch) {
      int m = Math.min(batch, n - start);
      float[] x = new float[m * 784];
      float[] y = new float[m * 10];
      for (int k = 0; k < m; k++) {
        int i = order[start + k];
        System.arraycopy(train.images()[i], 0, x, k * 784, 784);
        y[k * 10 + train.labels()[i]] = 1f;
      }
      INDArray in = Nd4j.create(x, new long[] {m, 784}, 'c');
      INDArray lab = Nd4j.create(y, new long[] {m, 10}, 'c');
      net.fit(new DataSet(in, lab));
    }
    return net;
  }

  static MultiLayerNetwork syntheticNetwork(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(org.mcposterior.models.ReferenceNetworks.dl4jSeed(seed))
        .weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(64).nOut(128).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10).activation(Activation.SOFTMAX)
            .dropOut(0.5).build())
        .build());
    net.init();
    return net;
  }

  static float[][] syntheticPool(long seed, int n, int width) {
    SplittableRandom r = new SplittableRandom(seed + 1);
    float[][] x = new float[n][width];
    for (float[] row : x) {
      for (int j = 0; j < width; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    return x;
  }
}
