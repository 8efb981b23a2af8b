package org.mcposterior.stats;

/**
 * How raw sample values become class probabilities, decided by the caller and applied to each
 * sample vector on its own: the {@code C} values of one example, one position and one iteration.
 * Every path that reads samples (moments, every heuristic) converts through this one type.
 *
 * <p>Because the rule looks at nothing but the vector itself, the probabilities of a sample
 * never depend on which other iterations, examples or shards it was computed with: two shards of
 * the same example can never be treated inconsistently, and moments merged across shards equal
 * the moments of the whole tensor (DESIGN.md, invariant 5). baal's {@code to_prob} instead decides
 * once for the whole array; on an array whose vectors are all probabilities, or all logits, the
 * two agree.
 *
 * <ul>
 *   <li>{@link #AUTO}: baal's test, per vector. A vector whose values all lie in {@code [0, 1]}
 *       and sum to 1 within {@link #SUM_TOLERANCE} is used as given; any other vector is read as
 *       logits and replaced by its softmax over the classes. Negative values are therefore logits,
 *       not an error. Caveat: a logit vector that happens to look like a distribution (say
 *       {@code [0.3, 0.7]}) is taken as one; use {@link #LOGITS} when the network outputs logits.
 *   <li>{@link #GIVEN}: the values must be probabilities; a value outside {@code [0, 1]} or a
 *       vector whose sum is off by more than {@link #SUM_TOLERANCE} is refused.
 *   <li>{@link #LOGITS}: every vector is replaced by its softmax over the classes.
 * </ul>
 *
 * <p>Softmax is {@code exp(x_c - max x) / sum_k exp(x_k - max x)}, computed in double and rounded
 * to float like the network output it replaces. NaN and infinite values are refused in every mode
 * (an infinite logit has no probability vector that merges reproducibly). Stateless and
 * thread-safe.
 */
public enum Probabilities {
  /** Per vector: probabilities if they look like a distribution, otherwise logits (softmax). */
  AUTO,
  /** Probabilities only: anything else is refused with {@link InvalidSamplesException}. */
  GIVEN,
  /** Logits: softmax over the classes, always. */
  LOGITS;

  /**
   * How far the sum of a probability vector may be from 1: {@code 1e-4}, baal's
   * {@code np.allclose(..., rtol=1e-4)} test. A float softmax output sums to 1 within about
   * {@code 1e-6}.
   */
  public static final double SUM_TOLERANCE = 1e-4;

  /**
   * Turns the values of one example into probabilities, in place.
   *
   * <p>The example's values start at {@code offset} in the layout of {@link
   * org.mcposterior.stats.Samples#copyExample}: class, then position, then iteration, so value
   * {@code (c, pos, t)} is at {@code offset + (c * positions + pos) * iterations + t}. Vectors that
   * already are probabilities are left bit for bit unchanged.
   *
   * @param values the values, overwritten with probabilities where the mode converts
   * @param offset where the example starts in {@code values}
   * @param shape the output shape {@code [C, d1, ...]}
   * @param iterations {@code T}, at least 1
   * @param example the example's index, only for error messages
   * @param scratch at least {@code iterations} doubles of work space, or {@code null} to allocate
   * @throws InvalidSamplesException naming the value and its (example, class, position, iteration)
   *     if a value is NaN or infinite, or, with {@link #GIVEN}, not a probability
   */
  public void apply(float[] values, int offset, OutputShape shape, int iterations, long example,
      double[] scratch) {
    shape.requireClasses();
    int classes = shape.classes();
    int positions = shape.positions();
    if (this == LOGITS) {
      for (int pos = 0; pos < positions; pos++) {
        for (int t = 0; t < iterations; t++) {
          checkFinite(values, offset, classes, positions, iterations, pos, t, example);
          softmax(values, offset, classes, positions, iterations, pos, t);
        }
      }
      return;
    }
    double[] sums = scratch != null && scratch.length >= iterations ? scratch : new double[iterations];
    for (int pos = 0; pos < positions; pos++) {
      // Fast check of the whole (position) block: column sums over the classes, and the range.
      // NaN fails the range test, so it always reaches the per-vector path, which refuses it.
      java.util.Arrays.fill(sums, 0, iterations, 0.0);
      boolean inRange = true;
      for (int c = 0; c < classes; c++) {
        int base = offset + (c * positions + pos) * iterations;
        for (int t = 0; t < iterations; t++) {
          float v = values[base + t];
          sums[t] += v;
          inRange &= v >= 0f & v <= 1f;
        }
      }
      boolean allDistributions = inRange;
      for (int t = 0; t < iterations && allDistributions; t++) {
        allDistributions = Math.abs(sums[t] - 1.0) <= SUM_TOLERANCE;
      }
      if (!allDistributions) {
        for (int t = 0; t < iterations; t++) {
          convertVector(values, offset, classes, positions, iterations, pos, t, example);
        }
      }
    }
  }

  private void convertVector(float[] values, int offset, int classes, int positions, int iterations,
      int pos, int t, long example) {
    checkFinite(values, offset, classes, positions, iterations, pos, t, example);
    double sum = 0;
    int outside = -1;
    for (int c = 0; c < classes; c++) {
      float v = values[offset + (c * positions + pos) * iterations + t];
      sum += v;
      if (outside < 0 && (v < 0f || v > 1f)) {
        outside = c;
      }
    }
    boolean distribution = outside < 0 && Math.abs(sum - 1.0) <= SUM_TOLERANCE;
    if (distribution) {
      return;
    }
    if (this == AUTO) {
      softmax(values, offset, classes, positions, iterations, pos, t);
      return;
    }
    if (outside >= 0) {
      float v = values[offset + (outside * positions + pos) * iterations + t];
      throw new InvalidSamplesException("probability " + v + " at " + where(example, outside, pos, t, positions)
          + " is outside [0, 1], and Probabilities.GIVEN expects probabilities."
          + " Fix: pass logits with Probabilities.LOGITS (or let Probabilities.AUTO decide per vector)");
    }
    throw new InvalidSamplesException("probabilities at " + where(example, -1, pos, t, positions) + " sum to "
        + sum + ", expected 1 within " + SUM_TOLERANCE + " (Probabilities.GIVEN)."
        + " Fix: normalise the outputs (softmax layer) or pass logits with Probabilities.LOGITS");
  }

  private static void checkFinite(float[] values, int offset, int classes, int positions, int iterations,
      int pos, int t, long example) {
    for (int c = 0; c < classes; c++) {
      float v = values[offset + (c * positions + pos) * iterations + t];
      if (!Float.isFinite(v)) {
        throw new InvalidSamplesException("sample value " + v + " at " + where(example, c, pos, t, positions)
            + " is not finite: expected finite probabilities or logits."
            + " Fix: check the network for overflow or NaN weights before scoring");
      }
    }
  }

  private static void softmax(float[] values, int offset, int classes, int positions, int iterations,
      int pos, int t) {
    int stride = positions * iterations;
    int first = offset + pos * iterations + t;
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0, i = first; c < classes; c++, i += stride) {
      max = Math.max(max, values[i]);
    }
    double sum = 0;
    for (int c = 0, i = first; c < classes; c++, i += stride) {
      sum += Math.exp(values[i] - max);
    }
    for (int c = 0, i = first; c < classes; c++, i += stride) {
      values[i] = (float) (Math.exp(values[i] - max) / sum);
    }
  }

  static String where(long example, int c, int pos, int t, int positions) {
    StringBuilder b = new StringBuilder("example ").append(example);
    if (c >= 0) {
      b.append(", class ").append(c);
    }
    if (positions > 1) {
      b.append(", position ").append(pos);
    }
    return b.append(", iteration ").append(t).toString();
  }
}
