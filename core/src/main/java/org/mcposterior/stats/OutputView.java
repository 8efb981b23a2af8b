package org.mcposterior.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How the raw samples of one network output of a known {@link OutputKind} become the samples that
 * are scored, and how those become moments: the only place where a kind changes numbers.
 *
 * <p>For raw samples {@code [N, outputs..., T]} of output shape {@code raw = [r0, r1, ...]}, the
 * scored view ({@link #apply}) is:
 * <ul>
 *   <li>{@code CLASSES}: the samples as they are, {@code [C]}; converted by the caller's {@link
 *       Probabilities} setting (a softmax of logits, or probabilities used as given);
 *   <li>{@code BINARY}: {@code [1]} becomes {@code [2]}, {@code [1 - p, p]};
 *   <li>{@code MULTI_LABEL}: {@code [L, ...]} becomes {@code [2, L ...]}: every value {@code p} a
 *       position with the two classes {@code 1 - p, p};
 *   <li>{@code PER_POSITION}: {@code [C, d1, ...]} with {@code C >= 2} as it is (a distribution
 *       over the channel dimension at every position, converted by the caller's setting); {@code
 *       [1, d1, ...]} becomes {@code [2, d1, ...]}, {@code [1 - p, p]} per position;
 *   <li>{@code REGRESSION}: {@code [K, ...]} becomes {@code [1, K ...]}: one value per position,
 *       moments of the plain values ({@link MomentsBatch#ofValues}), no conversion at all;
 *   <li>{@code DETECTION}: {@code [B (5 + C), H, W]} becomes {@code [C, B, H, W]}: value {@code (c,
 *       b, h, w)} is raw channel {@code b (5 + C) + 5 + c} at {@code (h, w)}, the layout of DL4J's
 *       {@code YoloUtils.activate} (it reshapes the channels to {@code [B, 5 + C]} and softmaxes
 *       the last {@code C} of each box over the classes).
 * </ul>
 * Two-class views and detection class probabilities must already be probabilities ({@link
 * Probabilities#GIVEN}): a value outside {@code [0, 1]} is refused, never squashed. Nothing is
 * softmaxed that is not a class distribution.
 *
 * <p>Immutable, serializable (it travels to the executors) and thread-safe.
 */
public final class OutputView implements Serializable {
  private static final long serialVersionUID = 1L;

  private final OutputKind kind;
  private final int[] raw;
  private final int boxes;
  private final int[] scored;
  private final String source;

  private OutputView(OutputKind kind, int[] raw, int boxes, String source) {
    this.kind = kind;
    this.source = source;
    this.raw = raw.clone();
    this.boxes = boxes;
    this.scored = scoredShape(kind, this.raw, boxes, source);
  }

  /**
   * The view of an output of shape {@code rawShape} (without batch and iterations) as {@code kind};
   * {@link OutputKind#DETECTION} needs {@link #detection} (it needs the anchor boxes).
   *
   * @param source what the output is, for messages (e.g. "output layer 3 (OutputLayer)")
   * @throws OutputKindException if the shape contradicts the kind, naming both and the fix
   */
  public static OutputView of(OutputKind kind, int[] rawShape, String source) {
    if (kind == OutputKind.DETECTION) {
      throw new OutputKindException("output kind detection on " + source + " of shape " + Arrays.toString(rawShape)
          + ": detection is read from a Yolo2OutputLayer (it needs the layer's anchor boxes), and this output is not"
          + " one. Fix: pass another --output-kind (per-position for a map of class distributions, regression for"
          + " plain values)");
    }
    return new OutputView(kind, rawShape, 0, source);
  }

  /** The view of a Yolo2OutputLayer's output {@code [boxes (5 + C), H, W]}. */
  public static OutputView detection(int[] rawShape, int boxes, String source) {
    return new OutputView(OutputKind.DETECTION, rawShape, boxes, source);
  }

  private static int[] scoredShape(OutputKind kind, int[] raw, int boxes, String source) {
    String what = "output kind " + kind.label() + " on " + source + " of shape " + Arrays.toString(raw);
    if (raw.length == 0) {
      throw new OutputKindException(what + ": the output has no dimensions");
    }
    long total = 1;
    for (int d : raw) {
      total *= d;
    }
    switch (kind) {
      case CLASSES:
        if (raw.length != 1 || raw[0] < 2) {
          throw new OutputKindException(what + ": classes expects one vector of at least 2 class scores [C]. Fix:"
              + (raw.length > 1 ? " --output-kind per-position for a class distribution per position (channels"
              + " first), or regression" : " --output-kind binary for a single sigmoid, or regression"));
        }
        return raw.clone();
      case BINARY:
        if (raw.length != 1 || raw[0] != 1) {
          throw new OutputKindException(what + ": binary is a single sigmoid, one value per example. Fix:"
              + " --output-kind multi-label for independent sigmoids, classes for one distribution, per-position"
              + " for maps");
        }
        return new int[] {2};
      case MULTI_LABEL:
        return new int[] {2, Math.toIntExact(total)};
      case PER_POSITION: {
        if (raw.length < 2) {
          throw new OutputKindException(what + ": per-position expects channels and at least one position"
              + " dimension [C, d1, ...] (a segmentation map, a sequence). Fix: --output-kind classes, binary or"
              + " multi-label for a vector output");
        }
        int[] s = raw.clone();
        s[0] = raw[0] == 1 ? 2 : raw[0];
        return s;
      }
      case REGRESSION:
        return new int[] {1, Math.toIntExact(total)};
      case DETECTION: {
        if (raw.length != 3 || boxes < 1 || raw[0] % boxes != 0 || raw[0] / boxes < 6) {
          throw new OutputKindException(what + " with " + boxes + " anchor boxes: expected [boxes x (5 + classes),"
              + " height, width] with at least one class (the NCHW output of a Yolo2OutputLayer). Fix: build the"
              + " layer in NCHW, or pass another --output-kind");
        }
        return new int[] {raw[0] / boxes - 5, boxes, raw[1], raw[2]};
      }
      default:
        throw new AssertionError(kind);
    }
  }

  public OutputKind kind() {
    return kind;
  }

  /** What the output is, for messages (as given when the view was built, e.g. "output layer 3 (OutputLayer)"). */
  public String source() {
    return source;
  }

  /** The raw output shape (a copy). */
  public int[] rawShape() {
    return raw.clone();
  }

  /** The anchor boxes of a detection output; 0 for the other kinds. */
  public int boxes() {
    return boxes;
  }

  /** The scored view's output shape {@code [C, d1, ...]} (a copy); {@code C = 1} for regression. */
  public int[] scoredShape() {
    return scored.clone();
  }

  /** Values per example of the scored view. */
  public int scoredSize() {
    int s = 1;
    for (int d : scored) {
      s *= d;
    }
    return s;
  }

  /**
   * Which positions of the scored view belong to real time steps of a sequence whose first {@code
   * steps} of {@code timeSteps} steps are real and the rest padding (masked): the keep mask a
   * reduction over positions uses so that padded steps do not count ({@link
   * org.mcposterior.heuristics.PosteriorScores#of(MomentsBatch, org.mcposterior.heuristics.Reduction,
   * boolean[][])}). Only a per-time-step output, raw shape {@code [C, timeSteps]} (DL4J's NCW
   * {@code RnnOutputLayer}), has positions in time: scored position {@code p} is then time step
   * {@code p mod timeSteps} (per-position: {@code p = t}; multi-label and regression: {@code p = c
   * timeSteps + t}). Any other output (a vector from {@code LastTimeStep} or global pooling, which
   * DL4J already computes from the real steps) has none, and the result is null, as it is when every
   * step is real.
   *
   * @throws IllegalArgumentException if {@code steps} is not in {@code [1, timeSteps]}
   */
  public boolean[] realPositions(int steps, int timeSteps) {
    if (steps < 1 || steps > timeSteps) {
      throw new IllegalArgumentException("real time steps = " + steps + " of " + timeSteps
          + ": expected 1 to " + timeSteps);
    }
    if (steps == timeSteps || raw.length != 2 || raw[1] != timeSteps) {
      return null;
    }
    int positions = scoredSize() / scored[0];
    boolean[] keep = new boolean[positions];
    for (int p = 0; p < positions; p++) {
      keep[p] = p % timeSteps < steps;
    }
    return keep;
  }

  /**
   * The conversion the moments of the scored view use: the caller's {@code requested} setting for
   * class distributions that may be logits ({@code CLASSES}, {@code PER_POSITION} with {@code C >=
   * 2}), {@link Probabilities#GIVEN} for the two-class views and detection; {@code null} for
   * regression, which is never converted.
   */
  public Probabilities probabilities(Probabilities requested) {
    switch (kind) {
      case CLASSES:
        return requested;
      case PER_POSITION:
        return raw[0] >= 2 ? requested : Probabilities.GIVEN;
      case REGRESSION:
        return null;
      default:
        return Probabilities.GIVEN;
    }
  }

  /**
   * The scored view of {@code samples} (see the class comment).
   *
   * @throws InvalidSamplesException if the samples' output shape is not this view's raw shape, or a
   *     value read as a probability is not one
   */
  public Samples apply(Samples samples) {
    if (!Arrays.equals(samples.outputShape(), raw)) {
      throw new InvalidSamplesException("samples of output shape " + Arrays.toString(samples.outputShape())
          + " given to the " + kind.label() + " view of outputs " + Arrays.toString(raw)
          + ": expected the output shape the view was built for");
    }
    int n = samples.batchSize();
    int t = samples.iterations();
    switch (kind) {
      case CLASSES:
        return samples;
      case BINARY:
        return samples.asTwoClasses();
      case MULTI_LABEL:
        return Samples.wrap(samples.toFloatArray(), n, 1, samples.outputSize(), t).asTwoClasses();
      case PER_POSITION:
        return raw[0] == 1 ? samples.asTwoClasses() : samples;
      case REGRESSION:
        return Samples.wrap(samples.toFloatArray(), n, 1, samples.outputSize(), t);
      case DETECTION:
        return detectionClasses(samples, n, t);
      default:
        throw new AssertionError(kind);
    }
  }

  /**
   * The class probabilities of raw {@code samples}: the scored view ({@link #apply}: a single sigmoid
   * becomes {@code [1 - p, p]}, ...), every vector then converted as {@link #probabilities} says
   * (the caller's {@code requested} setting for class distributions that may be logits, used as
   * given for the two-class views and detection). The one way raw network outputs become class
   * probabilities, for the MC samples and for a deterministic pass alike (T = 1).
   *
   * @throws OutputKindException for a regression output, which has no class probabilities
   * @throws InvalidSamplesException as {@link #apply}, or when a value is not finite, or not a
   *     probability where probabilities are required
   */
  public Samples classProbabilities(Samples samples, Probabilities requested) {
    Probabilities conversion = probabilities(requested);
    if (conversion == null) {
      throw new OutputKindException("the " + kind.label() + " output " + source + " of shape " + Arrays.toString(raw)
          + " holds plain values, not class probabilities: expected a classes, binary, multi-label, per-position or"
          + " detection output. Fix: read a regression output's values (apply) instead");
    }
    Samples view = apply(samples);
    float[] values = view.toFloatArray(); // a copy: the view of CLASSES is the raw samples themselves
    OutputShape shape = OutputShape.of(view.outputShape());
    int perExample = view.outputSize() * view.iterations();
    double[] scratch = new double[view.iterations()];
    for (int n = 0; n < view.batchSize(); n++) {
      conversion.apply(values, n * perExample, shape, view.iterations(), n, scratch);
    }
    return Samples.wrap(values, view.shape());
  }

  /**
   * The predicted class of a class distribution of this view (classes, binary: one per example):
   * the class of largest probability, the lower class on ties (as the scores' {@code
   * predicted_class}).
   *
   * @throws OutputKindException for a kind without one predicted class per example
   * @throws IllegalArgumentException when {@code probabilities} is not of the scored size
   */
  public int predictedClass(double[] probabilities) {
    if (!kind.hasOnePrediction()) {
      throw new OutputKindException("the " + kind.label() + " output " + source + " has no single predicted class per"
          + " example: expected a classes or binary output");
    }
    if (probabilities.length != scoredSize()) {
      throw new IllegalArgumentException(probabilities.length + " probabilities for the " + kind.label() + " view of "
          + Arrays.toString(raw) + ": expected " + scoredSize());
    }
    int best = 0;
    for (int c = 1; c < probabilities.length; c++) {
      if (probabilities[c] > probabilities[best]) {
        best = c;
      }
    }
    return best;
  }

  private Samples detectionClasses(Samples samples, int n, int t) {
    int classes = scored[0];
    int cells = raw[1] * raw[2];
    int perBox = 5 + classes;
    int in = samples.outputSize() * t;
    int out = classes * boxes * cells * t;
    float[] src = new float[in];
    float[] dst = new float[n * out];
    for (int e = 0; e < n; e++) {
      samples.copyExample(e, src, 0);
      for (int c = 0; c < classes; c++) {
        for (int b = 0; b < boxes; b++) {
          int from = (b * perBox + 5 + c) * cells * t;
          int to = e * out + (c * boxes + b) * cells * t;
          System.arraycopy(src, from, dst, to, cells * t);
        }
      }
    }
    int[] shape = {n, classes, boxes, raw[1], raw[2], t};
    return Samples.wrap(dst, shape);
  }

  /**
   * The moments of a batch of samples already in this view ({@link #apply}): {@link
   * MomentsBatch#of(Samples, Probabilities)} with {@link #probabilities}, or {@link
   * MomentsBatch#ofValues} for regression.
   */
  public MomentsBatch moments(Samples scoredView, Probabilities requested) {
    Probabilities p = probabilities(requested);
    return p == null ? MomentsBatch.ofValues(scoredView) : MomentsBatch.of(scoredView, p);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputView v && kind == v.kind && boxes == v.boxes && Arrays.equals(raw, v.raw);
  }

  @Override
  public int hashCode() {
    return (kind.hashCode() * 31 + Arrays.hashCode(raw)) * 31 + boxes;
  }

  @Override
  public String toString() {
    return kind.label() + " " + Arrays.toString(raw) + (boxes > 0 ? " (" + boxes + " boxes)" : "");
  }
}
