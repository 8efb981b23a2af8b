package org.mcposterior.jobs.cluster;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A tiny Spark application for the cluster tests, submitted with spark-submit like the product:
 * records {@code 0..n-1} in a few partitions; every task builds a small DL4J network (so nd4j's
 * native libraries must load in each executor JVM) and computes its softmax output for each record.
 * The driver writes a result file that {@link #expectedRecords} reproduces in-process.
 *
 * <p>Result file: {@code key=value} header lines ({@code records}, {@code sum}, {@code executors},
 * {@code retriedPartitions}, and the distinct values seen by the tasks of what a deployment must get
 * into executors: {@code backends} (nd4j backend), {@code coretypes}, {@code ompThreads},
 * {@code openblasThreads}, {@code javacppPlatforms}, {@code javacppMaxBytes}), then one line per
 * record: id and its three probabilities. {@code retriedPartitions} counts partitions whose successful
 * attempt was not the first (an accumulator, so failed attempts add nothing): after an executor is
 * killed mid-task it is at least 1.
 *
 * <p>Fault injection: with {@code --marker-dir}, every task first writes a marker naming its
 * executor's pid (the protocol of {@link StandaloneCluster#killExecutorNamedInMarker}); with
 * {@code --sleep-ms-per-record} tasks last long enough to be killed; with {@code --fail-in-task}
 * every task throws, so the job fails and the exit code must be non-zero. Exit code: 0 on success,
 * 1 on any failure (picocli's execution-error code, as the product's {@code Main}).
 */
@Command(name = "cluster-smoke-app", mixinStandardHelpOptions = true,
    description = "Counts records and runs a DL4J network on each, on whatever cluster spark-submit gives it.")
public final class ClusterSmokeApp implements Callable<Integer> {

  /** The message of the failure {@code --fail-in-task} injects, for tests to find in the driver's log. */
  static final String INJECTED_FAILURE = "injected failure in a task (--fail-in-task)";

  @Option(names = "--records", defaultValue = "40", description = "Records 0..n-1 (default ${DEFAULT-VALUE}).")
  int records;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--sleep-ms-per-record", defaultValue = "0", description = "Sleep per record, to make tasks slow.")
  long sleepMsPerRecord;

  @Option(names = "--marker-dir", description = "Every task writes a marker with its executor's pid here.")
  Path markerDir;

  @Option(names = "--fail-in-task", description = "Every task throws (to test that failures exit non-zero).")
  boolean failInTask;

  @Option(names = "--output", required = true, description = "Result file, written by the driver at the end.")
  Path output;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusterSmokeApp()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    List<RecordResult> results;
    long retried;
    try (JavaSparkContext jsc = new JavaSparkContext(new SparkConf().setAppName("mcposterior-cluster-smoke"))) {
      LongAccumulator retriedPartitions = jsc.sc().longAccumulator("retried partitions");
      List<Integer> ids = IntStream.range(0, records).boxed().collect(Collectors.toList());
      results = jsc.parallelize(ids, partitions)
          .mapPartitions(new PartitionTask(sleepMsPerRecord, markerDir == null ? null : markerDir.toString(), failInTask,
              retriedPartitions))
          .collect();
      retried = retriedPartitions.value();
    }
    List<RecordResult> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingInt(RecordResult::id));
    StringBuilder sb = new StringBuilder();
    sb.append("records=").append(sorted.size()).append('\n');
    sb.append("sum=").append(sorted.stream().mapToLong(RecordResult::id).sum()).append('\n');
    sb.append("executors=").append(distinct(sorted, RecordResult::executorId)).append('\n');
    sb.append("backends=").append(distinct(sorted, r -> r.environment().backend())).append('\n');
    sb.append("coretypes=").append(distinct(sorted, r -> r.environment().coretype())).append('\n');
    sb.append("ompThreads=").append(distinct(sorted, r -> r.environment().ompThreads())).append('\n');
    sb.append("openblasThreads=").append(distinct(sorted, r -> r.environment().openblasThreads())).append('\n');
    sb.append("javacppPlatforms=").append(distinct(sorted, r -> r.environment().javacppPlatform())).append('\n');
    sb.append("javacppMaxBytes=").append(distinct(sorted, r -> r.environment().javacppMaxBytes())).append('\n');
    sb.append("retriedPartitions=").append(retried).append('\n');
    for (RecordResult r : sorted) {
      sb.append(recordLine(r.id(), r.probabilities())).append('\n');
    }
    Path tmp = output.resolveSibling("." + output.getFileName() + ".tmp");
    Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("cluster-smoke-app: " + sorted.size() + " records, retried partitions " + retried);
    return 0;
  }

  /** The record lines of the result file computed in this JVM, for comparison with a cluster run. */
  static List<String> expectedRecords(int records) {
    MultiLayerNetwork net = network();
    return IntStream.range(0, records).mapToObj(id -> recordLine(id, probabilities(net, id))).collect(Collectors.toList());
  }

  static String recordLine(int id, float[] p) {
    return id + " " + IntStream.range(0, p.length).mapToObj(i -> Float.toString(p[i])).collect(Collectors.joining(" "));
  }

  /**
   * A 4-8-3 tanh/softmax network with fixed parameters {@code 0.5 sin(k+1)}: the same in every JVM
   * without depending on any random generator.
   */
  static MultiLayerNetwork network() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3).activation(Activation.SOFTMAX)
            .build())
        .build());
    net.init();
    int n = (int) net.numParams();
    float[] params = new float[n];
    for (int k = 0; k < n; k++) {
      params[k] = (float) (0.5 * Math.sin(k + 1));
    }
    net.setParams(Nd4j.create(params, new long[] {1, n}, DataType.FLOAT));
    return net;
  }

  /** The network's softmax output for one record, one row at a time so batching cannot change a bit. */
  static float[] probabilities(MultiLayerNetwork net, int id) {
    float[] x = {(float) Math.sin(id), (float) Math.cos(id), (id % 10) / 10f, 1f};
    return net.output(Nd4j.create(x, new long[] {1, 4}, DataType.FLOAT), false).data().asFloat();
  }

  private static String distinct(List<RecordResult> rs, Function<RecordResult, String> f) {
    return String.join(",", rs.stream().map(f).collect(Collectors.toCollection(TreeSet::new)));
  }

  /** One record's output and where it was computed. */
  record RecordResult(int id, float[] probabilities, String executorId, TaskEnvironment environment)
      implements Serializable {
  }

  /**
   * What a task saw of its JVM: the nd4j backend that loaded, the BLAS variables of its environment
   * ({@code spark.executorEnv.*}) and the JavaCPP system properties ({@code extraJavaOptions}).
   */
  record TaskEnvironment(String backend, String coretype, String ompThreads, String openblasThreads,
      String javacppPlatform, String javacppMaxBytes) implements Serializable {

    static TaskEnvironment current() {
      return new TaskEnvironment(Nd4j.getBackend().getClass().getSimpleName(), String.valueOf(System.getenv(
          "OPENBLAS_CORETYPE")), String.valueOf(System.getenv("OMP_NUM_THREADS")),
          String.valueOf(System.getenv("OPENBLAS_NUM_THREADS")), String.valueOf(System.getProperty("javacpp.platform")),
          Long.toString(Pointer.maxBytes()));
    }
  }

  /** The work of one task; serializable, captures nothing of the driver but its own fields. */
  static final class PartitionTask implements FlatMapFunction<Iterator<Integer>, RecordResult> {
    private static final long serialVersionUID = 1L;
    private final long sleepMs;
    private final String markerDir;
    private final boolean fail;
    private final LongAccumulator retried;

    PartitionTask(long sleepMs, String markerDir, boolean fail, LongAccumulator retried) {
      this.sleepMs = sleepMs;
      this.markerDir = markerDir;
      this.fail = fail;
      this.retried = retried;
    }

    @Override
    public Iterator<RecordResult> call(Iterator<Integer> ids) throws Exception {
      TaskContext tc = TaskContext.get();
      String executorId = SparkEnv.get().executorId();
      if (markerDir != null) {
        writeMarker(Path.of(markerDir), String.format(Locale.ROOT, "executor-%s-partition-%d-attempt-%d", executorId,
            tc.partitionId(), tc.attemptNumber()));
      }
      if (fail) {
        throw new IllegalStateException(INJECTED_FAILURE);
      }
      if (tc.attemptNumber() > 0) {
        retried.add(1);
      }
      MultiLayerNetwork net = network();
      TaskEnvironment env = TaskEnvironment.current();
      List<RecordResult> out = new ArrayList<>();
      while (ids.hasNext()) {
        int id = ids.next();
        if (sleepMs > 0) {
          Thread.sleep(sleepMs);
        }
        out.add(new RecordResult(id, probabilities(net, id), executorId, env));
      }
      return out.iterator();
    }

    /** Writes this JVM's pid under a temporary name and moves it into place, so readers never see half a marker. */
    private static void writeMarker(Path dir, String name) {
      try {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + name + "." + UUID.randomUUID());
        Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the task marker " + name + " in " + dir, e);
      }
    }
  }
}
