package org.mcposterior.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.OutputView;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The deterministic network's predictions: DL4J's own inference pass ({@link Network#output},
 * dropout and DropConnect off, batch-norm with running statistics) over a batch of examples, read
 * as the MC samples are read: output 0's {@link OutputView} ({@link OutputKinds}: the kind asked
 * for, or decided from the output layer) turns it into class probabilities ({@link
 * OutputView#classProbabilities}, T = 1), and {@link #predictedClass} into one class per example.
 *
 * <p>Sequence networks ({@link SequenceLayout}): a row shorter than the full time length is read
 * as the sampler reads it, padded at the end of time and passed with DL4J's features mask ({@link
 * Network#output(INDArray, INDArray)}); full-length rows and shorter ones run as separate batches,
 * so a full-length batch runs exactly as without sequences.
 *
 * <p>The view is decided from the network's output shape at the first batch and fixed after it
 * (a later batch of another output shape is refused by the view). Not thread-safe: a DL4J network
 * is not (one predictor per task or thread, each with its own network).
 */
public final class DeterministicPredictor {
  private final Network net;
  private final int[] shape;
  private final int length;
  private final SequenceLayout sequence;
  private final OutputKind requested;
  private final Probabilities conversion;
  private OutputView view;

  private DeterministicPredictor(Network net, int[] shape, OutputKind requested, Probabilities conversion) {
    this.net = net;
    this.shape = shape.clone();
    this.length = Math.toIntExact(InputShapes.product(shape));
    this.sequence = SequenceLayout.of(net, shape);
    this.requested = requested;
    this.conversion = conversion;
  }

  /**
   * A predictor of {@code net} for examples of per-example shape {@code inputShape}.
   *
   * @param requested the output kind asked for, or null to decide it from the output layer
   * @param conversion how class distributions that may be logits become probabilities (the run's
   *     setting; the two-class views take their values as given, see {@link OutputView#probabilities})
   */
  public static DeterministicPredictor of(Network net, int[] inputShape, OutputKind requested,
      Probabilities conversion) {
    return new DeterministicPredictor(net, inputShape, requested, conversion);
  }

  /** The view of output 0, or null before the first batch decided it. */
  public OutputView view() {
    return view;
  }

  /**
   * The class probabilities of each row of {@code rows} (flat examples of the input shape, or for
   * a sequence network a whole number of time steps up to the full length): {@code [n][scored
   * size]}, in the scored view's flat layout (class, then position).
   *
   * @throws InputShapeException for a row of another length (a sequence network: not a whole
   *     number of steps from 1 to the full length)
   * @throws org.mcposterior.stats.OutputKindException when output 0's kind cannot be decided, or
   *     is regression (no class probabilities)
   */
  public double[][] probabilities(List<float[]> rows) {
    int n = rows.size();
    List<Integer> full = new ArrayList<>();
    List<Integer> shorter = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = rows.get(i).length;
      if (len == length) {
        full.add(i);
      } else if (sequence != null) {
        sequence.steps(len); // refuses a length that is no whole number of steps
        shorter.add(i);
      } else {
        throw new InputShapeException("example " + i + " of the batch has " + len + " values: expected " + length
            + " (input shape " + Arrays.toString(shape) + ")");
      }
    }
    double[][] p = new double[n][];
    if (!full.isEmpty()) {
      float[] flat = new float[full.size() * length];
      for (int j = 0; j < full.size(); j++) {
        System.arraycopy(rows.get(full.get(j)), 0, flat, j * length, length);
      }
      read(net.output(Nd4j.create(flat, dims(full.size()), 'c'))[0], full, p);
    }
    if (!shorter.isEmpty()) {
      float[] flat = new float[shorter.size() * length];
      float[] mask = new float[shorter.size() * sequence.timeSteps()];
      for (int j = 0; j < shorter.size(); j++) {
        sequence.padMasked(rows.get(shorter.get(j)), flat, mask, j);
      }
      INDArray m = Nd4j.create(mask, new long[] {shorter.size(), sequence.timeSteps()}, 'c');
      read(net.output(Nd4j.create(flat, dims(shorter.size()), 'c'), m)[0], shorter, p);
    }
    return p;
  }

  /**
   * The predicted class of probabilities this predictor returned (classes, binary outputs): see
   * {@link OutputView#predictedClass}.
   *
   * @throws IllegalStateException before the first batch
   */
  public int predictedClass(double[] probabilities) {
    if (view == null) {
      throw new IllegalStateException("no batch predicted yet: the output's view is decided by the first batch");
    }
    return view.predictedClass(probabilities);
  }

  /** Rows {@code rows} of the batch output {@code out} ({@code [m, raw...]}) as probabilities, into {@code p}. */
  private void read(INDArray out, List<Integer> rows, double[][] p) {
    int m = rows.size();
    int[] raw = new int[out.rank() - 1];
    for (int d = 1; d < out.rank(); d++) {
      raw[d - 1] = Math.toIntExact(out.size(d));
    }
    if (view == null) {
      view = OutputKinds.of(net, raw, requested);
    }
    int[] samplesShape = new int[raw.length + 2];
    samplesShape[0] = m;
    System.arraycopy(raw, 0, samplesShape, 1, raw.length);
    samplesShape[samplesShape.length - 1] = 1;
    Samples s = Samples.wrap(out.castTo(DataType.FLOAT).dup('c').data().asFloat(), samplesShape);
    Samples probs = view.classProbabilities(s, conversion);
    int per = probs.outputSize();
    float[] v = probs.toFloatArray();
    for (int j = 0; j < m; j++) {
      double[] q = new double[per];
      for (int k = 0; k < per; k++) {
        q[k] = v[j * per + k];
      }
      p[rows.get(j)] = q;
    }
  }

  private long[] dims(int n) {
    long[] dims = new long[shape.length + 1];
    dims[0] = n;
    for (int d = 0; d < shape.length; d++) {
      dims[d + 1] = shape[d];
    }
    return dims;
  }
}
