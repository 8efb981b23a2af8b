package org.mcposterior.jobs.bench;

import org.mcposterior.models.ReferenceNetworks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.platform.NativeFloats;
import org.mcposterior.platform.NativeGemm;
import org.mcposterior.sampling.PlanProfile;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stochastic.McDropConnect;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.stochastic.StochasticNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Throughput of the core sampler on the reference networks of the performance issue, with the
 * machine's sgemm rate measured in the same run as the ceiling.
 */
public final class SamplerBenchmark {

  /** One measured configuration. */
  public record Result(String name, double exampleIterationsPerSecond, double gflops, double gemmGflops,
      long peakRunnerBytes, long budgetPerThread) {
    public double fractionOfGemm() {
      return gflops / gemmGflops;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-52s %8.0f ex-it/s %6.1f GFLOP/s %5.1f%% of sgemm (%.1f)  peak %.1f of %.0f MiB",
          name, exampleIterationsPerSecond, gflops, 100 * fractionOfGemm(), gemmGflops, peakRunnerBytes / 1048576.0,
          budgetPerThread / 1048576.0);
    }
  }

  private SamplerBenchmark() {}

  /**
   * sgemm rate in GFLOP/s for {@code [m x k] x [k x n]}, best of {@code reps} rounds, each
   * sustained for about half a second (short bursts overstate what a core keeps up).
   */
  public static double gemmRate(int m, int k, int n, int reps) {
    try (NativeFloats a = NativeFloats.allocate((long) m * k); NativeFloats b = NativeFloats.allocate((long) k * n);
        NativeFloats c = NativeFloats.allocate((long) m * n)) {
      for (int i = 0; i < a.length(); i++) {
        a.set(i, (i % 17) * 0.01f);
      }
      for (int i = 0; i < b.length(); i++) {
        b.set(i, (i % 13) * 0.01f);
      }
      double best = 0;
      for (int r = 0; r < reps; r++) {
        int inner = (int) Math.max(10, 40e9 / (2.0 * m * n * k));
        long t0 = System.nanoTime();
        for (int i = 0; i < inner; i++) {
          NativeGemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, 2.0 * m * n * k * inner / s / 1e9);
      }
      return best;
    }
  }

  /**
   * The machine's sgemm ceiling for a thread configuration: {@code threads} Java threads each
   * running their own {@code [m x k] x [k x n]} products at the same time (with the process's
   * current BLAS thread count), summed; best of {@code reps}.
   */
  public static double concurrentGemmRate(int threads, int m, int k, int n, int reps) {
    if (threads == 1) {
      return gemmRate(m, k, n, reps);
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      double best = 0;
      for (int r = 0; r < reps; r++) {
        List<java.util.concurrent.Future<Double>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          fs.add(pool.submit(() -> gemmRate(m, k, n, 1)));
        }
        double sum = 0;
        for (java.util.concurrent.Future<Double> f : fs) {
          sum += f.get();
        }
        best = Math.max(best, sum);
      }
      return best;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Example-iterations per second of {@code net} over {@code pool} in batches of {@code batch},
   * best of {@code rounds} passes over the pool after one warm-up pass.
   */
  public static Result measure(String name, StochasticNetwork net, SamplerConfig cfg, INDArray pool, int batch,
      int iterations, int rounds, double gemm) {
    try (TimedSampler s = new TimedSampler(net, cfg, pool, batch, iterations)) {
      PlanProfile plan = s.profile();
      long[] flops = {plan.flopsPerExample(), plan.flopsPerSample()};
      double best = 0;
      for (int r = 0; r <= rounds; r++) {
        double rate = s.pass();
        if (r > 0) {
          best = Math.max(best, rate);
        }
      }
      double flopsPerExIt = flops[1] + flops[0] / (double) iterations;
      if (Boolean.getBoolean("mcposterior.bench.breakdown")) {
        long[] ns = s.profile().nanosSpent();
        long total = java.util.Arrays.stream(ns).sum();
        for (int i = 0; i < ns.length; i++) {
          if (ns[i] > 0) {
            System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * ns[i] / total, plan.nodes().get(i));
          }
        }
      }
      return new Result(name, best, best * flopsPerExIt / 1e9, gemm, s.sampler().peakRunnerBytes(),
          cfg.memoryBudgetBytes() / cfg.threads());
    }
  }

  /**
   * One network's sampler over a pool, timed pass by pass: what {@link #measure} times, for
   * benchmarks that interleave the passes of several networks so that machine noise hits them
   * alike. A pass samples the whole pool in batches with {@link PosteriorSampler#predictOnDataset}
   * (examples keyed by position) and discards the samples; {@link #seconds} times a slice of the
   * batches, for interleaving at a finer grain. Owns its sampler; not thread-safe.
   */
  public static final class TimedSampler implements AutoCloseable {
    private final PosteriorSampler sampler;
    private final List<INDArray> batches = new ArrayList<>();
    private final int[][] perExample;
    private final int examples;
    private final int iterations;

    /**
     * @param pool the examples, DL4J-shaped ({@code [n, features]} or {@code [n, c, h, w]})
     * @param batch examples per batch
     * @param iterations T, samples per example
     */
    public TimedSampler(StochasticNetwork net, SamplerConfig cfg, INDArray pool, int batch, int iterations) {
      this.examples = (int) pool.size(0);
      this.iterations = iterations;
      for (int i = 0; i < examples; i += batch) {
        batches.add(pool.get(NDArrayIndex.interval(i, Math.min(examples, i + batch))).dup());
      }
      this.perExample = new int[][] {java.util.Arrays.stream(pool.shape()).skip(1).mapToInt(v -> (int) v).toArray()};
      this.sampler = PosteriorSampler.of(net, cfg);
    }

    /** One pass over the pool; returns its example-iterations per second. */
    public double pass() {
      return (double) examples * iterations / seconds(0, batches.size());
    }

    /** Seconds taken to sample batches {@code [from, to)} of the pool (keyed from position 0). */
    public double seconds(int from, int to) {
      long t0 = System.nanoTime();
      sampler.predictOnDataset(batches.subList(from, to).iterator(), iterations, (i, first, samples) -> { }, null);
      return (System.nanoTime() - t0) / 1e9;
    }

    /** The number of batches of the pool. */
    public int batches() {
      return batches.size();
    }

    /** Examples in the pool. */
    public int examples() {
      return examples;
    }

    /** T, samples per example. */
    public int iterations() {
      return iterations;
    }

    /** The plan's costs and the time spent per node so far (compiling the plan if no pass ran yet). */
    public PlanProfile profile() {
      return sampler.profile(perExample);
    }

    public PosteriorSampler sampler() {
      return sampler;
    }

    @Override
    public void close() {
      sampler.close();
    }
  }

  /**
   * Keyed Bernoulli masks drawn and applied per second on one thread, in elements: the cost of a
   * dropout site, measured apart from the network (rows of 512, p = 0.5, fresh key per row).
   */
  public static double maskElementsPerSecond() {
    int n = 512, rows = 20_000;
    int[] index = org.mcposterior.randomness.KeyedRandom.indexTable(n);
    int threshold = org.mcposterior.randomness.KeyedRandom.dropThreshold(0.5);
    float[] x = new float[n];
    int[] bits = new int[n];
    float[] f = new float[n];
    double best = 0;
    for (int r = 0; r < 7; r++) {
      java.util.Arrays.fill(x, 1f);
      long t0 = System.nanoTime();
      for (int row = 0; row < rows; row++) {
        org.mcposterior.randomness.KeyedRandom.applyKeep(org.mcposterior.randomness.KeyedRandom.streamKey(1, row, r, 0),
            index, n, threshold, 2f, x, 0, bits, f);
      }
      best = Math.max(best, (double) n * rows / ((System.nanoTime() - t0) / 1e9));
    }
    return best;
  }

  public static List<Result> run(int poolSize, int batch, int iterations, int rounds) {
    List<Result> results = new ArrayList<>();
    Nd4j.getRandom().setSeed(1);
    INDArray mlpPool = Nd4j.rand(DataType.FLOAT, poolSize, 784);
    MultiLayerNetwork mlp = ReferenceNetworks.mlp(1);
    MultiLayerNetwork cnn = ReferenceNetworks.cnn(2);
    int cores = Runtime.getRuntime().availableProcessors();
    for (int threads : new int[] {1, cores}) {
      NativeGemm.setThreads(threads == 1 ? cores : 1);
      double gemm = concurrentGemmRate(threads, 1280, 512, 512, 5);
      String mode = threads == 1 ? "1 sampler thread x " + cores + " BLAS" : threads + " sampler threads x 1 BLAS";
      SamplerConfig cfg = SamplerConfig.defaults().withThreads(threads);
      results.add(measure("MLP MC dropout, " + mode, McDropout.patch(mlp), cfg, mlpPool, batch, iterations, rounds, gemm));
      results.add(measure("MLP MC dropout uncached, " + mode, McDropout.patch(mlp), cfg.withCachePrefix(false), mlpPool,
          batch, iterations, rounds, gemm));
      results.add(measure("MLP MC DropConnect, " + mode, McDropConnect.patch(mlp, 0.5, "Linear"), cfg, mlpPool, batch,
          iterations, rounds, gemm));
      results.add(measure("CNN MC dropout, " + mode, McDropout.patch(cnn), cfg, mlpPool, batch, iterations, rounds, gemm));
    }
    NativeGemm.setThreads(cores);
    return results;
  }

  public static void main(String[] args) {
    int pool = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    for (Result r : run(pool, 64, 20, rounds)) {
      System.out.println(r);
    }
  }
}
