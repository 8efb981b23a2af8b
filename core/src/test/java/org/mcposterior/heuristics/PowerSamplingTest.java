package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.testsupport.HeuristicsFixtures;

class PowerSamplingTest {
  private static final Samples POOL = HeuristicsFixtures.random(21, 60, new int[] {5}, 10, 2, false);

  @Test
  void aSeedReproducesTheDrawAndAnotherSeedChangesIt() {
    PowerSampling a = PowerSampling.powerBald(1, 42, Probabilities.AUTO);
    assertArrayEquals(a.rank(POOL), PowerSampling.powerBald(1, 42, Probabilities.AUTO).rank(POOL));
    assertArrayEquals(a.select(POOL, 10), Arrays.copyOf(a.rank(POOL), 10));
    assertFalse(Arrays.equals(a.rank(POOL), PowerSampling.powerBald(1, 43, Probabilities.AUTO).rank(POOL)));
  }

  @Test
  void aVeryLargeBetaApproachesTopK() {
    for (long seed = 0; seed < 5; seed++) {
      assertArrayEquals(new Bald().select(POOL, 12), PowerSampling.powerBald(1e6, seed, Probabilities.AUTO).select(POOL, 12));
      assertArrayEquals(new Entropy().select(POOL, 12),
          PowerSampling.powerEntropy(1e6, seed, Probabilities.AUTO).select(POOL, 12));
      // Lowest-first bases are sampled by 1 - s: large beta gives the smallest margins.
      assertArrayEquals(new Margin().select(POOL, 12), PowerSampling.of(new Margin(), 1e6, seed).select(POOL, 12));
    }
  }

  @Test
  void aBetaOfOneDrawsProportionallyToTheScore() {
    // Two examples with weights 1 and 3: the second is drawn first with probability 3/4.
    int second = 0;
    int trials = 4000;
    for (int seed = 0; seed < trials; seed++) {
      double[] keys = PowerSampling.keys(new double[] {1, 3}, Order.HIGHEST_FIRST, 1, seed, 0);
      second += keys[1] > keys[0] ? 1 : 0;
    }
    assertEquals(0.75, second / (double) trials, 0.025); // 3.5 standard deviations
  }

  @Test
  void betaZeroIsTheSameRandomOrderWhateverTheScore() {
    assertArrayEquals(PowerSampling.powerBald(0, 5, Probabilities.AUTO).rank(POOL),
        PowerSampling.powerEntropy(0, 5, Probabilities.AUTO).rank(POOL));
  }

  @Test
  void zeroWeightsComeLastByIndex() {
    double[] keys = PowerSampling.keys(new double[] {0, 2, 0, 1}, Order.HIGHEST_FIRST, 1, 3, 0);
    int[] rank = Ranking.rank(keys, Order.HIGHEST_FIRST);
    assertArrayEquals(new int[] {0, 2}, Arrays.copyOfRange(rank, 2, 4));
  }

  @Test
  void keysOfAPoolScoredInPiecesEqualTheWhole() {
    double[] scores = new Bald().scores(POOL);
    double[] whole = PowerSampling.keys(scores, Order.HIGHEST_FIRST, 1, 9, 0);
    double[] tail = PowerSampling.keys(Arrays.copyOfRange(scores, 20, 60), Order.HIGHEST_FIRST, 1, 9, 20);
    assertArrayEquals(Arrays.copyOfRange(whole, 20, 60), tail, 0.0);
  }

  @Test
  void badBetaAndNegativeWeightsAreRefused() {
    for (double beta : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
          () -> PowerSampling.powerBald(beta, 1, Probabilities.AUTO));
      assertTrue(e.getMessage().contains("beta = " + beta), e.getMessage());
    }
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> PowerSampling.keys(new double[] {1, -0.5}, Order.HIGHEST_FIRST, 1, 1, 0));
    assertTrue(e.getMessage().contains("-0.5") && e.getMessage().contains("example 1"), e.getMessage());
  }
}
