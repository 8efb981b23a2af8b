package org.mcposterior.randomness;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Bernoulli keep factors of {@link KeyedRandom} with the JDK's Vector API: the two hash
 * rounds, the threshold test and the select run in SIMD registers (8 lanes on AVX2), about four
 * times faster than the scalar loop, whose int-to-float step the JIT does not vectorise. Bitwise
 * identical to the scalar version (tested). Only loaded when the {@code jdk.incubator.vector}
 * module is present (Spark's JVM flags add it; so do bin/mcposterior and the tests).
 */
final class VectorMasks {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  private VectorMasks() {}

  static boolean usable() {
    return I.length() == F.length() && I.length() >= 4;
  }

  private static IntVector hash(IntVector h) {
    h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
    h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
    return h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
  }

  /** The keep factors of elements {@code [j, j + lanes)}: {@code scale} where kept, 0 where dropped. */
  private static FloatVector factors(int[] index, int j, int lo, int hi, int threshold, IntVector kept) {
    IntVector h = hash(hash(IntVector.fromArray(I, index, j).add(lo)).lanewise(VectorOperators.XOR, hi));
    VectorMask<Integer> drop = h.lanewise(VectorOperators.LSHR, 1).compare(VectorOperators.LT, threshold);
    return kept.blend(IntVector.zero(I), drop).reinterpretAsFloats();
  }

  /** As {@link KeyedRandom#keepFactors}. */
  static void keepFactors(long key, int[] index, int n, int threshold, float scale, float[] out) {
    int lo = (int) key;
    int hi = (int) (key >>> 32);
    IntVector kept = IntVector.broadcast(I, Float.floatToRawIntBits(scale));
    int j = 0;
    for (int bound = I.loopBound(n); j < bound; j += I.length()) {
      factors(index, j, lo, hi, threshold, kept).intoArray(out, j);
    }
    for (; j < n; j++) {
      out[j] = tail(index[j], lo, hi, threshold, scale);
    }
  }

  /** {@code x[off + j] *= keep factor j} for {@code j < n}: the factors and the product in one pass. */
  static void applyKeep(long key, int[] index, int n, int threshold, float scale, float[] x, int off) {
    int lo = (int) key;
    int hi = (int) (key >>> 32);
    IntVector kept = IntVector.broadcast(I, Float.floatToRawIntBits(scale));
    int j = 0;
    for (int bound = I.loopBound(n); j < bound; j += I.length()) {
      FloatVector.fromArray(F, x, off + j).mul(factors(index, j, lo, hi, threshold, kept)).intoArray(x, off + j);
    }
    for (; j < n; j++) {
      x[off + j] *= tail(index[j], lo, hi, threshold, scale);
    }
  }

  private static float tail(int index, int lo, int hi, int threshold, float scale) {
    int h = KeyedRandom.hash32(KeyedRandom.hash32(index + lo) ^ hi);
    return (h >>> 1) < threshold ? 0f : scale;
  }
}
