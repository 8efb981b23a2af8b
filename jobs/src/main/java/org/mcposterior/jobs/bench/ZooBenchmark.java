package org.mcposterior.jobs.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.zoo.model.AlexNet;
import org.deeplearning4j.zoo.model.Darknet19;
import org.deeplearning4j.zoo.model.FaceNetNN4Small2;
import org.deeplearning4j.zoo.model.InceptionResNetV1;
import org.deeplearning4j.zoo.model.LeNet;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.SimpleCNN;
import org.deeplearning4j.zoo.model.SqueezeNet;
import org.deeplearning4j.zoo.model.TinyYOLO;
import org.deeplearning4j.zoo.model.UNet;
import org.deeplearning4j.zoo.model.VGG16;
import org.deeplearning4j.zoo.model.VGG19;
import org.deeplearning4j.zoo.model.Xception;
import org.deeplearning4j.zoo.model.YOLO2;
import org.mcposterior.models.Network;
import org.mcposterior.models.ReferenceNetworks;
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
 * Speed across DL4J's model zoo: each network of DL4J 1.0.0-M2.1's zoo that builds and fits on
 * this machine (random weights from {@code init()}, never pretrained), and the project's
 * reference networks, run on the same pool through the core sampler and through DL4J's own
 * {@code output(x)} called T times (the same work without MC: the fair baseline), in one run.
 *
 * <p>Each network is made stochastic the way a user would: MC dropout where it declares dropout
 * (its own rates, or one rate for all), otherwise DropConnect on its dense and convolution layers
 * ({@code "Linear", "Conv2d"}). Both sides get warm-up passes (until each has run 2 s, at most 3), then {@code repeats} timed passes
 * alternating sampler and DL4J, so machine noise hits both alike; the ratio is taken pass by pass.
 *
 * <p>FLOPs are two per multiply-add of the dense and convolution layers that run in the plan's
 * native kernels: for the sampler those actually run (the deterministic prefix once per example,
 * the stochastic suffix once per example-iteration); for DL4J the whole network once per
 * example-iteration. Layers that run as DL4J itself (e.g. separable convolutions) are not counted
 * on either side. The sgemm ceiling is measured in the same run on the sampler's thread layout.
 *
 * <p>Not thread-safe; it sets the process's BLAS thread count while it runs and restores it.
 */
public final class ZooBenchmark {

  /**
   * A network of the benchmark.
   *
   * @param name the name used on the command line
   * @param inputShape one example's input shape, DL4J's without the batch dimension
   * @param pool default pool size (small for networks that take seconds per example in DL4J)
   * @param iterations default T
   * @param build builds it with random weights, seeded
   */
  public record Entry(String name, int[] inputShape, int pool, int iterations, Supplier<Model> build) {}

  /** The networks, in the order the benchmark runs them; every zoo model of 1.0.0-M2.1 that builds here. */
  public static Map<String, Entry> entries(long seed) {
    long s = ReferenceNetworks.dl4jSeed(seed);
    Map<String, Entry> m = new LinkedHashMap<>();
    put(m, "mlp", new int[] {784}, 1024, 20, () -> ReferenceNetworks.mlp(seed));
    put(m, "cnn", new int[] {784}, 256, 20, () -> ReferenceNetworks.cnn(seed));
    put(m, "lenet", new int[] {784}, 128, 20, () -> LeNet.builder().numClasses(10).seed(s).build().init());
    put(m, "simplecnn", new int[] {3, 48, 48}, 32, 10, () -> SimpleCNN.builder().numClasses(10).seed(s).build().init());
    put(m, "alexnet", new int[] {3, 224, 224}, 8, 10, () -> AlexNet.builder().numClasses(10).seed(s).build().init());
    put(m, "vgg16", new int[] {3, 224, 224}, 1, 3, () -> VGG16.builder().numClasses(10).seed(s).build().init());
    put(m, "vgg19", new int[] {3, 224, 224}, 1, 3, () -> VGG19.builder().numClasses(10).seed(s).build().init());
    put(m, "squeezenet", new int[] {3, 64, 64}, 32, 10,
        () -> SqueezeNet.builder().numClasses(10).seed(s).inputShape(new int[] {3, 64, 64}).build().init());
    put(m, "darknet19", new int[] {3, 64, 64}, 16, 10,
        () -> Darknet19.builder().numClasses(10).seed(s).inputShape(new int[] {3, 64, 64}).build().init());
    put(m, "tinyyolo", new int[] {3, 128, 128}, 64, 10,
        () -> TinyYOLO.builder().numClasses(10).seed(s).inputShape(new int[] {3, 128, 128}).build().init());
    put(m, "yolo2", new int[] {3, 128, 128}, 16, 5,
        () -> YOLO2.builder().numClasses(10).seed(s).inputShape(new int[] {3, 128, 128}).build().init());
    put(m, "resnet50", new int[] {3, 224, 224}, 2, 3, () -> ResNet50.builder().numClasses(10).seed(s).build().init());
    put(m, "unet", new int[] {3, 64, 64}, 2, 3,
        () -> UNet.builder().seed(s).inputShape(new int[] {3, 64, 64}).build().init());
    put(m, "xception", new int[] {3, 96, 96}, 2, 3,
        () -> Xception.builder().numClasses(10).seed(s).inputShape(new int[] {3, 96, 96}).build().init());
    put(m, "facenet", new int[] {3, 96, 96}, 4, 10,
        () -> FaceNetNN4Small2.builder().numClasses(10).seed(s).build().init());
    put(m, "inceptionresnetv1", new int[] {3, 160, 160}, 2, 5,
        () -> InceptionResNetV1.builder().numClasses(10).seed(s).build().init());
    return m;
  }

  /** Zoo models of 1.0.0-M2.1 left out, and why (printed with every run). */
  public static final Map<String, String> LEFT_OUT = Map.of(
      "NASNet", "does not build in DL4J 1.0.0-M2.1 (init() throws: \"Cannot calculate activation types if no inputs"
          + " have been set\")",
      "TextGenerationLSTM", "recurrent: takes sequences, not a pool of fixed-size examples");

  private static void put(Map<String, Entry> m, String name, int[] shape, int pool, int iterations, Supplier<Model> b) {
    m.put(name, new Entry(name, shape, pool, iterations, b));
  }

  /**
   * Settings of one run.
   *
   * @param networks names from {@link #entries}
   * @param work the pool, iterations, batch, timed passes and seed ({@link Workload})
   * @param dropout drop probability for every dropout, or NaN for the networks' own rates
   * @param dropConnect weight-drop probability where a network has no dropout
   * @param threads sampler threads (each with one BLAS thread when more than one)
   * @param memoryBytes the sampler's memory budget (all threads)
   * @param profile print the plan nodes that take the most time
   */
  public record Settings(List<String> networks, Workload work, double dropout, double dropConnect, int threads,
      long memoryBytes, boolean profile) {
    public Settings {
      networks = List.copyOf(networks);
      int pool = work.pool();
      int iterations = work.iterations();
      int batch = work.batch();
      int repeats = work.repeats();
      if (pool < 0 || iterations < 0 || batch < 1 || repeats < 1 || threads < 1) {
        throw new IllegalArgumentException("pool " + pool + ", iterations " + iterations + ", batch " + batch + ", repeats "
            + repeats + ", threads " + threads + ": expected pool and iterations >= 0 (0: the network's default),"
            + " batch, repeats and threads >= 1");
      }
    }

    public int pool() {
      return work.pool();
    }

    public int iterations() {
      return work.iterations();
    }

    public int batch() {
      return work.batch();
    }

    public int repeats() {
      return work.repeats();
    }

    public long seed() {
      return work.seed();
    }
  }

  /**
   * How much each network runs.
   *
   * @param pool examples per network, or 0 for each network's default
   * @param iterations T, or 0 for each network's default
   * @param batch examples per batch handed to the sampler and to DL4J
   * @param repeats timed passes per side (after the warm-up)
   * @param seed seeds weights, pool and masks
   */
  public record Workload(int pool, int iterations, int batch, int repeats, long seed) {}

  /** Example-iterations per second of each timed pass: the sampler's and DL4J's, paired pass by pass. */
  public record Rates(double[] sampler, double[] dl4j) {}

  /**
   * FLOPs per example-iteration the sampler runs (prefix / T + suffix), of one pass through the
   * whole network (what DL4J runs per example-iteration), and the machine's sgemm ceiling in GFLOP/s.
   */
  public record Flops(double sampler, double network, double gemm) {}

  /**
   * The figures of one network.
   *
   * @param rates example-iterations per second of each timed pass
   * @param flops FLOPs per example-iteration and the sgemm ceiling
   * @param fallbacks plan nodes that run as DL4J itself
   * @param hotNodes the plan nodes taking most time, with their share, in descending order
   */
  public record Figures(String network, String stochastic, int pool, int iterations, Rates rates, Flops flops,
      List<String> fallbacks, List<String> hotNodes) {

    public double[] samplerRates() {
      return rates.sampler();
    }

    public double[] dl4jRates() {
      return rates.dl4j();
    }

    public double samplerFlops() {
      return flops.sampler();
    }

    public double networkFlops() {
      return flops.network();
    }

    public double gemm() {
      return flops.gemm();
    }

    public double samplerMedian() {
      return median(samplerRates());
    }

    public double dl4jMedian() {
      return median(dl4jRates());
    }

    /** Sampler over DL4J, pass by pass (paired passes ran back to back). */
    public double[] ratios() {
      double[] r = new double[samplerRates().length];
      for (int i = 0; i < r.length; i++) {
        r[i] = samplerRates()[i] / dl4jRates()[i];
      }
      return r;
    }

    public double samplerGflops() {
      return samplerMedian() * samplerFlops() / 1e9;
    }

    public double dl4jGflops() {
      return dl4jMedian() * networkFlops() / 1e9;
    }

    /** One row of the markdown table {@link #HEADER} heads. */
    public String row() {
      double[] r = ratios();
      return String.format(Locale.ROOT, "| %s | %s | %d x %d | %s | %s | %s | %.1f (%.0f%%) | %.1f | %s |", network,
          stochastic, pool, iterations, spread(samplerRates(), rateFormat(samplerRates())),
          spread(dl4jRates(), rateFormat(dl4jRates())),
          spread(r, "%.2f"), samplerGflops(), 100 * samplerGflops() / gemm(), dl4jGflops(),
          fallbacks.isEmpty() ? "none" : String.join(", ", fallbacks));
    }
  }

  /** Header of the figures table. */
  public static final String HEADER = "| network | stochastic | pool x T | sampler ex-it/s | DL4J output x T, ex-it/s"
      + " | ratio | sampler GFLOP/s (share of sgemm) | DL4J GFLOP/s | layers run by DL4J |\n"
      + "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |";

  private ZooBenchmark() {}

  /**
   * Runs the networks one after the other; {@code each} hears about each network's figures as they
   * come, {@code failed} about each network the sampler refuses or fails on (the run goes on with
   * the next network, so one refusal does not hide the others' figures).
   */
  public static List<Figures> run(Settings settings, java.util.function.Consumer<Figures> each,
      java.util.function.BiConsumer<String, RuntimeException> failed) {
    Map<String, Entry> all = entries(settings.seed());
    for (String n : settings.networks()) {
      if (!all.containsKey(n)) {
        throw new IllegalArgumentException("network '" + n + "' is not in the benchmark; expected some of " + all.keySet());
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int blasBefore = NativeGemm.threads();
    try {
      NativeGemm.setThreads(settings.threads() == 1 ? cores : 1);
      double gemm = SamplerBenchmark.concurrentGemmRate(settings.threads(), 1280, 512, 512, 3);
      List<Figures> out = new ArrayList<>();
      for (String n : settings.networks()) {
        Figures f;
        try {
          f = measure(all.get(n), settings, gemm, cores);
        } catch (RuntimeException ex) {
          failed.accept(n, ex);
          continue;
        }
        each.accept(f);
        out.add(f);
      }
      return out;
    } finally {
      NativeGemm.setThreads(blasBefore);
    }
  }

  /** The same networks as DL4J and as the user's stochastic network (MC dropout if any dropout, else DropConnect). */
  static StochasticNetwork stochastic(Model model, Settings s) {
    boolean hasDropout = false;
    for (Network.LayerInfo l : Network.of(model).layers()) {
      hasDropout |= l.conf().getIDropout() != null;
    }
    if (hasDropout) {
      return Double.isNaN(s.dropout()) ? McDropout.patch(model) : McDropout.patch(model, s.dropout());
    }
    return McDropConnect.patch(model, s.dropConnect(), "Linear", "Conv2d");
  }

  private static Figures measure(Entry e, Settings s, double gemm, int cores) {
    int pool = s.pool() > 0 ? s.pool() : e.pool();
    int t = s.iterations() > 0 ? s.iterations() : e.iterations();
    Model model = e.build().get();
    Network network = Network.of(model);
    StochasticNetwork net = stochastic(model, s);
    String how = net.toString().contains("DropConnect") ? "DropConnect p=" + s.dropConnect()
        : "MC dropout" + (Double.isNaN(s.dropout()) ? "" : " p=" + s.dropout());
    long[] shape = new long[e.inputShape().length + 1];
    shape[0] = pool;
    for (int i = 0; i < e.inputShape().length; i++) {
      shape[i + 1] = e.inputShape()[i];
    }
    Nd4j.getRandom().setSeed(s.seed());
    INDArray x = Nd4j.rand(DataType.FLOAT, shape);
    List<INDArray> batches = new ArrayList<>();
    for (int i = 0; i < pool; i += s.batch()) {
      batches.add(x.get(NDArrayIndex.interval(i, Math.min(pool, i + s.batch()))).dup());
    }
    int[][] perExample = {e.inputShape()};
    SamplerConfig cfg = SamplerConfig.defaults().withSeed(s.seed()).withThreads(s.threads()).withMemoryBudget(s.memoryBytes());
    double[] samplerRates = new double[s.repeats()];
    double[] dl4jRates = new double[s.repeats()];
    try (PosteriorSampler sampler = PosteriorSampler.of(net, cfg);
        PosteriorSampler whole = PosteriorSampler.of(net, cfg.withCachePrefix(false))) {
      PlanProfile plan = sampler.profile(perExample);
      double samplerFlops = plan.flopsPerSample() + plan.flopsPerExample() / (double) t;
      double networkFlops = whole.profile(perExample).flopsPerSample();
      // Warm-up (JIT, buffers, DL4J's workspaces): passes until both sides have run 2 s, at most 3.
      double warmed = 0;
      for (int w = 0; w < 3 && warmed < 2; w++) {
        warmed += samplerPass(sampler, batches, t, s.threads(), cores);
        warmed = Math.min(warmed, dl4jPass(network, batches, t, cores));
      }
      long[] warmNanos = sampler.profile(perExample).nanosSpent();
      for (int r = 0; r < s.repeats(); r++) {
        samplerRates[r] = (double) pool * t / samplerPass(sampler, batches, t, s.threads(), cores);
        dl4jRates[r] = (double) pool * t / dl4jPass(network, batches, t, cores);
      }
      PlanProfile timed = sampler.profile(perExample);
      return new Figures(e.name(), how, pool, t, new Rates(samplerRates, dl4jRates),
          new Flops(samplerFlops, networkFlops, gemm), fallbacks(timed), hot(timed, warmNanos, s.profile() ? 8 : 0));
    }
  }

  /** Seconds for T iterations of every batch through the sampler, one BLAS thread per sampler thread. */
  private static double samplerPass(PosteriorSampler sampler, List<INDArray> batches, int t, int threads, int cores) {
    NativeGemm.setThreads(threads == 1 ? cores : 1);
    long t0 = System.nanoTime();
    sampler.predictOnDataset(batches.iterator(), t, (i, first, samples) -> { }, null);
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Seconds for DL4J's own {@code output(x)} called T times on every batch, with nd4j's default threads. */
  private static double dl4jPass(Network network, List<INDArray> batches, int t, int cores) {
    NativeGemm.setThreads(cores);
    long t0 = System.nanoTime();
    for (INDArray b : batches) {
      for (int i = 0; i < t; i++) {
        network.output(b);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Plan nodes that run DL4J's own code, by DL4J class where the node says it, counted. */
  private static List<String> fallbacks(PlanProfile p) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String n : p.nodes()) {
      if (n.contains(": DL4J ")) {
        String what = n.substring(n.indexOf(": DL4J ") + 7);
        what = what.substring(0, what.indexOf(" of node"));
        counts.merge(what, 1, Integer::sum);
      }
    }
    List<String> out = new ArrayList<>();
    counts.forEach((k, v) -> out.add(v + " " + k + (v > 1 ? "s" : "")));
    return out;
  }

  /** The {@code top} nodes by time spent in the timed passes (the warm-up's {@code before} taken off). */
  private static List<String> hot(PlanProfile p, long[] before, int top) {
    long[] ns = p.nanosSpent();
    for (int i = 0; i < ns.length; i++) {
      ns[i] -= before[i];
    }
    long total = Arrays.stream(ns).sum();
    Integer[] order = new Integer[ns.length];
    for (int i = 0; i < ns.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(ns[b], ns[a]));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(top, ns.length) && total > 0 && ns[order[i]] > 0; i++) {
      out.add(String.format(Locale.ROOT, "%5.1f%%  %s", 100.0 * ns[order[i]] / total, p.nodes().get(order[i])));
    }
    return out;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Whole numbers for rates of 100 and more, else two decimals (a VGG runs at about one example-iteration/s). */
  static String rateFormat(double[] v) {
    return Arrays.stream(v).min().orElse(0) >= 100 ? "%,.0f" : "%.2f";
  }

  /** {@code median [min-max]}, or the value alone for one pass. */
  static String spread(double[] v, String fmt) {
    double min = Arrays.stream(v).min().orElse(Double.NaN);
    double max = Arrays.stream(v).max().orElse(Double.NaN);
    String med = String.format(Locale.ROOT, fmt, median(v));
    return v.length == 1 ? med
        : med + " [" + String.format(Locale.ROOT, fmt, min) + "-" + String.format(Locale.ROOT, fmt, max) + "]";
  }
}
