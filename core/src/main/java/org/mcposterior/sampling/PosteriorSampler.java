package org.mcposterior.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.mcposterior.forward.Chunk;
import org.mcposterior.forward.ForwardPlan;
import org.mcposterior.forward.PlanCompiler;
import org.mcposterior.forward.PlanNode;
import org.mcposterior.forward.PlanRunner;
import org.mcposterior.models.InputShapeException;
import org.mcposterior.platform.BlasSelfCheck;
import org.mcposterior.platform.NativeFloats;
import org.mcposterior.stochastic.NothingStochasticException;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Samples the approximate posterior of a {@link StochasticNetwork}: each example runs T times
 * with keyed random masks, and the T outputs come back as {@link Samples} shaped
 * {@code [batch, outputs..., iterations]}, as baal's {@code predict_on_batch(x, iterations)}.
 *
 * <p>Every sample is a pure function of (seed, example key, iteration, site) (DESIGN.md,
 * invariant 4): results do not depend on batch size, neighbours, chunking, iteration mode,
 * threads, or on which iterations a call covers, so shards of iterations computed anywhere
 * combine into the same samples. Example keys default to the position in the batch (or in the
 * stream, for {@link #predictOnDataset}); pass your own (e.g. hashed ids) to make them
 * independent of positions too.
 *
 * <p>Layers before the first stochastic site run once per example, and their output is reused
 * for all iterations (the cached prefix); everything runs in inference mode (invariant 2).
 *
 * <p>Thread-safe: concurrent calls use separate runners. Close it to free native memory.
 */
public final class PosteriorSampler implements AutoCloseable {
  private final StochasticNetwork network;
  private final SamplerConfig config;
  private final Map<String, ForwardPlan> plans = new ConcurrentHashMap<>();
  private final Map<ForwardPlan, ConcurrentLinkedDeque<PlanRunner>> idle = new ConcurrentHashMap<>();
  /** Per runner, the iterations {@code [from, to)} of the last task it ran (for {@link #borrow}). */
  private final Map<PlanRunner, long[]> lastIterations = new ConcurrentHashMap<>();
  private final List<PlanRunner> allRunners = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong outputCalls = new AtomicLong();
  private final ExecutorService pool;

  private PosteriorSampler(StochasticNetwork network, SamplerConfig config) {
    BlasSelfCheck.requireCorrect();
    this.network = network;
    this.config = config;
    if (!config.allowDeterministic() && !network.hasStochasticParts()) {
      throw new NothingStochasticException("the network has no stochastic part under " + network + ": its samples"
          + " would all be equal and every uncertainty score zero. Patch it (McDropout.patch(net) for its dropouts,"
          + " McDropConnect.patch(net, p, \"Linear\") for any dense/conv network) or set"
          + " SamplerConfig.withAllowDeterministic(true) to get T equal samples anyway");
    }
    this.pool = config.threads() > 1 ? Executors.newFixedThreadPool(config.threads(), r -> {
      Thread t = new Thread(r, "mcposterior-sampler");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  /** A sampler of {@code network} with the given settings. */
  public static PosteriorSampler of(StochasticNetwork network, SamplerConfig config) {
    return new PosteriorSampler(network, config);
  }

  public StochasticNetwork network() {
    return network;
  }

  public SamplerConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- public API

  /**
   * Samples {@code iterations} posterior samples of each example of {@code input}, keyed by their
   * positions {@code 0..batch-1}.
   *
   * @param input DL4J's batch, e.g. {@code [batch, features]} or {@code [batch, c, h, w]}
   * @return samples {@code [batch, outputs..., iterations]} of the first network output
   */
  public Samples predictOnBatch(INDArray input, int iterations) {
    return predictOnBatch(new INDArray[] {input}, positions(0, batchSize(input)), 0, iterations).get(0);
  }

  /** As {@link #predictOnBatch(INDArray, int)}, with explicit example keys (one per example). */
  public Samples predictOnBatch(INDArray input, long[] exampleKeys, int iterations) {
    return predictOnBatch(new INDArray[] {input}, exampleKeys, 0, iterations).get(0);
  }

  /**
   * The samples of iterations {@code [firstIteration, firstIteration + iterations)} of every
   * output, for examples with the given keys: the general form the others delegate to. Shards of
   * iterations concatenate to the samples of the whole range.
   *
   * @return one {@link Samples} per network output
   */
  public List<Samples> predictOnBatch(INDArray[] inputs, long[] exampleKeys, long firstIteration, int iterations) {
    checkIterations(firstIteration, iterations);
    return sample(prepare(inputs, exampleKeys), firstIteration, iterations);
  }

  /**
   * As {@link #predictOnBatch(INDArray[], long[], long, int)} for variable-length sequences: a
   * network of one sequence input with DL4J's features mask {@code featuresMask} ({@code [batch,
   * time]}, 1 for a real time step, 0 for padding, at least one real step per example), giving what
   * DL4J's {@code output(x, false, featuresMask, null)} gives in each iteration's deterministic
   * parts. Each example's mask travels with it, so its samples do not depend on its batch
   * neighbours (DESIGN.md, invariant 4). Per-time-step outputs keep DL4J's values at padded steps;
   * a score over time steps must leave them out with the same mask.
   *
   * @throws InputShapeException if the mask's shape or values do not fit the input
   * @throws org.mcposterior.stochastic.UnsupportedLayerException if the network cannot take masks exactly
   */
  public List<Samples> predictOnBatch(INDArray input, INDArray featuresMask, long[] exampleKeys, long firstIteration,
      int iterations) {
    checkIterations(firstIteration, iterations);
    Batch b = prepare(new INDArray[] {input}, exampleKeys);
    ForwardPlan plan = plan(b.shapes, true);
    int t = plan.maskLength();
    if (featuresMask == null || featuresMask.rank() != 2 || featuresMask.size(0) != b.n || featuresMask.size(1) != t) {
      throw new InputShapeException("features mask has shape " + (featuresMask == null ? "null"
          : Arrays.toString(featuresMask.shape())) + "; expected [" + b.n + ", " + t + "]: one value per time step of"
          + " each example (1 for a real step, 0 for padding)");
    }
    float[] m = featuresMask.castTo(DataType.FLOAT).dup('c').data().asFloat();
    requireMask(m, b.n, t);
    return sample(new Batch(b.n, b.values, b.shapes, b.keys, m), firstIteration, iterations);
  }

  /**
   * As {@link #predictOnBatch(INDArray, INDArray, long[], long, int)}, for callers that already hold
   * the sequences and their masks as C-order floats (the Spark job's path).
   *
   * @param input {@code batch x prod(perExampleShape)} floats, DL4J's batch layout
   * @param perExampleShape the sequence shape of one example, {@code [size, time]} (NCW) or {@code [time, size]} (NWC)
   * @param featuresMask {@code batch x time} floats, 1 for a real step, 0 for padding, at least one 1 per example
   * @throws InputShapeException if the input or the mask does not fit
   * @throws org.mcposterior.stochastic.UnsupportedLayerException if the network cannot take masks exactly
   */
  public List<Samples> predictOnBatch(float[] input, int[] perExampleShape, float[] featuresMask, long[] exampleKeys,
      long firstIteration, int iterations) {
    checkIterations(firstIteration, iterations);
    if (network.network().numInputs() != 1) {
      throw new InputShapeException("a features mask is for a network of one sequence input; this one takes "
          + network.network().numInputs());
    }
    int n = exampleKeys == null ? 0 : exampleKeys.length;
    if (n == 0) {
      throw new InputShapeException("input batch is empty; expected at least one example and one key per example");
    }
    long per = 1;
    for (int d : perExampleShape) {
      per *= d;
    }
    if (per * n != input.length) {
      throw new InputShapeException("input holds " + input.length + " floats, expected " + n + " examples x " + per
          + " = " + per * n + " (shape " + Arrays.toString(perExampleShape) + ")");
    }
    requireFinite(input, perExampleShape, 0);
    int[][] shapes = {perExampleShape};
    int t = plan(shapes, true).maskLength();
    if (featuresMask == null || featuresMask.length != (long) n * t) {
      throw new InputShapeException("features mask holds " + (featuresMask == null ? "no" : featuresMask.length)
          + " values; expected " + n + " examples x " + t + " time steps (1 for a real step, 0 for padding)");
    }
    requireMask(featuresMask, n, t);
    return sample(new Batch(n, new float[][] {input}, shapes, exampleKeys, featuresMask), firstIteration, iterations);
  }

  /** Refuses a mask value other than 0 or 1, and an example without a real time step. */
  private static void requireMask(float[] m, int n, int t) {
    for (int e = 0; e < n; e++) {
      boolean any = false;
      for (int j = 0; j < t; j++) {
        float v = m[e * t + j];
        if (v != 0f && v != 1f) {
          throw new InputShapeException("features mask holds " + v + " at example " + e + ", time step " + j
              + "; expected 0 (padding) or 1 (a real time step)");
        }
        any |= v == 1f;
      }
      if (!any) {
        throw new InputShapeException("features mask of example " + e + " has no real time step (all zeros); drop"
            + " empty sequences before sampling");
      }
    }
  }

  private List<Samples> sample(Batch b, long firstIteration, int iterations) {
    ForwardPlan plan = plan(b.shapes, b.mask != null);
    float[][] out = new float[plan.numOutputs()][];
    int[] outSizes = new int[plan.numOutputs()];
    for (int k = 0; k < out.length; k++) {
      outSizes[k] = plan.outputNode(k).geometry().size();
      out[k] = new float[Math.multiplyExact(Math.multiplyExact(b.n, outSizes[k]), iterations)];
    }
    run(plan, b, firstIteration, iterations, out);
    List<Samples> result = new ArrayList<>();
    for (int k = 0; k < out.length; k++) {
      int[] dims = plan.outputNode(k).geometry().dims();
      int[] shape = new int[dims.length + 2];
      shape[0] = b.n;
      System.arraycopy(dims, 0, shape, 1, dims.length);
      shape[shape.length - 1] = iterations;
      result.add(Samples.wrap(out[k], shape));
    }
    return result;
  }

  /**
   * As {@link #predictOnBatch(INDArray[], long[], long, int)}, for callers that already hold each
   * input as C-order floats (DL4J's batch layout), saving the copies into and out of an INDArray.
   *
   * @param inputs per network input, {@code batch x prod(shape)} floats
   * @param perExampleShapes per network input, the shape of one example (DL4J's, without batch)
   */
  public List<Samples> predictOnBatch(float[][] inputs, int[][] perExampleShapes, long[] exampleKeys,
      long firstIteration, int iterations) {
    checkIterations(firstIteration, iterations);
    if (inputs.length != network.network().numInputs() || perExampleShapes.length != inputs.length) {
      throw new InputShapeException("the network takes " + network.network().numInputs() + " input(s), got "
          + inputs.length + " with " + perExampleShapes.length + " shapes");
    }
    int n = exampleKeys == null ? 0 : exampleKeys.length;
    if (n == 0) {
      throw new InputShapeException("input batch is empty; expected at least one example and one key per example");
    }
    for (int i = 0; i < inputs.length; i++) {
      long per = 1;
      for (int d : perExampleShapes[i]) {
        per *= d;
      }
      if (per * n != inputs[i].length) {
        throw new InputShapeException("input " + i + " holds " + inputs[i].length + " floats, expected " + n
            + " examples x " + per + " = " + per * n + " (shape " + Arrays.toString(perExampleShapes[i]) + ")");
      }
      requireFinite(inputs[i], perExampleShapes[i], i);
    }
    return sample(new Batch(n, inputs, perExampleShapes, exampleKeys), firstIteration, iterations);
  }

  /** Receives the samples of one batch of a stream. */
  @FunctionalInterface
  public interface BatchConsumer {
    /**
     * @param batchIndex 0-based index of the batch in the stream
     * @param firstExample position of the batch's first example in the stream
     */
    void accept(int batchIndex, long firstExample, Samples samples);
  }

  /** Hears about progress through a stream. */
  @FunctionalInterface
  public interface ProgressListener {
    void progress(long examplesDone, long examplesPerSecond);
  }

  /**
   * Streams a pool: samples each batch of {@code batches} and hands the samples to
   * {@code consumer} batch by batch, never holding the whole pool. Examples are keyed by their
   * position in the stream, so the samples do not depend on how the stream was batched.
   *
   * @return the number of examples sampled
   */
  public long predictOnDataset(Iterator<INDArray> batches, int iterations, BatchConsumer consumer,
      ProgressListener progress) {
    long position = 0;
    int index = 0;
    long start = System.nanoTime();
    while (batches.hasNext()) {
      INDArray batch = batches.next();
      int n = batchSize(batch);
      Samples s = predictOnBatch(new INDArray[] {batch}, positions(position, n), 0, iterations).get(0);
      consumer.accept(index++, position, s);
      position += n;
      if (progress != null) {
        double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        progress.progress(position, (long) (position / secs));
      }
    }
    return position;
  }

  /**
   * One stochastic pass, as a stochastic network's {@code output(x)}: each call draws new masks
   * (call {@code c} is iteration {@code c}), reproducibly for the same seed.
   *
   * @return DL4J-shaped output {@code [batch, outputs...]} of the first network output
   */
  public INDArray output(INDArray input) {
    long call = outputCalls.getAndIncrement();
    Samples s = predictOnBatch(new INDArray[] {input}, positions(0, batchSize(input)), call, 1).get(0);
    int[] shape = s.shape();
    long[] dl4j = new long[shape.length - 1];
    for (int i = 0; i < dl4j.length; i++) {
      dl4j[i] = shape[i];
    }
    return Nd4j.create(s.toFloatArray(), dl4j, 'c');
  }

  /** The plan the sampler runs for inputs of these per-example shapes (for inspection and tests). */
  public ForwardPlan plan(int[][] perExampleShapes) {
    return plan(perExampleShapes, false);
  }

  /** The plan for inputs of these shapes, compiled for sequences with a features mask when {@code masked}. */
  public ForwardPlan plan(int[][] perExampleShapes, boolean masked) {
    String key = Arrays.deepToString(perExampleShapes) + (masked ? " masked" : "");
    return plans.computeIfAbsent(key, k -> PlanCompiler.compile(network, perExampleShapes, config.cachePrefix(), masked));
  }

  /** Rows computed per plan node, summed over every runner of {@code plan} (the regression guard's counts). */
  public long[] rowsComputed(ForwardPlan plan) {
    long[] sum = new long[plan.nodes().size()];
    synchronized (allRunners) {
      for (PlanRunner r : allRunners) {
        if (r.plan() == plan) {
          long[] c = r.rowsComputed();
          for (int i = 0; i < sum.length; i++) {
            sum[i] += c[i];
          }
        }
      }
    }
    return sum;
  }

  /** Nanoseconds spent per plan node, summed over every runner of {@code plan}. */
  public long[] nanosSpent(ForwardPlan plan) {
    long[] sum = new long[plan.nodes().size()];
    synchronized (allRunners) {
      for (PlanRunner r : allRunners) {
        if (r.plan() == plan) {
          long[] c = r.nanosSpent();
          for (int i = 0; i < sum.length; i++) {
            sum[i] += c[i];
          }
        }
      }
    }
    return sum;
  }

  /**
   * The cost profile of the plan for inputs of these per-example shapes (compiled if it was not
   * yet): FLOPs per example and per sample, and per node the time spent so far. For benchmarks and
   * callers outside core, which see the plan through this and not through the forward engine.
   */
  public PlanProfile profile(int[][] perExampleShapes) {
    ForwardPlan plan = plan(perExampleShapes);
    long[] flops = plan.flops();
    List<String> nodes = new ArrayList<>();
    for (PlanNode n : plan.nodes()) {
      nodes.add(String.valueOf(n));
    }
    return new PlanProfile(flops[0], flops[1], nodes, nanosSpent(plan));
  }

  /** The most native memory any one runner has held, in bytes. */
  public long peakRunnerBytes() {
    long m = 0;
    synchronized (allRunners) {
      for (PlanRunner r : allRunners) {
        m = Math.max(m, r.peakBytes());
      }
    }
    return m;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    synchronized (allRunners) {
      for (PlanRunner r : allRunners) {
        r.close();
      }
      allRunners.clear();
    }
    idle.clear();
    lastIterations.clear();
  }

  // ---------------------------------------------------------------- internals

  /** A batch's inputs flattened to C-order floats, validated. */
  private record Batch(int n, float[][] values, int[][] shapes, long[] keys, float[] mask) {
    Batch(int n, float[][] values, int[][] shapes, long[] keys) {
      this(n, values, shapes, keys, null);
    }
  }

  private static int batchSize(INDArray input) {
    if (input == null) {
      throw new InputShapeException("input is null; expected an INDArray of shape [batch, ...]");
    }
    if (input.rank() < 2) {
      throw new InputShapeException("input has shape " + Arrays.toString(input.shape()) + " (rank " + input.rank()
          + "); expected [batch, features] or [batch, channels, height, width]: add the batch dimension, e.g."
          + " x.reshape(1, x.length())");
    }
    return Math.toIntExact(input.size(0));
  }

  private static long[] positions(long first, int n) {
    long[] k = new long[n];
    for (int i = 0; i < n; i++) {
      k[i] = first + i;
    }
    return k;
  }

  private Batch prepare(INDArray[] inputs, long[] keys) {
    if (inputs.length != network.network().numInputs()) {
      throw new InputShapeException("the network takes " + network.network().numInputs() + " input(s), got " + inputs.length);
    }
    int n = batchSize(inputs[0]);
    if (n == 0) {
      throw new InputShapeException("input batch is empty (shape " + Arrays.toString(inputs[0].shape())
          + "); expected at least one example");
    }
    if (keys == null || keys.length != n) {
      throw new InvalidSamplingArgumentException("got " + (keys == null ? "no" : keys.length) + " example keys for a batch of "
          + n + "; expected one key per example");
    }
    float[][] values = new float[inputs.length][];
    int[][] shapes = new int[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      if (batchSize(inputs[i]) != n) {
        throw new InputShapeException("input " + i + " has " + inputs[i].size(0) + " examples but input 0 has " + n);
      }
      long[] s = inputs[i].shape();
      shapes[i] = new int[s.length - 1];
      for (int d = 1; d < s.length; d++) {
        shapes[i][d - 1] = Math.toIntExact(s[d]);
      }
      values[i] = inputs[i].dataType() == DataType.FLOAT && inputs[i].ordering() == 'c' && !inputs[i].isView()
          ? inputs[i].data().asFloat() : inputs[i].castTo(DataType.FLOAT).dup('c').data().asFloat();
      requireFinite(values[i], shapes[i], i);
    }
    return new Batch(n, values, shapes, keys);
  }

  private static void requireFinite(float[] v, int[] shape, int input) {
    int per = 1;
    for (int d : shape) {
      per *= d;
    }
    for (int j = 0; j < v.length; j++) {
      if (!Float.isFinite(v[j])) {
        throw new InputShapeException("input " + input + " holds " + v[j] + " at example " + (j / Math.max(1, per))
            + ", value " + (j % Math.max(1, per)) + "; expected finite numbers: clean or drop such examples first");
      }
    }
  }

  /** One unit of work: examples [e0, e1) for iterations [t0, t1) (relative to the call's first iteration). */
  private record Task(int e0, int e1, int t0, int t1) {}

  private void run(ForwardPlan plan, Batch b, long firstIteration, int iterations, float[][] out) {
    List<Task> tasks = new ArrayList<>();
    int threads = config.threads();
    // Threads split the examples, unless the batch is too small for that or the plan drops weights:
    // DropConnect masks are per iteration (invariant 4), so threads splitting the examples would each
    // mask every weight at every iteration, and splitting the iterations masks each weight once.
    if (threads == 1) {
      tasks.add(new Task(0, b.n, 0, iterations));
    } else if (b.n >= 2 * threads && !(hasDropConnect(plan) && iterations >= threads)) {
      for (int i = 0; i < threads; i++) {
        tasks.add(new Task((int) ((long) b.n * i / threads), (int) ((long) b.n * (i + 1) / threads), 0, iterations));
      }
    } else {
      int parts = Math.min(threads, iterations);
      for (int i = 0; i < parts; i++) {
        tasks.add(new Task(0, b.n, (int) ((long) iterations * i / parts), (int) ((long) iterations * (i + 1) / parts)));
      }
    }
    if (tasks.size() == 1 || pool == null) {
      for (Task t : tasks) {
        runTask(plan, b, firstIteration, iterations, out, t);
      }
      return;
    }
    List<Future<?>> futures = new ArrayList<>();
    for (Task t : tasks) {
      futures.add(pool.submit(() -> runTask(plan, b, firstIteration, iterations, out, t)));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sampling", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException("sampling failed: " + c, c);
      }
    }
  }

  private void runTask(ForwardPlan plan, Batch b, long firstIteration, int totalIterations, float[][] out, Task task) {
    PlanRunner runner = borrow(plan, firstIteration + task.t0, firstIteration + task.t1);
    try {
      int examples = task.e1 - task.e0;
      int iterations = task.t1 - task.t0;
      int[] chunk = chunking(plan, examples, iterations);
      int nbMax = chunk[0], tbMax = chunk[1];
      for (int e0 = task.e0; e0 < task.e1; e0 += nbMax) {
        int nb = Math.min(nbMax, task.e1 - e0);
        long[] keys = Arrays.copyOfRange(b.keys, e0, e0 + nb);
        int ml = plan.maskLength();
        float[] mask = b.mask == null ? null : Arrays.copyOfRange(b.mask, e0 * ml, (e0 + nb) * ml);
        for (int k = 0; k < plan.numInputs(); k++) {
          runner.loadInput(k, b.values[k], e0, nb);
        }
        runner.runPrefix(new Chunk(config.seed(), config.maskMode(), keys, nb, firstIteration + task.t0, 1, mask, ml));
        for (int t0 = task.t0; t0 < task.t1; t0 += tbMax) {
          int tb = Math.min(tbMax, task.t1 - t0);
          Chunk c = new Chunk(config.seed(), config.maskMode(), keys, nb, firstIteration + t0, tb, mask, ml);
          runner.runSuffix(c);
          for (int k = 0; k < plan.numOutputs(); k++) {
            scatter(runner, plan.outputNode(k), nb, tb, out[k], e0, t0, totalIterations);
          }
        }
      }
    } finally {
      release(plan, runner);
    }
  }

  /** {@code [examples per chunk, iterations per chunk]} that fit the memory budget. */
  int[] chunking(ForwardPlan plan, int examples, int iterations) {
    long budget = config.memoryBudgetBytes() / config.threads();
    long perExample = 4L * plan.floatsPerExample();
    long perSample = 4L * Math.max(1, plan.floatsPerSample());
    long fixed = scratchReserve(plan) + dropConnectCache(plan);
    long avail = budget - fixed;
    long minimum = fixed + perExample + perSample;
    if (avail < perExample + perSample) {
      throw new InvalidSamplingArgumentException("memory budget = " + config.memoryBudgetBytes() + " bytes"
          + (config.threads() > 1 ? " (" + budget + " per thread)" : "") + " cannot hold one example of this network at"
          + " one iteration, which needs " + minimum + " bytes; raise the budget to at least " + minimum * config.threads());
    }
    int tbMin = config.iterationMode() == IterationMode.LOOP ? 1 : iterations;
    int nb = (int) Math.max(1, Math.min(examples, avail / (perExample + perSample)));
    long tbFit = (avail - (long) nb * perExample) / ((long) nb * perSample);
    int tb = (int) Math.max(1, Math.min(tbMin, tbFit));

    int chunks = (iterations + tb - 1) / tb;
    tb = (iterations + chunks - 1) / chunks;
    return new int[] {nb, tb};
  }

  /**
   * Native bytes reserved for kernels' scratch (im2col blocks): their preferred size when it takes
   * at most a quarter of the budget, else the least they can work with (one example at a time).
   */
  private long scratchReserve(ForwardPlan plan) {
    long budget = config.memoryBudgetBytes() / config.threads();
    long preferred = 4L * plan.scratchFloats(Integer.MAX_VALUE);
    return preferred <= budget / 4 ? preferred : 4L * plan.scratchFloats(1);
  }

  private long dropConnectCache(ForwardPlan plan) {
    return hasDropConnect(plan) ? config.memoryBudgetBytes() / config.threads() / 4 : 0;
  }

  private static boolean hasDropConnect(ForwardPlan plan) {
    for (PlanNode n : plan.nodes()) {
      if (!n.isInput() && n.kernel().dropsWeights()) {
        return true;
      }
    }
    return false;
  }

  private static void scatter(PlanRunner runner, PlanNode node, int nb, int tb, float[] out, int e0, int t0, int total) {
    int size = node.geometry().size();
    NativeFloats buf = runner.output(node.id());
    float[] row = new float[size];
    for (int t = 0; t < tb; t++) {
      for (int n = 0; n < nb; n++) {
        int src = node.sampled() ? t * nb + n : n;
        buf.copyTo(src * size, row, 0, size);
        int base = (e0 + n) * size * total + t0 + t;
        for (int o = 0; o < size; o++) {
          out[base + o * total] = row[o];
        }
      }
    }
  }

  /**
   * An idle runner of {@code plan} for a task over iterations {@code [from, to)}: preferably the one
   * that last ran exactly these iterations, whose cached DropConnect weights are then the ones the
   * task needs (otherwise two threads swapping iteration ranges between calls would each recompute
   * the other's masks every call).
   */
  private PlanRunner borrow(ForwardPlan plan, long from, long to) {
    ConcurrentLinkedDeque<PlanRunner> q = idle.computeIfAbsent(plan, p -> new ConcurrentLinkedDeque<>());
    PlanRunner r = null;
    for (PlanRunner c : q) {
      long[] last = lastIterations.get(c);
      if (last != null && last[0] == from && last[1] == to && q.remove(c)) {
        r = c;
        break;
      }
    }
    if (r == null) {
      r = q.pollFirst();
    }
    if (r == null) {
      r = plan.newRunner(dropConnectCache(plan));
      r.limitScratch(scratchReserve(plan) / 4);
      allRunners.add(r);
    }
    lastIterations.put(r, new long[] {from, to});
    r.beginTask();
    return r;
  }

  private void release(ForwardPlan plan, PlanRunner r) {
    idle.get(plan).addFirst(r);
  }

  /**
   * The shape of one example's output {@code k} for inputs of the given per-example shapes: the
   * {@code outputs...} of its samples {@code [batch, outputs..., iterations]}.
   */
  public int[] outputShape(int[][] perExampleShapes, int k) {
    return plan(perExampleShapes).outputNode(k).geometry().dims().clone();
  }

  /** The number of values of one example's output {@code k}: the product of {@link #outputShape}. */
  public int outputSize(int[][] perExampleShapes, int k) {
    return plan(perExampleShapes).outputNode(k).geometry().size();
  }

  /** Refuses an empty or negative iteration range. */
  private static void checkIterations(long firstIteration, int iterations) {
    if (iterations <= 0) {
      throw new InvalidSamplingArgumentException("iterations = " + iterations + "; expected a positive number of"
          + " stochastic passes, e.g. 20");
    }
    if (firstIteration < 0) {
      throw new InvalidSamplingArgumentException("first iteration = " + firstIteration + "; expected >= 0");
    }
  }
}
