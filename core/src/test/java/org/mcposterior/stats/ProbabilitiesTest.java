package org.mcposterior.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProbabilitiesTest {
  private static final OutputShape TWO = OutputShape.of(2);

  /** Values laid out [C=2, T]: class 0 row, then class 1 row. */
  private static float[] block(float[] class0, float[] class1) {
    float[] b = new float[class0.length * 2];
    System.arraycopy(class0, 0, b, 0, class0.length);
    System.arraycopy(class1, 0, b, class0.length, class1.length);
    return b;
  }

  @Test
  void autoLeavesDistributionsBitForBit() {
    float[] b = block(new float[] {0.25f, 1f, 0f}, new float[] {0.75f, 0f, 1f});
    float[] before = b.clone();
    Probabilities.AUTO.apply(b, 0, TWO, 3, 0, null);
    assertArrayEquals(before, b);
    Probabilities.GIVEN.apply(b, 0, TWO, 3, 0, null);
    assertArrayEquals(before, b);
  }

  @Test
  void autoSoftmaxesOnlyTheVectorsThatAreNotDistributions() {
    // Iteration 0 is a distribution; iteration 1 holds logits [0, ln 3] -> softmax [1/4, 3/4].
    float[] b = block(new float[] {0.4f, 0f}, new float[] {0.6f, (float) Math.log(3)});
    Probabilities.AUTO.apply(b, 0, TWO, 2, 0, null);
    assertEquals(0.4f, b[0]);
    assertEquals(0.6f, b[2]);
    assertEquals(0.25, b[1], 1e-7);
    assertEquals(0.75, b[3], 1e-7);
  }

  @Test
  void negativeValuesAreLogitsForAutoAndLogits() {
    float[] b = block(new float[] {-1f}, new float[] {-1f});
    Probabilities.AUTO.apply(b, 0, TWO, 1, 0, null);
    assertArrayEquals(new float[] {0.5f, 0.5f}, b);
    float[] c = block(new float[] {0.5f}, new float[] {0.5f});
    Probabilities.LOGITS.apply(c, 0, TWO, 1, 0, null);
    assertArrayEquals(new float[] {0.5f, 0.5f}, c); // softmax of equal logits
    float[] d = block(new float[] {0.2f}, new float[] {0.8f});
    Probabilities.LOGITS.apply(d, 0, TWO, 1, 0, null);
    assertEquals(1 / (1 + Math.exp(0.6)), d[0], 1e-7); // LOGITS converts even a distribution
  }

  @Test
  void softmaxIsStableForHugeLogits() {
    float[] b = block(new float[] {1e30f}, new float[] {-1e30f});
    Probabilities.AUTO.apply(b, 0, TWO, 1, 0, null);
    assertArrayEquals(new float[] {1f, 0f}, b);
  }

  @Test
  void conversionOfAVectorDoesNotDependOnTheOtherIterations() {
    // Per-vector decisions: converting a shard gives the same values as converting the whole.
    SplittableRandom r = new SplittableRandom(3);
    int t = 12;
    float[] whole = new float[3 * t];
    for (int j = 0; j < t; j++) {
      boolean logits = r.nextBoolean();
      double sum = 0;
      double[] v = new double[3];
      for (int c = 0; c < 3; c++) {
        v[c] = logits ? 4 * r.nextGaussian() : r.nextDouble();
        sum += v[c];
      }
      for (int c = 0; c < 3; c++) {
        whole[c * t + j] = (float) (logits ? v[c] : v[c] / sum);
      }
    }
    float[] converted = whole.clone();
    Probabilities.AUTO.apply(converted, 0, OutputShape.of(3), t, 0, null);
    int cut = 5;
    float[] shard = new float[3 * (t - cut)];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(whole, c * t + cut, shard, c * (t - cut), t - cut);
    }
    Probabilities.AUTO.apply(shard, 0, OutputShape.of(3), t - cut, 0, null);
    for (int c = 0; c < 3; c++) {
      for (int j = cut; j < t; j++) {
        assertEquals(converted[c * t + j], shard[c * (t - cut) + j - cut], "class " + c + " iteration " + j);
      }
    }
  }

  @Test
  void givenRefusesANegativeProbabilityNamingItAndWhere() {
    float[] b = block(new float[] {0.5f, -0.25f}, new float[] {0.5f, 1.25f});
    InvalidSamplesException e = assertThrows(InvalidSamplesException.class,
        () -> Probabilities.GIVEN.apply(b, 0, TWO, 2, 7, null));
    assertTrue(e.getMessage().contains("-0.25") && e.getMessage().contains("example 7")
        && e.getMessage().contains("iteration 1") && e.getMessage().contains("[0, 1]"), e.getMessage());
  }

  @Test
  void givenRefusesAVectorThatDoesNotSumToOne() {
    float[] b = block(new float[] {0.5f}, new float[] {0.25f});
    InvalidSamplesException e = assertThrows(InvalidSamplesException.class,
        () -> Probabilities.GIVEN.apply(b, 0, TWO, 1, 2, null));
    assertTrue(e.getMessage().contains("0.75") && e.getMessage().contains("sum"), e.getMessage());
  }

  @Test
  void nanAndInfinityAreRefusedInEveryMode() {
    for (Probabilities mode : Probabilities.values()) {
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
        float[] b = block(new float[] {0.5f, 0.5f}, new float[] {0.5f, bad});
        InvalidSamplesException e = assertThrows(InvalidSamplesException.class,
            () -> mode.apply(b, 0, TWO, 2, 3, null), mode + " " + bad);
        assertTrue(e.getMessage().contains(String.valueOf(bad)) && e.getMessage().contains("example 3")
            && e.getMessage().contains("class 1"), e.getMessage());
      }
    }
  }

  @Test
  void positionsAreNamedForDenseOutputs() {
    // [C=2, P=2, T=1]: class 0 at positions 0,1 then class 1 at positions 0,1.
    float[] b = {0.5f, Float.NaN, 0.5f, 0.5f};
    InvalidSamplesException e = assertThrows(InvalidSamplesException.class,
        () -> Probabilities.AUTO.apply(b, 0, OutputShape.of(2, 2), 1, 0, null));
    assertTrue(e.getMessage().contains("position 1"), e.getMessage());
  }
}
