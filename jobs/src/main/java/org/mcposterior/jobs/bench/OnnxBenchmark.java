package org.mcposterior.jobs.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.models.Network;
import org.mcposterior.models.OnnxModels;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.platform.NativeGemm;
import org.mcposterior.sampling.PlanProfile;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stochastic.McDropout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An ONNX model against the same network built in DL4J: the reference MLP and CNN are written as
 * ONNX models ({@link OnnxModelWriter}), read back with {@link OnnxModels#read}, checked to compute
 * what the originals compute, and then timed through the core sampler side by side with the
 * originals (MC dropout, keyed masks, T = {@value #ITERATIONS}, batches of {@value #BATCH}, the
 * path {@link SamplerBenchmark} times).
 *
 * <p>The check: DL4J's deterministic output of the read-back network on {@value #PARITY_EXAMPLES}
 * examples of the pool equals the original's within {@value #PARITY_LIMIT} (the largest absolute
 * difference is printed; a larger one fails the run before any timing). The MC samples of both,
 * with the same keys, are compared too and their largest difference printed: the ONNX graph has its
 * dropout as separate layers where the DL4J network has it on its layers' inputs, so equal samples
 * show that the sampler draws the same masks at the same sites for both.
 *
 * <p>The timing: one warm-up pass over the pool, then {@code rounds} timed passes per network, the
 * two networks' passes interleaved slice by slice of {@value #SLICE_BATCHES} batches (DL4J, ONNX,
 * then ONNX, DL4J, ...) so that the noise of a shared machine hits both alike and neither always
 * runs second; the best pass of each is kept and the ratio is ONNX / DL4J. The DL4J network
 * is a {@code MultiLayerNetwork}, the read one a {@code ComputationGraph}; both compile to the sampler's plan of native kernels, so the
 * ratio is expected near 1. Under each network's row a line says whether both plans run the same
 * kernels in the same order with the same FLOPs (then a ratio away from 1 is the machine's noise,
 * not the model format); per-node times of both plans are printed on request, and whenever the
 * ratio is off by more than {@value #RATIO_TOLERANCE}, so that a difference is explained rather
 * than hidden.
 *
 * <p>Not thread-safe; it sets the process's BLAS thread count while it runs and restores it.
 */
public final class OnnxBenchmark {
  /** Examples per batch. */
  public static final int BATCH = 64;

  /** T, samples per example. */
  public static final int ITERATIONS = 20;

  /** Examples on which the read-back network's deterministic output is compared with the original's. */
  public static final int PARITY_EXAMPLES = 16;

  /** The largest absolute output difference accepted between the original and the read-back network. */
  public static final double PARITY_LIMIT = 1e-5;

  /** Batches per slice of a pass; the two networks' passes are interleaved slice by slice. */
  public static final int SLICE_BATCHES = 8;

  /** A ratio further than this from 1 prints the plans' per-node times. */
  public static final double RATIO_TOLERANCE = 0.1;

  /** The header of the table of rates. */
  public static final String HEADER = "| network | built in DL4J | read from ONNX | ONNX / DL4J |";

  /**
   * Settings of one run.
   *
   * @param pool examples per network (uniform in [0, 1), seeded)
   * @param rounds timed passes per network, best kept
   * @param threads sampler threads (each with one BLAS thread when more than one)
   * @param profile print the per-node times of both plans whatever the ratio
   */
  public record Settings(int pool, int rounds, int threads, boolean profile) {
    public Settings {
      if (pool < PARITY_EXAMPLES || rounds < 1 || threads < 1) {
        throw new IllegalArgumentException("pool " + pool + ", rounds " + rounds + ", threads " + threads
            + "; expected a pool of at least " + PARITY_EXAMPLES + " examples, at least one round and one thread");
      }
    }
  }

  /**
   * One network's figures.
   *
   * @param name the network's name
   * @param deterministicDifference largest absolute difference of the deterministic outputs, ONNX vs DL4J
   * @param sampleDifference largest absolute difference of the MC samples with the same keys
   * @param dl4j example-iterations per second of each timed pass, built in DL4J
   * @param onnx the same, read from ONNX
   */
  public record Figures(String name, double deterministicDifference, double sampleDifference, double[] dl4j,
      double[] onnx) {
    public double bestDl4j() {
      return Arrays.stream(dl4j).max().orElse(Double.NaN);
    }

    public double bestOnnx() {
      return Arrays.stream(onnx).max().orElse(Double.NaN);
    }

    /** Best ONNX rate over best DL4J rate. */
    public double ratio() {
      return bestOnnx() / bestDl4j();
    }

    /** ONNX over DL4J per round (the two passes of one round ran back to back). */
    public double[] roundRatios() {
      double[] r = new double[dl4j.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = onnx[i] / dl4j[i];
      }
      return r;
    }

    /** The row under {@link #HEADER}: best rates, their ratio, and the range of the rounds' ratios. */
    public String row() {
      double[] r = roundRatios();
      return String.format(Locale.ROOT, "| %s | %,.0f ex-it/s | %,.0f ex-it/s | %.3f (rounds %.3f-%.3f) |", name,
          bestDl4j(), bestOnnx(), ratio(), Arrays.stream(r).min().orElse(Double.NaN),
          Arrays.stream(r).max().orElse(Double.NaN));
    }
  }

  /** A reference network: its key in the output, its name, and the network as built in DL4J. */
  private record Reference(String key, String name, MultiLayerNetwork built) {}

  private OnnxBenchmark() {}

  /**
   * Runs the benchmark on the reference MLP and CNN, printing to {@code out} as it goes.
   *
   * @throws IllegalStateException when a read-back network's deterministic output differs from the
   *     original's by more than {@link #PARITY_LIMIT}
   */
  public static List<Figures> run(Settings s, PrintWriter out) {
    List<Reference> refs = List.of(new Reference("mlp", "MLP 784-512-512-10", ReferenceNetworks.mlp(1)),
        new Reference("cnn", "CNN (Gal et al. 2017)", ReferenceNetworks.cnn(2)));
    INDArray pool = pool(s.pool(), 784, 1);
    INDArray probe = pool.get(NDArrayIndex.interval(0, PARITY_EXAMPLES)).dup();
    SamplerConfig cfg = SamplerConfig.defaults().withThreads(s.threads());
    List<Network> read = new ArrayList<>();
    List<double[]> differences = new ArrayList<>();
    for (Reference r : refs) {
      byte[] onnx = OnnxModelWriter.write(r.built(), r.name());
      Network n = OnnxModels.read(onnx, "bench " + r.key() + ".onnx");
      read.add(n);
      out.printf(Locale.ROOT, "%s: %s written to ONNX (IR %d, opset %d, %d nodes, %,d bytes), read back as a DL4J %s%n",
          r.key(), r.name(), OnnxModelWriter.IR_VERSION, OnnxModelWriter.OPSET, nodes(onnx), onnx.length,
          n.isGraph() ? "ComputationGraph" : "MultiLayerNetwork");
      double det = maxAbsDifference(Network.of(r.built()).output(probe)[0], n.output(probe)[0]);
      out.printf(Locale.ROOT, "%s: deterministic output, read from ONNX vs built in DL4J: max |diff| %.3e over %d"
          + " examples (limit %.0e)%n", r.key(), det, PARITY_EXAMPLES, PARITY_LIMIT);
      out.flush();
      if (!(det <= PARITY_LIMIT)) {
        throw new IllegalStateException(String.format(Locale.ROOT, "the %s read back from its ONNX model computes"
            + " outputs up to %.3e away from the network it was written from (limit %.0e): the ONNX writer of the"
            + " benchmark or the ONNX reader translates a layer differently, so the timings would compare two"
            + " different networks. Nothing was timed; compare the two networks layer by layer", r.name(), det,
            PARITY_LIMIT));
      }
      double mc = sampleDifference(r.built(), n, cfg, probe);
      out.printf(Locale.ROOT, "%s: MC dropout samples with the same keys, read from ONNX vs built in DL4J: max |diff|"
          + " %.3e over %d examples x %d iterations%n", r.key(), mc, PARITY_EXAMPLES, ITERATIONS);
      out.flush();
      differences.add(new double[] {det, mc});
    }
    int cores = Runtime.getRuntime().availableProcessors();
    NativeGemm.setThreads(s.threads() == 1 ? cores : 1);
    try {
      out.printf(Locale.ROOT, "MC dropout, keyed masks, T = %d, batch %d, pool %,d, %s; best of %d timed passes"
          + " after a warm-up, DL4J and ONNX alternating every %d batches%n", ITERATIONS, BATCH, s.pool(),
          s.threads() == 1 ? "1 sampler thread x " + cores + " BLAS" : s.threads() + " sampler threads x 1 BLAS",
          s.rounds(), SLICE_BATCHES);
      out.println(HEADER);
      out.flush();
      List<Figures> figures = new ArrayList<>();
      for (int i = 0; i < refs.size(); i++) {
        Reference r = refs.get(i);
        Timed t = time(r, read.get(i), differences.get(i), new Timing(cfg, pool, s));
        out.println(t.figures().row());
        out.println("    plans: " + comparePlans(t.dl4jPlan(), t.onnxPlan()));
        if (s.profile() || Math.abs(t.figures().ratio() - 1) > RATIO_TOLERANCE) {
          printProfile(r.key() + " built in DL4J", t.dl4jPlan(), out);
          printProfile(r.key() + " read from ONNX", t.onnxPlan(), out);
        }
        out.flush();
        figures.add(t.figures());
      }
      out.println("ex-it/s: example-iterations per second (examples x T / seconds), best pass; ratio = best ONNX /"
          + " best DL4J, with the range of the ratios of the timed rounds taken one by one (their spread is the"
          + " machine's noise). The DL4J side is the MultiLayerNetwork as built, the ONNX side the ComputationGraph"
          + " OnnxModels.read makes of the written model; both run through the same core sampler.");
      out.flush();
      return figures;
    } finally {
      NativeGemm.setThreads(cores);
    }
  }

  /** What a network is timed with. */
  private record Timing(SamplerConfig cfg, INDArray pool, Settings settings) {}

  /** A network's figures and both plans' profiles after the timed passes. */
  private record Timed(Figures figures, PlanProfile dl4jPlan, PlanProfile onnxPlan) {}

  private static Timed time(Reference r, Network read, double[] differences, Timing t) {
    int rounds = t.settings().rounds();
    double[] dl4j = new double[rounds];
    double[] onnx = new double[rounds];
    try (SamplerBenchmark.TimedSampler a = new SamplerBenchmark.TimedSampler(McDropout.patch(r.built()), t.cfg(),
        t.pool(), BATCH, ITERATIONS);
        SamplerBenchmark.TimedSampler b = new SamplerBenchmark.TimedSampler(McDropout.patch(read.model()), t.cfg(),
            t.pool(), BATCH, ITERATIONS)) {
      for (int round = 0; round <= rounds; round++) {
        double[] rates = interleavedPass(a, b, round);
        if (round > 0) {
          dl4j[round - 1] = rates[0];
          onnx[round - 1] = rates[1];
        }
      }
      return new Timed(new Figures(r.name(), differences[0], differences[1], dl4j, onnx), a.profile(), b.profile());
    }
  }

  /**
   * One pass over the pool for each network, interleaved slice by slice ({@value #SLICE_BATCHES}
   * batches, a fraction of a second): the load of a shared machine changes over seconds, so both
   * networks see the same load where whole passes one after the other would not. The order within a
   * slice alternates from slice to slice and round to round, so neither side always runs on the
   * caches and clock the other left.
   *
   * @return example-iterations per second of {@code a}'s and {@code b}'s pass
   */
  private static double[] interleavedPass(SamplerBenchmark.TimedSampler a, SamplerBenchmark.TimedSampler b,
      int round) {
    double secondsA = 0;
    double secondsB = 0;
    for (int from = 0, slice = 0; from < a.batches(); from += SLICE_BATCHES, slice++) {
      int to = Math.min(a.batches(), from + SLICE_BATCHES);
      if ((slice + round) % 2 == 0) {
        secondsA += a.seconds(from, to);
        secondsB += b.seconds(from, to);
      } else {
        secondsB += b.seconds(from, to);
        secondsA += a.seconds(from, to);
      }
    }
    double work = (double) a.examples() * a.iterations();
    return new double[] {work / secondsA, work / secondsB};
  }

  /**
   * Whether both plans run the same kernels in the same order with the same FLOPs: each node's
   * description without its name (the layer or vertex it came from, which the two networks name
   * differently), e.g. {@code dense 512->512 relu -> [512] per sample}.
   */
  static String comparePlans(PlanProfile dl4j, PlanProfile onnx) {
    List<String> a = dl4j.nodes().stream().map(OnnxBenchmark::kernel).toList();
    List<String> b = onnx.nodes().stream().map(OnnxBenchmark::kernel).toList();
    String flops = String.format(Locale.ROOT, "%,d FLOP per example + %,d per example-iteration",
        dl4j.flopsPerExample(), dl4j.flopsPerSample());
    if (a.equals(b) && dl4j.flopsPerExample() == onnx.flopsPerExample()
        && dl4j.flopsPerSample() == onnx.flopsPerSample()) {
      return "the same " + a.size() + " kernels in the same order on both, " + flops;
    }
    return String.format(Locale.ROOT, "DIFFERENT: built in DL4J %s (%s); read from ONNX %s (%,d FLOP per example + %,d"
        + " per example-iteration)", a, flops, b, onnx.flopsPerExample(), onnx.flopsPerSample());
  }

  /** A plan node's description without its number and name: what follows the first ": ". */
  private static String kernel(String node) {
    int i = node.indexOf(": ");
    return i < 0 ? node : node.substring(i + 2);
  }

  /** Each plan node's share of the time spent (warm-up included), and the total. */
  private static void printProfile(String what, PlanProfile p, PrintWriter out) {
    long[] ns = p.nanosSpent();
    long total = Arrays.stream(ns).sum();
    out.printf(Locale.ROOT, "  plan of the %s: %d nodes, %.2f s in them over all passes (warm-up included), %,d FLOP"
        + " per example + %,d per example-iteration%n", what, ns.length, total / 1e9, p.flopsPerExample(),
        p.flopsPerSample());
    for (int i = 0; i < ns.length; i++) {
      out.printf(Locale.ROOT, "    %5.1f%% %8.3f s  %s%n", total == 0 ? 0 : 100.0 * ns[i] / total, ns[i] / 1e9,
          p.nodes().get(i));
    }
  }

  /** Largest absolute difference between the MC samples of both networks for the same keys and seed. */
  private static double sampleDifference(MultiLayerNetwork built, Network read, SamplerConfig cfg, INDArray probe) {
    try (PosteriorSampler a = PosteriorSampler.of(McDropout.patch(built), cfg);
        PosteriorSampler b = PosteriorSampler.of(McDropout.patch(read.model()), cfg)) {
      float[] x = a.predictOnBatch(probe, ITERATIONS).toFloatArray();
      float[] y = b.predictOnBatch(probe, ITERATIONS).toFloatArray();
      if (x.length != y.length) {
        throw new IllegalStateException("the MC samples of the two networks have " + x.length + " and " + y.length
            + " values for the same examples and iterations");
      }
      double max = 0;
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs((double) x[i] - y[i]));
      }
      return max;
    }
  }

  private static double maxAbsDifference(INDArray a, INDArray b) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalStateException("outputs of shape " + Arrays.toString(a.shape()) + " and "
          + Arrays.toString(b.shape()) + " for the same examples");
    }
    return a.castTo(b.dataType()).sub(b).amaxNumber().doubleValue();
  }

  private static int nodes(byte[] model) {
    try {
      return onnx.Onnx.ModelProto.parseFrom(model).getGraph().getNodeCount();
    } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("the ONNX model just written does not parse: " + e.getMessage(), e);
    }
  }

  /** {@code n x features} floats uniform in [0, 1) from a seeded generator, row by row. */
  static INDArray pool(int n, int features, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[n * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble();
    }
    return Nd4j.create(x, new long[] {n, features}, 'c');
  }
}
