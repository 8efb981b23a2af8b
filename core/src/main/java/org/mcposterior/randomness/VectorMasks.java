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

  /** As {@link KeyedRandom#keepFactors}. */
  static void keepFactors(long key, int[] index, int n, int threshold, float scale, float[] out) {
    int lo = (int) key;
    int hi = (int) (key >>> 32);
    IntVector kept = IntVector.broadcast(I, Float.floatToRawIntBits(scale));
    IntVector zero = IntVector.zero(I);
    int j = 0;
    int bound = I.loopBound(n);
    for (; j < bound; j += I.length()) {
      IntVector h = hash(hash(IntVector.fromArray(I, index, j).add(lo)).lanewise(VectorOperators.XOR, hi));
      VectorMask<Integer> drop = h.lanewise(VectorOperators.LSHR, 1).compare(VectorOperators.LT, threshold);
      kept.blend(zero, drop).reinterpretAsFloats().intoArray(out, j);
    }
    for (; j < n; j++) {
      int x = KeyedRandom.hash32(KeyedRandom.hash32(index[j] + lo) ^ hi);
      out[j] = (x >>> 1) < threshold ? 0f : scale;
    }
  }

  /** {@code x[off + j] *= keep factor j} for {@code j < n}: the factors and the product in one pass. */
  static void applyKeep(long key, int[] index, int n, int threshold, float scale, float[] x, int off) {
    int lo = (int) key;
    int hi = (int) (key >>> 32);
    IntVector kept = IntVector.broadcast(I, Float.floatToRawIntBits(scale));
    IntVector zero = IntVector.zero(I);
    int j = 0;
    int bound = I.loopBound(n);
    for (; j < bound; j += I.length()) {
      IntVector h = hash(hash(IntVector.fromArray(I, index, j).add(lo)).lanewise(VectorOperators.XOR, hi));
      VectorMask<Integer> drop = h.lanewise(VectorOperators.LSHR, 1).compare(VectorOperators.LT, threshold);
      FloatVector f = kept.blend(zero, drop).reinterpretAsFloats();
      FloatVector.fromArray(F, x, off + j).mul(f).intoArray(x, off + j);
    }
    for (; j < n; j++) {
      int h = KeyedRandom.hash32(KeyedRandom.hash32(index[j] + lo) ^ hi);
      x[off + j] *= (h >>> 1) < threshold ? 0f : scale;
    }
  }
}
