package org.mcposterior.jobs;

import org.mcposterior.models.ReferenceNetworks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mcposterior.jobs.bench.HeuristicsBenchmark;
import org.mcposterior.jobs.bench.OnnxBenchmark;
import org.mcposterior.jobs.bench.SamplerBenchmark;
import org.mcposterior.jobs.bench.ScaleBenchmark;
import org.mcposterior.jobs.bench.SparkBenchmark;
import org.mcposterior.jobs.bench.ZooBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: the benchmarks whose figures the README quotes. Each prints the machine it ran on. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (print figures; nothing is asserted).",
    subcommands = {BenchCommand.Sampler.class, BenchCommand.Heuristics.class, BenchCommand.Spark.class,
        BenchCommand.Scale.class, BenchCommand.Zoo.class, BenchCommand.Onnx.class})
public final class BenchCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  /** Where Spark benchmarks run and write. */
  static final class SparkOptions {
    @Option(names = "--master", description = "Spark master (default local[<cores>]).")
    String master;

    @Option(names = "--work", defaultValue = "mcposterior-bench", description = "Scratch directory (default ${DEFAULT-VALUE}).")
    Path work;

    String master() {
      return master != null ? master : "local[" + Runtime.getRuntime().availableProcessors() + "]";
    }
  }

  /** One line about the machine, for every benchmark's output. */
  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (java.io.IOException e) {
      cpu = "unknown CPU (" + e.getMessage() + ")";
    }
    return String.format(Locale.ROOT, "machine: %s, %d cores, %.1f GiB heap max, Java %s, OPENBLAS_CORETYPE=%s", cpu,
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (double) (1L << 30),
        System.getProperty("java.version"), System.getenv("OPENBLAS_CORETYPE"));
  }

  @Command(name = "sampler", mixinStandardHelpOptions = true,
      description = "Core sampler on the reference MLP and CNN (pool 10,000, T = 20, batch 64), with the sgemm ceiling.")
  static final class Sampler implements Callable<Integer> {
    @Option(names = "--pool", defaultValue = "10000", description = "Pool size (default ${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed passes, best kept (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--skip-spark", description = "Skip running both networks through the score job in Spark local mode.")
    boolean skipSpark;

    @picocli.CommandLine.Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
      System.out.println(machine());
      System.out.printf(Locale.ROOT, "keyed dropout masks, drawn and applied: %,.0f M elements/s on one thread (%s)%n",
          SamplerBenchmark.maskElementsPerSecond() / 1e6,
          org.mcposterior.randomness.KeyedRandom.vectorised() ? "Vector API" : "scalar loops");
      for (SamplerBenchmark.Result r : SamplerBenchmark.run(pool, 64, 20, rounds)) {
        System.out.println(r);
      }
      if (!skipSpark) {
        String master = sparkOptions.master();
        Path work = sparkOptions.work;
        System.out.println(SparkBenchmark.run("MLP 784-512-512-10", org.mcposterior.models.ReferenceNetworks.mlp(1),
            pool, 20, 64, master, work.resolve("sampler-spark-mlp")));
        System.out.println(SparkBenchmark.run("CNN (Gal et al. 2017)", org.mcposterior.models.ReferenceNetworks.cnn(2),
            pool, 20, 64, master, work.resolve("sampler-spark-cnn")));
      }
      return 0;
    }
  }

  @Command(name = "heuristics", mixinStandardHelpOptions = true,
      description = "The five moment-based scores from samples, 1,000,000 x 10 classes x 20 iterations, one thread.")
  static final class Heuristics implements Callable<Integer> {
    @Option(names = "--examples", defaultValue = "1000000", description = "Examples (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--repetitions", defaultValue = "5", description = "Repetitions (default ${DEFAULT-VALUE}).")
    int repetitions;

    @Override
    public Integer call() {
      System.out.println(machine());
      HeuristicsBenchmark.main(new String[] {String.valueOf(examples), "10", "20", String.valueOf(repetitions)});
      return 0;
    }
  }

  @Command(name = "spark", mixinStandardHelpOptions = true,
      description = "The score job in Spark local mode vs the in-process core sampler, same pool (MLP, T = 20).")
  static final class Spark implements Callable<Integer> {
    @Option(names = "--pool", defaultValue = "100000", description = "Pool size (default ${DEFAULT-VALUE}).")
    int pool;

    @picocli.CommandLine.Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
      System.out.println(machine());
      System.out.println(SparkBenchmark.run(pool, 20, sparkOptions.master(), sparkOptions.work.resolve("spark")));
      return 0;
    }
  }

  @Command(name = "scale", mixinStandardHelpOptions = true,
      description = "Synthetic pools of 200,000 and 2,000,000 examples at default settings; driver peak heap per size.")
  static final class Scale implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", defaultValue = "200000,2000000", description = "Pool sizes (default ${DEFAULT-VALUE}).")
    List<Long> sizes;

    @Option(names = "--features", defaultValue = "32", description = "Features per example (default ${DEFAULT-VALUE}).")
    int features;

    @picocli.CommandLine.Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
      System.out.println(machine());
      long[] s = sizes.stream().mapToLong(Long::longValue).toArray();
      for (ScaleBenchmark.Result r : ScaleBenchmark.run(s, features, sparkOptions.master(),
          sparkOptions.work.resolve("scale"))) {
        System.out.println(r);
      }
      return 0;
    }
  }

  @Command(name = "zoo", mixinStandardHelpOptions = true,
      description = {"DL4J's model zoo (random weights, never pretrained) and the reference networks: the sampler vs"
          + " DL4J's own output(x) called T times on the same pool, in one run, with the sgemm ceiling.",
          "Networks with dropout run MC dropout, the others DropConnect on their dense and convolution layers."})
  static final class Zoo implements Callable<Integer> {
    @Option(names = "--networks", split = ",", description = "Networks to run, comma-separated (default: all of"
        + " mlp, cnn, lenet, simplecnn, alexnet, vgg16, vgg19, squeezenet, darknet19, tinyyolo, yolo2, resnet50, unet,"
        + " xception, facenet, inceptionresnetv1).")
    List<String> networks;

    @Option(names = "--pool", defaultValue = "0", description = "Examples per network (default: each network's own,"
        + " small for the large ones).")
    int pool;

    @Option(names = "--iterations", defaultValue = "0", description = "T, MC iterations (default: each network's own,"
        + " 20 or 10).")
    int iterations;

    @Option(names = "--batch", defaultValue = "64", description = "Examples per batch, sampler and DL4J alike (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed passes per side after warm-up passes (2 s, at most 3);"
        + " the median and the range are printed (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights, pool and masks (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dropout", description = "Drop probability for every dropout (default: each network's own rates).")
    Double dropout;

    @Option(names = "--dropconnect", defaultValue = "0.05", description = "Weight-drop probability for networks without"
        + " dropout (default ${DEFAULT-VALUE}).")
    double dropConnect;

    @Option(names = "--threads", description = "Sampler threads, one BLAS thread each (default: the cores).")
    Integer threads;

    @Option(names = "--memory-mib", defaultValue = "1024", description = "The sampler's memory budget, all threads, in"
        + " MiB (default ${DEFAULT-VALUE}: VGG needs more than the sampler's default 256).")
    long memoryMib;

    @Option(names = "--profile", description = "Also print, per network, the plan nodes taking the most time.")
    boolean profile;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      List<String> names = networks != null ? networks : List.copyOf(ZooBenchmark.entries(seed).keySet());
      int cores = Runtime.getRuntime().availableProcessors();
      ZooBenchmark.Settings s = new ZooBenchmark.Settings(names,
          new ZooBenchmark.Workload(pool, iterations, batch, repeats, seed),
          dropout == null ? Double.NaN : dropout, dropConnect, threads == null ? cores : threads, memoryMib << 20, profile);
      out.println(machine());
      ZooBenchmark.LEFT_OUT.forEach((k, v) -> out.println("left out: " + k + ": " + v));
      out.println(ZooBenchmark.HEADER);
      out.flush();
      List<ZooBenchmark.Figures> figures = ZooBenchmark.run(s, f -> {
        out.println(f.row());
        f.hotNodes().forEach(h -> out.println("    " + h));
        out.flush();
      }, (n, ex) -> {
        out.println("| " + n + " | failed: " + ex.getClass().getSimpleName() + ": " + String.valueOf(ex.getMessage()).replace('\n', ' ') + " |");
        out.flush();
      });
      double gemm = figures.isEmpty() ? Double.NaN : figures.get(0).gemm();
      out.printf(Locale.ROOT, "sgemm ceiling: %.1f GFLOP/s (1280x512x512 on %d sampler thread(s) x %d BLAS, same run)%n",
          gemm, s.threads(), s.threads() == 1 ? cores : 1);
      out.println("ex-it/s: example-iterations per second, median [min-max] of " + repeats + " timed passes after a"
          + " warm-up, sampler and DL4J alternating; ratio = sampler / DL4J, pass by pass. GFLOP/s count 2 per"
          + " multiply-add of the dense and convolution layers the plan runs natively: the sampler's prefix once per"
          + " example and its stochastic suffix per example-iteration; DL4J's whole network per example-iteration.");
      out.flush();
      return figures.size() == names.size() ? 0 : 1;
    }
  }

  @Command(name = "onnx", mixinStandardHelpOptions = true,
      description = {"The reference MLP and CNN written as ONNX models and read back: their outputs checked against the"
          + " networks built in DL4J, then both run through the core sampler (MC dropout, T = 20, batch 64), passes"
          + " alternating, best of --rounds."})
  static final class Onnx implements Callable<Integer> {
    @Option(names = "--pool", defaultValue = "10000", description = "Pool size (default ${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed passes per network, best kept (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", description = "Sampler threads, one BLAS thread each (default: the cores).")
    Integer threads;

    @Option(names = "--profile", description = "Also print both plans' time per node (printed anyway when the ratio"
        + " is off by more than 10%%).")
    boolean profile;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      out.println(machine());
      out.flush();
      OnnxBenchmark.run(new OnnxBenchmark.Settings(pool, rounds,
          threads == null ? Runtime.getRuntime().availableProcessors() : threads, profile), out);
      return 0;
    }
  }
}
