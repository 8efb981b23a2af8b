package org.mcposterior.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.mcposterior.randomness.KeyedRandom;

/**
 * The pool of an active-learning run: which of its examples are labelled, in the order they were
 * labelled, and which are not.
 *
 * <p>Invariants: a pool position is labelled at most once; {@link #label} accepts only positions
 * that are in the pool and still unlabelled, all of a query or none of it; the labelled set only
 * grows. Positions are 0 to {@code size() - 1}; {@link #source} maps them to the data set's rows.
 * Mutable and not thread-safe (one run owns it).
 */
public final class ActivePool {
  private final int[] source;
  private final int[] sourceLabels;
  private final boolean[] labelled;
  private final List<Integer> order = new ArrayList<>();

  private ActivePool(int[] source, int[] sourceLabels) {
    this.source = source;
    this.sourceLabels = sourceLabels;
    this.labelled = new boolean[source.length];
  }

  /**
   * Draws a pool of {@code poolSize} rows of a data set with labels {@code labels} (classes 0 to
   * {@code classes - 1}) and labels a balanced initial set of {@code initial} of them: class
   * {@code c} gets {@code initial / classes} examples, plus one for the first
   * {@code initial % classes} classes. The pool is a seeded shuffle of all rows; the initial
   * examples of a class are its first ones in a second seeded shuffle of the pool.
   *
   * @throws InvalidTrainingArgumentException when the pool is larger than the data set, or a
   *     class has too few examples in the pool for its share of the initial set
   */
  public static ActivePool draw(int[] labels, int classes, int poolSize, int initial, long seed) {
    if (poolSize < 1 || poolSize > labels.length) {
      throw new InvalidTrainingArgumentException("pool size " + poolSize + " does not fit a data set of " + labels.length
          + " examples; expected 1 to " + labels.length);
    }
    if (initial < 0 || initial > poolSize) {
      throw new InvalidTrainingArgumentException("initial labelled set of " + initial + " does not fit a pool of "
          + poolSize + "; expected 0 to " + poolSize);
    }
    int[] rows = shuffled(labels.length, KeyedRandom.mix64(seed ^ 0x3C6EF372FE94F82BL));
    int[] pool = Arrays.copyOf(rows, poolSize);
    ActivePool p = new ActivePool(pool, labels);
    int[] want = new int[classes];
    for (int c = 0; c < classes; c++) {
      want[c] = initial / classes + (c < initial % classes ? 1 : 0);
    }
    List<Integer> picks = new ArrayList<>();
    for (int pos : shuffled(poolSize, KeyedRandom.mix64(seed ^ 0xA54FF53A5F1D36F1L))) {
      int c = labels[pool[pos]];
      if (c < 0 || c >= classes) {
        throw new InvalidTrainingArgumentException("label " + c + " of row " + pool[pos] + " is outside [0, " + classes + ")");
      }
      if (want[c] > 0) {
        want[c]--;
        picks.add(pos);
      }
    }
    for (int c = 0; c < classes; c++) {
      if (want[c] > 0) {
        throw new InvalidTrainingArgumentException("the pool of " + poolSize + " has too few examples of class " + c
            + " for a balanced initial set of " + initial + "; use a larger pool or a smaller initial set");
      }
    }
    picks.sort(null);
    p.label(picks.stream().mapToInt(Integer::intValue).toArray());
    return p;
  }

  /**
   * Labels the given pool positions, all or none.
   *
   * @throws InvalidTrainingArgumentException for a position outside the pool, already labelled or given twice
   */
  public void label(int[] positions) {
    boolean[] seen = new boolean[source.length];
    for (int pos : positions) {
      if (pos < 0 || pos >= source.length) {
        throw new InvalidTrainingArgumentException("pick " + pos + " is not a pool position (0 to " + (source.length - 1) + ")");
      }
      if (labelled[pos]) {
        throw new InvalidTrainingArgumentException("pick " + pos + " is already labelled; only unlabelled examples can be picked");
      }
      if (seen[pos]) {
        throw new InvalidTrainingArgumentException("pick " + pos + " appears twice in one query");
      }
      seen[pos] = true;
    }
    for (int pos : positions) {
      labelled[pos] = true;
      order.add(pos);
    }
  }

  public int size() {
    return source.length;
  }

  public int labelledCount() {
    return order.size();
  }

  public int unlabelledCount() {
    return source.length - order.size();
  }

  public boolean isLabelled(int pos) {
    return labelled[pos];
  }

  /** Labelled pool positions, in the order they were labelled. */
  public int[] labelled() {
    return order.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Unlabelled pool positions, ascending. */
  public int[] unlabelled() {
    int[] u = new int[unlabelledCount()];
    int k = 0;
    for (int i = 0; i < source.length; i++) {
      if (!labelled[i]) {
        u[k++] = i;
      }
    }
    return u;
  }

  /** The data set row of pool position {@code pos}. */
  public int source(int pos) {
    return source[pos];
  }

  /** The label of pool position {@code pos} (the oracle: labels come from the data set). */
  public int labelOf(int pos) {
    return sourceLabels[source[pos]];
  }

  private static int[] shuffled(int n, long seed) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
