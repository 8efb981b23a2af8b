package org.mcposterior.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.mcposterior.models.SequenceLayout;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.OutputView;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.MomentsBatch;

/**
 * What one Spark task does: stream its rows in batches through the core sampler for one shard of
 * the iterations, and turn each batch into per-example moments. The same core code runs here and
 * in-process; nothing here samples or scores by itself.
 */
final class ScoreTask implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * One example's result for one shard, keyed for the merge: its moments in the compact versioned
   * binary form of {@code MomentsCodec} (what crosses the shuffle), and its samples when asked.
   */
  record ShardResult(String key, int shard, Object id, byte[] moments, float[] samples, int steps)
      implements Serializable {}

  private final Broadcast<byte[]> model;
  private final String fingerprint;
  private final ScorerSettings settings;
  private final SamplerConfig config;
  private final int[] inputShape;
  private final OutputView view;
  private final LongAccumulator progress;
  private final SequenceLayout sequence;
  private final RunObserver observer;

  /**
   * @param sequence the layout of a sequence network's examples, whose shorter examples are padded
   *     and masked ({@link SequenceLayout}), or null for a network of fixed-length inputs
   */
  ScoreTask(Broadcast<byte[]> model, String fingerprint, ScorerSettings settings, SamplerConfig config, int[] inputShape,
      OutputView view, LongAccumulator progress, SequenceLayout sequence) {
    this.sequence = sequence;
    this.view = view;
    this.model = model;
    this.fingerprint = fingerprint;
    this.settings = settings;
    this.config = config;
    this.inputShape = inputShape.clone();
    this.progress = progress;
    this.observer = RunObserver.NONE;
  }

  /** This task, with {@code observer} told when each of its runs starts sampling ({@link RunObserver#taskStarted}). */
  ScoreTask observedBy(RunObserver observer) {
    return new ScoreTask(this, observer);
  }

  private ScoreTask(ScoreTask t, RunObserver observer) {
    this.model = t.model;
    this.fingerprint = t.fingerprint;
    this.settings = t.settings;
    this.config = t.config;
    this.inputShape = t.inputShape;
    this.view = t.view;
    this.progress = t.progress;
    this.sequence = t.sequence;
    this.observer = observer;
  }

  /**
   * One example of the pool: its id as the pool holds it, its key (the id as a string, which keys
   * its masks) and its features.
   */
  record Example(Object id, String key, float[] features) implements Serializable {}

  /** A batch of examples and their samples (in the output kind's view) for iterations [start, end). */
  interface BatchConsumer {
    void accept(List<Example> rows, Samples samples, MomentsBatch moments);
  }

  /**
   * The real time steps of {@code e} for a sequence network (its features' length over the step
   * width), or 0 for a network of fixed-length inputs.
   */
  int steps(Example e) {
    return sequence == null ? 0 : sequence.steps(e.features().length);
  }

  /**
   * Samples the examples of {@code it} for iterations [start, end), batch by batch. For a sequence
   * network, the full-length examples of a batch and its shorter ones (padded and masked) go to the
   * sampler as two batches, each handed to {@code consumer} on its own: an example's samples come
   * from the plan its own length calls for, never from a neighbour's (DESIGN.md, invariant 4).
   */
  void run(Iterator<Example> it, int start, int end, BatchConsumer consumer) {
    try (ExecutorSamplers.Lease lease = ExecutorSamplers.lease(fingerprint, model, settings, config)) {
      PosteriorSampler sampler = lease.sampler();
      observer.taskStarted();
      int len = 1;
      for (int d : inputShape) {
        len *= d;
      }
      List<Example> batch = new ArrayList<>(settings.batchSize());
      while (it.hasNext()) {
        batch.add(it.next());
        if (batch.size() == settings.batchSize() || !it.hasNext()) {
          List<Example> full = batch;
          List<Example> shorter = new ArrayList<>();
          if (sequence != null) {
            full = new ArrayList<>(batch.size());
            for (Example e : batch) {
              (e.features().length == len ? full : shorter).add(e);
            }
          }
          if (!full.isEmpty()) {
            sample(sampler, full, len, false, start, end, consumer);
          }
          if (!shorter.isEmpty()) {
            sample(sampler, shorter, len, true, start, end, consumer);
          }
          batch = new ArrayList<>(settings.batchSize());
        }
      }
    }
  }

  /**
   * Samples one sampler batch: full-length examples as they are, or ({@code masked}) shorter
   * sequences padded to the full length with their features masks; hands the scored view's
   * samples and moments to {@code consumer}.
   */
  private void sample(PosteriorSampler sampler, List<Example> batch, int len, boolean masked, int start, int end,
      BatchConsumer consumer) {
    int n = batch.size();
    float[] x = new float[n * len];
    float[] mask = masked ? new float[n * sequence.timeSteps()] : null;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      Example e = batch.get(i);
      keys[i] = KeyedRandom.exampleKey(e.key());
      if (masked) {
        sequence.padMasked(e.features(), x, mask, i);
      } else if (e.features().length != len) {
        throw new IllegalStateException("example " + e.key() + " has " + e.features().length + " features, expected " + len);
      } else {
        System.arraycopy(e.features(), 0, x, i * len, len);
      }
    }
    Samples samples;
    try {
      samples = masked ? sampler.predictOnBatch(x, inputShape, mask, keys, start, end - start).get(0)
          : sampler.predictOnBatch(new float[][] {x}, new int[][] {inputShape}, keys, start, end - start).get(0);
    } catch (OutOfMemoryError e) {
      // Not fatal to the executor JVM: the sampler's allocation failed and is released as the
      // stack unwinds; the task fails with the cause and the fix, and the driver reports it.
      throw new ResourceExhaustedException("a task ran out of memory sampling a batch of " + n + " examples x "
          + (end - start) + " iterations (" + e.getMessage() + "); lower --batch-size (now " + settings.batchSize()
          + ") or --memory-budget (now " + (settings.memoryBudgetBytes() >> 20) + " MiB), or give the executors"
          + " more memory (bin/mcposterior: MCPOSTERIOR_JAVA_OPTS=-Xmx8g; spark-submit: --executor-memory and"
          + " spark.executor.memoryOverhead)", e);
    }
    // The output kind's view (two classes per sigmoid, detection class slices, plain regression
    // values) is what the samples column holds and what the moments are taken from.
    samples = view.apply(samples);
    consumer.accept(batch, samples, view.moments(samples, settings.probabilities()));
    progress.add(n);
  }
}
