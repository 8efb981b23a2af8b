package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mcposterior.testsupport.HeuristicsFixtures.LITERAL_TOLERANCE;
import static org.mcposterior.testsupport.HeuristicsFixtures.classification;

import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;

/** Literal cases computed by hand (dyadic probabilities, exact in float). */
class HandComputedHeuristicsTest {
  private static final double LN2 = Math.log(2);

  @Test
  void allSamplesEqualGiveBaldZeroAndVarianceZero() {
    double[] p = {0.125, 0.375, 0.5};
    Samples s = classification(new double[][][] {{p, p, p, p}});
    assertEquals(0.0, new Bald().scores(s)[0], LITERAL_TOLERANCE);
    assertEquals(0.0, new Variance().scores(s)[0], LITERAL_TOLERANCE);
    // Entropy is that of p itself.
    double h = -(0.125 * Math.log(0.125) + 0.375 * Math.log(0.375) + 0.5 * Math.log(0.5));
    assertEquals(h, new Entropy().scores(s)[0], LITERAL_TOLERANCE);
  }

  @Test
  void uniformMeanOverCClassesHasEntropyLnC() {
    for (int c = 2; c <= 7; c++) {
      double[][] oneHots = new double[c][c];
      for (int t = 0; t < c; t++) {
        oneHots[t][t] = 1; // iteration t is certain of class t; the mean is uniform
      }
      Samples s = classification(new double[][][] {oneHots});
      assertEquals(Math.log(c), new Entropy().scores(s)[0], LITERAL_TOLERANCE, "C = " + c);
      // Each sample is certain, so the expected entropy is 0 and BALD is the whole entropy.
      assertEquals(Math.log(c), new Bald().scores(s)[0], LITERAL_TOLERANCE, "C = " + c);
      assertEquals(1.0 / c, new Certainty().scores(s)[0], LITERAL_TOLERANCE);
      assertEquals(0.0, new Margin().scores(s)[0], LITERAL_TOLERANCE);
    }
  }

  @Test
  void twoConfidentSamplesThatDisagreeGiveBaldLn2() {
    Samples s = classification(new double[][][] {{{1, 0}, {0, 1}}});
    assertEquals(LN2, new Bald().scores(s)[0], LITERAL_TOLERANCE);
    assertEquals(LN2, new Entropy().scores(s)[0], LITERAL_TOLERANCE);
    // Each class is 1 half the time and 0 the other half: variance 1/4.
    assertEquals(0.25, new Variance().scores(s)[0], LITERAL_TOLERANCE);
  }

  @Test
  void marginCertaintyEntropyAndBaldOfAnExplicitTensor() {
    // Iterations [3/4, 1/4, 0] and [1/4, 1/4, 1/2]: mean [1/2, 1/4, 1/4].
    Samples s = classification(new double[][][] {
        {{0.75, 0.25, 0}, {0.25, 0.25, 0.5}},
        {{0.5, 0.5, 0}, {0.5, 0.5, 0}}});
    assertArrayEquals(new double[] {0.25, 0.0}, new Margin().scores(s), LITERAL_TOLERANCE);
    assertArrayEquals(new double[] {0.5, 0.5}, new Certainty().scores(s), LITERAL_TOLERANCE);
    double meanEntropy = 1.5 * LN2; // -(1/2 ln 1/2 + 2 * 1/4 ln 1/4)
    assertEquals(meanEntropy, new Entropy().scores(s)[0], LITERAL_TOLERANCE);
    double h0 = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)); // 0 ln 0 = 0
    double h1 = 1.5 * LN2;
    assertEquals(meanEntropy - (h0 + h1) / 2, new Bald().scores(s)[0], LITERAL_TOLERANCE);
    // Variances: class 0 (3/4, 1/4) -> 1/16, class 1 -> 0, class 2 (0, 1/2) -> 1/16; mean 1/24.
    assertEquals(1.0 / 24, new Variance().scores(s)[0], LITERAL_TOLERANCE);
    assertEquals(1.0 / 16, new Variance(Reduction.MAX, Reduction.MEAN, Probabilities.AUTO).scores(s)[0],
        LITERAL_TOLERANCE);
    // Example 1 ties two classes: margin 0, certainty 1/2.
    assertEquals(LN2, new Entropy().scores(s)[1], LITERAL_TOLERANCE);
    assertEquals(0.0, new Bald().scores(s)[1], LITERAL_TOLERANCE);
  }

  @Test
  void zeroProbabilitiesGiveNoNaN() {
    Samples s = classification(new double[][][] {{{1, 0, 0}, {1, 0, 0}}, {{0, 1, 0}, {0, 0, 1}}});
    for (MomentHeuristic h : new MomentHeuristic[] {new Bald(), new Entropy(), new Variance(), new Margin(),
        new Certainty()}) {
      for (double v : h.scores(s)) {
        assertFalse(Double.isNaN(v), h.name());
      }
    }
    assertEquals(0.0, new Bald().scores(s)[0], LITERAL_TOLERANCE);
    assertEquals(LN2, new Bald().scores(s)[1], LITERAL_TOLERANCE);
  }

  @Test
  void reductionsOverExtraOutputDimensions() {
    // [N=1, C=2, P=2, T=2]: position 0 disagrees (BALD ln 2), position 1 agrees (BALD 0).
    // Layout (c, pos, t): class 0: pos0 [1, 0], pos1 [1/2, 1/2]; class 1: pos0 [0, 1], pos1 [1/2, 1/2].
    Samples s = Samples.of(new float[] {1, 0, 0.5f, 0.5f, 0, 1, 0.5f, 0.5f}, 1, 2, 2, 2);
    assertEquals(LN2 / 2, new Bald(Reduction.MEAN, Probabilities.AUTO).scores(s)[0], LITERAL_TOLERANCE);
    assertEquals(LN2, new Bald(Reduction.SUM, Probabilities.AUTO).scores(s)[0], LITERAL_TOLERANCE);
    assertEquals(LN2, new Bald(Reduction.MAX, Probabilities.AUTO).scores(s)[0], LITERAL_TOLERANCE);
    assertEquals(0.0, new Bald(Reduction.MIN, Probabilities.AUTO).scores(s)[0], LITERAL_TOLERANCE);
    // Variance: position 0 has 1/4 per class, position 1 has 0.
    assertEquals(0.125, new Variance().scores(s)[0], LITERAL_TOLERANCE);
    // Sum over the 2 classes at position 0 (1/4 + 1/4) plus 0 at position 1.
    assertEquals(0.5, new Variance(Reduction.SUM, Reduction.SUM, Probabilities.AUTO).scores(s)[0], LITERAL_TOLERANCE);
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> new Bald(Reduction.NONE, Probabilities.AUTO).scores(s));
    assertTrue(e.getMessage().contains("NONE") && e.getMessage().contains("2 bald scores"), e.getMessage());
  }

  @Test
  void logitsAreSoftmaxedFirst() {
    // Logits [0, 0] and [0, 0]: both samples uniform -> entropy ln 2, BALD 0.
    Samples s = Samples.of(new float[] {0, 0, 0, 0}, 1, 2, 2);
    assertEquals(LN2, new Entropy().scores(s)[0], LITERAL_TOLERANCE);
    assertEquals(0.0, new Bald().scores(s)[0], LITERAL_TOLERANCE);
  }

  @Test
  void posteriorScoresHoldTheFiveScoresThePredictionAndTheMean() {
    Samples s = classification(new double[][][] {{{0.75, 0.25, 0}, {0.25, 0.25, 0.5}}, {{0, 1, 0}, {0, 0.5, 0.5}}});
    PosteriorScores p = PosteriorScores.of(s, Probabilities.AUTO, Reduction.MEAN);
    assertEquals(0, p.predictedClass(0));
    assertEquals(1, p.predictedClass(1));
    assertArrayEquals(new double[] {0.5, 0.25, 0.25}, p.meanProbabilities(0), LITERAL_TOLERANCE);
    assertArrayEquals(new double[] {0, 0.75, 0.25}, p.meanProbabilities(1), LITERAL_TOLERANCE);
    assertArrayEquals(new Bald().scores(s), p.balds(), 0.0);
    assertArrayEquals(new Entropy().scores(s), p.entropies(), 0.0);
    assertArrayEquals(new Variance().scores(s), p.variances(), 0.0);
    assertArrayEquals(new Margin().scores(s), p.margins(), 0.0);
    assertArrayEquals(new Certainty().scores(s), p.certainties(), 0.0);
    assertEquals(2, p.iterations(1));
  }

  @Test
  void posteriorScoresOfDenseOutputsPredictPerPosition() {
    // [N=1, C=2, P=2, T=1]: class 0 = [1/4, 3/4] over positions, class 1 = [3/4, 1/4].
    Samples s = Samples.of(new float[] {0.25f, 0.75f, 0.75f, 0.25f}, 1, 2, 2, 1);
    PosteriorScores p = PosteriorScores.of(s, Probabilities.GIVEN, Reduction.MAX);
    assertEquals(1, p.predictedClass(0, 0));
    assertEquals(0, p.predictedClass(0, 1));
    assertEquals(0.75, p.meanProbability(0, 1), 0.0); // o = c * P + pos = 0 * 2 + 1
    assertEquals(0.5, p.margin(0), LITERAL_TOLERANCE);
    assertEquals(0.75, p.certainty(0), LITERAL_TOLERANCE);
    assertEquals(0.0, p.bald(0), LITERAL_TOLERANCE);
    assertThrows(InvalidHeuristicArgumentException.class, () -> PosteriorScores.of(s, Probabilities.GIVEN, Reduction.NONE));
  }
}
