package org.mcposterior.heuristics;

/**
 * Orders examples by score, most informative first, reproducibly: equal scores keep the lower
 * example index first, NaN ranks after every number, {@code -0.0} and {@code 0.0} are equal.
 * {@link #rank} is a stable merge sort ({@code O(N log N)}); {@link #top} keeps a bounded heap
 * ({@code O(N log k)}), so picking 1,000 of 10 million examples does not sort the pool. Stateless
 * and thread-safe.
 */
public final class Ranking {
  private Ranking() {}

  /**
   * Every index of {@code scores}, most informative first under {@code order}.
   *
   * @throws org.mcposterior.stats.InvalidSamplesException if {@code scores} is empty (empty pool)
   */
  public static int[] rank(double[] scores, Order order) {
    requirePool(scores.length);
    double[] keys = keys(scores, order);
    int n = keys.length;
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    sort(idx, n, keys);
    return idx;
  }

  /**
   * The {@code k} most informative indices of {@code scores}, in rank order: the first {@code k}
   * of {@link #rank}.
   *
   * @throws InvalidHeuristicArgumentException if {@code k} is negative or larger than the pool
   * @throws org.mcposterior.stats.InvalidSamplesException if {@code scores} is empty
   */
  public static int[] top(double[] scores, Order order, int k) {
    requirePool(scores.length);
    requireK(k, scores.length);
    double[] keys = keys(scores, order);
    int[] heap = new int[k];
    int size = 0;
    for (int i = 0; i < keys.length; i++) {
      if (size < k) {
        heap[size] = i;
        siftUp(heap, size++, keys);
      } else if (k > 0 && before(i, heap[0], keys)) {
        heap[0] = i;
        siftDown(heap, k, keys);
      }
    }
    sort(heap, k, keys);
    return heap;
  }

  /**
   * Checks {@code 0 <= k <= pool}.
   *
   * @throws InvalidHeuristicArgumentException naming {@code k} and the pool size
   */
  public static void requireK(int k, int pool) {
    if (k < 0 || k > pool) {
      throw new InvalidHeuristicArgumentException("k = " + k + " examples requested from a pool of " + pool
          + ": expected 0 <= k <= " + pool + ". Fix: request at most the pool size");
    }
  }

  static void requirePool(int pool) {
    if (pool == 0) {
      throw new org.mcposterior.stats.InvalidSamplesException("the pool is empty (0 examples): expected at least"
          + " one example to score. Fix: check the pool filter or the partition before scoring");
    }
  }

  /** Keys where higher is more informative; NaN stays NaN and ranks last. */
  private static double[] keys(double[] scores, Order order) {
    double[] keys = new double[scores.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = order == Order.HIGHEST_FIRST ? scores[i] : -scores[i];
    }
    return keys;
  }

  /** Whether index {@code a} ranks strictly before index {@code b}. */
  private static boolean before(int a, int b, double[] keys) {
    double x = keys[a];
    double y = keys[b];
    boolean xn = Double.isNaN(x);
    boolean yn = Double.isNaN(y);
    if (xn || yn) {
      return xn == yn ? a < b : yn;
    }
    if (x != y) {
      return x > y;
    }
    return a < b;
  }

  /** Max-heap on "ranks later": the root is the worst kept index. */
  private static void siftUp(int[] heap, int i, double[] keys) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(heap[parent], heap[i], keys)) {
        return;
      }
      int t = heap[parent];
      heap[parent] = heap[i];
      heap[i] = t;
      i = parent;
    }
  }

  private static void siftDown(int[] heap, int size, double[] keys) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int worst = l;
      if (l + 1 < size && before(heap[l], heap[l + 1], keys)) {
        worst = l + 1;
      }
      if (!before(heap[i], heap[worst], keys)) {
        return;
      }
      int t = heap[worst];
      heap[worst] = heap[i];
      heap[i] = t;
      i = worst;
    }
  }

  /** Bottom-up merge sort of {@code idx[0 .. n)} by {@link #before}. */
  private static void sort(int[] idx, int n, double[] keys) {
    int[] src = idx;
    int[] dst = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int o = lo;
        while (i < mid && j < hi) {
          dst[o++] = before(src[j], src[i], keys) ? src[j++] : src[i++];
        }
        while (i < mid) {
          dst[o++] = src[i++];
        }
        while (j < hi) {
          dst[o++] = src[j++];
        }
      }
      int[] t = src;
      src = dst;
      dst = t;
    }
    if (src != idx) {
      System.arraycopy(src, 0, idx, 0, n);
    }
  }
}
