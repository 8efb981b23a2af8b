package org.mcposterior.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FastLogTest {

  @Test
  void agreesWithMathLogOverEveryExponentAndManyMantissas() {
    double worst = 0;
    // Every 97th float in (0, 1], and a band above 1: all exponents, all table entries.
    for (int bits = 0x00800000; bits <= 0x40000000; bits += 97) {
      float p = Float.intBitsToFloat(bits);
      double expected = Math.log(p);
      double error = Math.abs(FastLog.log(p) - expected) / Math.max(1.0, Math.abs(expected));
      worst = Math.max(worst, error);
    }
    assertEquals(0.0, worst, 1e-15, "worst relative error " + worst);
  }

  @Test
  void theDoubleVersionAgreesWithMathLog() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    double worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double x = i % 2 == 0 ? r.nextDouble() : Math.exp(-700 * r.nextDouble());
      if (x == 0) {
        continue;
      }
      double expected = Math.log(x);
      worst = Math.max(worst, Math.abs(FastLog.log(x) - expected) / Math.max(1.0, Math.abs(expected)));
    }
    assertEquals(0.0, worst, 1e-15, "worst relative error " + worst);
    assertEquals(0.0, FastLog.log(1.0));
    assertEquals(-Math.log(2), FastLog.log(0.5));
  }

  @Test
  void powersOfTwoAreExact() {
    assertEquals(0.0, FastLog.log(1f));
    assertEquals(-Math.log(2), FastLog.log(0.5f));
    assertEquals(-3 * Math.log(2), FastLog.log(0.125f), 1e-16);
  }

  @Test
  void zeroTimesTheLogOfZeroIsZero() {
    double v = FastLog.log(0f);
    assertEquals(true, Double.isFinite(v));
    assertEquals(0.0, 0.0 * v, 0.0); // -0.0 is fine: it adds nothing to a sum
  }
}
