package org.mcposterior.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mcposterior.testsupport.HeuristicsFixtures;

class MomentsTest {

  @Test
  void handComputedMomentsOfOneExample() {
    // Two iterations over 2 classes: [0.25, 0.75] and [1, 0].
    Samples s = HeuristicsFixtures.classification(new double[][][] {{{0.25, 0.75}, {1, 0}}});
    Moments m = Moments.of(s, 0, Probabilities.GIVEN);
    assertEquals(2, m.count());
    assertEquals(1.25, m.sum(0), 0.0);
    assertEquals(0.75, m.sum(1), 0.0);
    assertEquals(0.0625 + 1, m.sumOfSquares(0), 0.0);
    assertEquals(0.5625, m.sumOfSquares(1), 0.0);
    // 0.25 ln 0.25 + 0.75 ln 0.75 + 1 ln 1 + 0 ln 0
    assertEquals(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75), m.sumPLogP(0), 1e-15);
    assertArrayEquals(new double[] {0.625, 0.375}, m.means(), 0.0);
  }

  @Test
  void denseOutputsKeepOneEntryPerClassAndPosition() {
    // [N=1, C=2, P=3, T=1]: class 0 = [0.1, 0.5, 1], class 1 = [0.9, 0.5, 0].
    Samples s = Samples.of(new float[] {0.1f, 0.5f, 1f, 0.9f, 0.5f, 0f}, 1, 2, 3, 1);
    Moments m = Moments.of(s, 0, Probabilities.GIVEN);
    assertEquals(6, m.shape().size());
    assertEquals(3, m.shape().positions());
    assertEquals(0.5f, m.sum(1), 0.0);
    assertEquals(0.9f, m.sum(3), 0.0);
    assertEquals(2 * 0.5 * Math.log(0.5), m.sumPLogP(1), 1e-15);
    assertEquals(0.0, m.sumPLogP(2), 0.0);
  }

  @Test
  void batchAndPerExamplePathsAgreeToTheBit() {
    Samples s = HeuristicsFixtures.random(5, 6, new int[] {4, 3}, 9, 2, true);
    MomentsBatch b = MomentsBatch.of(s, Probabilities.AUTO);
    for (int n = 0; n < 6; n++) {
      assertEquals(Moments.of(s, n, Probabilities.AUTO), b.example(n));
    }
    assertEquals(b, MomentsBatch.of(List.of(b.example(0), b.example(1), b.example(2), b.example(3), b.example(4),
        b.example(5))));
  }

  @Test
  void theFusedDistributionTestDecidesExactlyAsProbabilitiesApply() {
    // Vectors whose sums sit just inside and just outside the tolerance, and one with a negative
    // value: the moment pass must convert exactly the vectors Probabilities.apply converts.
    double[] offsets = {0.5e-4, -0.9e-4, 1.5e-4, -2e-4, 0, 0.99e-4};
    int t = offsets.length;
    float[] data = new float[3 * t];
    for (int j = 0; j < t; j++) {
      data[j] = (float) (0.5 + offsets[j]);
      data[t + j] = 0.25f;
      data[2 * t + j] = 0.25f;
    }
    data[2 * t + 4] = -0.25f; // iteration 4: a negative value, so logits
    data[4] = 1f;
    Samples raw = Samples.of(data, 1, 3, t);
    float[] converted = data.clone();
    Probabilities.AUTO.apply(converted, 0, OutputShape.of(3), t, 0, null);
    assertTrue(converted[2] != data[2] && converted[0] == data[0], "the case must mix both decisions");
    Samples applied = Samples.of(converted, 1, 3, t);
    assertEquals(Moments.of(applied, 0, Probabilities.AUTO), Moments.of(raw, 0, Probabilities.AUTO));
    assertEquals(MomentsBatch.of(applied, Probabilities.AUTO), MomentsBatch.of(raw, Probabilities.AUTO));
  }

  @Test
  void gatheringMomentsOfDifferentShapesIsRefused() {
    IncompatibleMomentsException e = assertThrows(IncompatibleMomentsException.class,
        () -> MomentsBatch.of(List.of(Moments.empty(3), Moments.empty(4))));
    assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[3]"), e.getMessage());
  }

  @Test
  void logitsGiveTheMomentsOfTheirSoftmax() {
    // Logits [0, ln 3] -> [1/4, 3/4] at both iterations.
    float l = (float) Math.log(3);
    Samples s = Samples.of(new float[] {0f, 0f, l, l}, 1, 2, 2);
    Moments m = Moments.of(s, 0, Probabilities.LOGITS);
    assertEquals(0.5, m.sum(0), 1e-7);
    assertEquals(1.5, m.sum(1), 1e-7);
    assertEquals(Moments.of(s, 0, Probabilities.AUTO), m);
  }

  @Test
  void zeroIterationsAreRefusedNamingTheShape() {
    Samples s = Samples.of(new float[0], 2, 3, 0);
    InvalidSamplesException e = assertThrows(InvalidSamplesException.class, () -> MomentsBatch.of(s, Probabilities.AUTO));
    assertTrue(e.getMessage().contains("T = 0") && e.getMessage().contains("[2, 3, 0]"), e.getMessage());
  }

  @Test
  void oneClassIsRefused() {
    Samples s = Samples.of(new float[] {1f, 1f}, 2, 1, 1);
    InvalidSamplesException e = assertThrows(InvalidSamplesException.class, () -> MomentsBatch.of(s, Probabilities.AUTO));
    assertTrue(e.getMessage().contains("1 classes") && e.getMessage().contains("[1 - p, p]"), e.getMessage());
  }

  @Test
  void nanIsRefusedNamingTheExample() {
    float[] data = new float[3 * 2 * 2];
    java.util.Arrays.fill(data, 0.5f);
    data[2 * 2 * 2 + 3] = Float.NaN; // example 2, class 1, iteration 1
    Samples s = Samples.of(data, 3, 2, 2);
    InvalidSamplesException e = assertThrows(InvalidSamplesException.class, () -> MomentsBatch.of(s, Probabilities.AUTO));
    assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("example 2")
        && e.getMessage().contains("iteration 1"), e.getMessage());
  }

  @Test
  void emptyMomentsHaveNoMean() {
    Moments m = Moments.empty(3);
    assertTrue(m.isEmpty());
    assertThrows(IllegalStateException.class, () -> m.mean(0));
  }

  @Test
  void accumulatorMergesImmutableMomentsAndSnapshotsAreIndependent() {
    Samples s = HeuristicsFixtures.random(9, 1, new int[] {3}, 6, 1, false);
    MomentsAccumulator acc = MomentsAccumulator.empty(3).combine(Moments.of(s.iterationRange(0, 2), 0, Probabilities.AUTO));
    Moments snapshot = acc.get();
    acc.combine(Moments.of(s.iterationRange(2, 6), 0, Probabilities.AUTO));
    assertEquals(2, snapshot.count());
    assertEquals(6, acc.count());
    Moments whole = Moments.of(s, 0, Probabilities.AUTO);
    for (int o = 0; o < 3; o++) {
      assertEquals(whole.sum(o), acc.get().sum(o), 1e-14);
    }
  }
}
