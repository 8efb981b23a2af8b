package org.mcposterior.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.IncompatibleMomentsException;
import org.mcposterior.stats.Mergeable;
import org.mcposterior.stats.MomentsFormatException;

/**
 * The contract every {@link Mergeable} type passes, written once (as Commons Statistics'
 * {@code BaseDoubleStatisticTest}): all-at-once equals split-and-combine in any grouping, empty is
 * the identity, combine is symmetric, a fixed order is bitwise reproducible, self-merge and
 * mismatched shapes are refused, {@code other} is not modified, and the binary form round-trips
 * and refuses a wrong version, truncation and corruption.
 *
 * <p>A subclass says how to build its type from samples and how to encode it.
 *
 * @param <T> the mergeable type under test
 */
public abstract class MergeableContract<T extends Mergeable<T>> {
  private static final int[][] SHAPES = {{3}, {10}, {4, 2, 3}};

  /** The partial holding all of {@code samples}' iterations. */
  protected abstract T whole(Samples samples);

  /** An empty partial of the same shape (and batch) as {@code whole(samples)}. */
  protected abstract T empty(Samples samples);

  /** How many examples the samples given to {@link #whole} hold. */
  protected abstract int batchSize();

  /** The binary form. */
  protected abstract byte[] encode(T value);

  /** Reads the binary form. */
  protected abstract T decode(byte[] bytes);

  /** A flat view of every number in {@code value} (counts, sums, squares, p ln p), for comparisons. */
  protected abstract double[] numbers(T value);

  private T copy(T value) {
    return decode(encode(value));
  }

  private Samples samples(SplittableRandom r) {
    int[] shape = SHAPES[r.nextInt(SHAPES.length)];
    return HeuristicsFixtures.random(r.nextLong(), batchSize(), shape, 2 + r.nextInt(30), 1 + 2 * r.nextDouble(),
        r.nextBoolean());
  }

  private List<T> shards(Samples s, int[] cuts) {
    List<T> parts = new ArrayList<>();
    for (int i = 0; i + 1 < cuts.length; i++) {
      parts.add(whole(s.iterationRange(cuts[i], cuts[i + 1])));
    }
    return parts;
  }

  /** Combines random pairs in random order until one partial is left: any grouping, any order. */
  private T combineRandomly(List<T> parts, SplittableRandom r) {
    List<T> left = new ArrayList<>(parts);
    while (left.size() > 1) {
      int i = r.nextInt(left.size());
      int j = r.nextInt(left.size() - 1);
      if (j >= i) {
        j++;
      }
      T merged = left.get(i).combine(left.get(j));
      left.set(i, merged);
      left.remove(j);
    }
    return left.get(0);
  }

  private static void assertClose(double[] expected, double[] actual, double relative) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      double tol = relative * Math.max(1.0, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tol, "number " + i);
    }
  }

  @Test
  void splitAndCombineInAnyGroupingEqualsAllAtOnce() {
    SplittableRandom r = new SplittableRandom(20261127L);
    for (int trial = 0; trial < 40; trial++) {
      Samples s = samples(r);
      double[] expected = numbers(whole(s));
      T merged = combineRandomly(shards(s, HeuristicsFixtures.randomCuts(r, s.iterations())), r);
      assertClose(expected, numbers(merged), 1e-13);
    }
  }

  @Test
  void emptyIsTheIdentityOnEitherSide() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 10; trial++) {
      Samples s = samples(r);
      T w = whole(s);
      double[] expected = numbers(w);
      assertArrayEquals(expected, numbers(copy(w).combine(empty(s))), 0.0);
      assertArrayEquals(expected, numbers(empty(s).combine(copy(w))), 0.0);
      assertTrue(empty(s).isEmpty());
      assertTrue(empty(s).combine(empty(s)).isEmpty());
      assertTrue(!w.isEmpty());
    }
  }

  @Test
  void combineIsSymmetricToTheBit() {
    SplittableRandom r = new SplittableRandom(11);
    for (int trial = 0; trial < 10; trial++) {
      Samples s = samples(r);
      int cut = 1 + r.nextInt(s.iterations() - 1);
      T a = whole(s.iterationRange(0, cut));
      T b = whole(s.iterationRange(cut, s.iterations()));
      assertArrayEquals(numbers(copy(a).combine(copy(b))), numbers(copy(b).combine(copy(a))), 0.0);
    }
  }

  @Test
  void aFixedMergeOrderIsBitwiseReproducible() {
    SplittableRandom r = new SplittableRandom(13);
    Samples s = samples(r);
    int[] cuts = HeuristicsFixtures.randomCuts(r, s.iterations());
    long orderSeed = r.nextLong();
    T first = combineRandomly(shards(s, cuts), new SplittableRandom(orderSeed));
    T second = combineRandomly(shards(s, cuts), new SplittableRandom(orderSeed));
    assertArrayEquals(encode(first), encode(second));
  }

  @Test
  void combineLeavesOtherUnchanged() {
    SplittableRandom r = new SplittableRandom(17);
    Samples s = samples(r);
    T a = whole(s.iterationRange(0, 1));
    T b = whole(s.iterationRange(1, s.iterations()));
    byte[] before = encode(b);
    a.combine(b);
    assertArrayEquals(before, encode(b));
  }

  @Test
  void selfMergeIsRefused() {
    T a = whole(samples(new SplittableRandom(19)));
    IncompatibleMomentsException e = assertThrows(IncompatibleMomentsException.class, () -> a.combine(a));
    assertTrue(e.getMessage().contains("itself"), e.getMessage());
  }

  @Test
  void mismatchedClassCountsAreRefused() {
    T three = whole(HeuristicsFixtures.random(1, batchSize(), new int[] {3}, 4, 1, false));
    T four = whole(HeuristicsFixtures.random(2, batchSize(), new int[] {4}, 4, 1, false));
    IncompatibleMomentsException e = assertThrows(IncompatibleMomentsException.class, () -> three.combine(four));
    assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[4]"), e.getMessage());
    T dense = whole(HeuristicsFixtures.random(3, batchSize(), new int[] {3, 2}, 4, 1, false));
    assertThrows(IncompatibleMomentsException.class, () -> three.combine(dense));
  }

  @Test
  void binaryFormRoundTripsExactly() {
    SplittableRandom r = new SplittableRandom(23);
    for (int trial = 0; trial < 10; trial++) {
      Samples s = samples(r);
      T w = whole(s);
      assertArrayEquals(numbers(w), numbers(decode(encode(w))), 0.0);
      assertArrayEquals(encode(w), encode(decode(encode(w))));
      assertArrayEquals(numbers(empty(s)), numbers(decode(encode(empty(s)))), 0.0);
    }
  }

  @Test
  void anotherFormatVersionIsRefused() {
    byte[] bytes = encode(whole(samples(new SplittableRandom(29))));
    bytes[0] = 9;
    MomentsFormatException e = assertThrows(MomentsFormatException.class, () -> decode(bytes));
    assertTrue(e.getMessage().contains("version 9") && e.getMessage().contains("version 1"), e.getMessage());
  }

  @Test
  void truncatedOrPaddedBytesAreRefused() {
    byte[] bytes = encode(whole(samples(new SplittableRandom(31))));
    for (int len : new int[] {0, 1, 6, bytes.length / 2, bytes.length - 1}) {
      byte[] cut = java.util.Arrays.copyOf(bytes, len);
      MomentsFormatException e = assertThrows(MomentsFormatException.class, () -> decode(cut), "length " + len);
      assertTrue(e.getMessage().contains(String.valueOf(len)), e.getMessage());
    }
    byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 8);
    assertThrows(MomentsFormatException.class, () -> decode(padded));
  }

  @Test
  void corruptedBytesAreRefused() {
    byte[] bytes = encode(whole(samples(new SplittableRandom(37))));
    for (int i = 1; i < bytes.length; i += Math.max(1, bytes.length / 17)) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x10;
      assertThrows(MomentsFormatException.class, () -> decode(bad), "flipped byte " + i);
    }
  }
}
