package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.testsupport.HeuristicsFixtures;

class CombineHeuristicsTest {
  private static final Samples CLASSES = HeuristicsFixtures.random(1, 9, new int[] {3}, 6, 2, false);
  private static final Samples PIXELS = HeuristicsFixtures.random(2, 9, new int[] {2, 4}, 6, 2, false);

  @Test
  void theCombinedScoreIsTheWeightedMean() {
    CombineHeuristics c = new CombineHeuristics(List.of(new Bald(), new Entropy()), 1, 3);
    double[] bald = new Bald().scores(CLASSES);
    double[] entropy = new Entropy().scores(PIXELS);
    double[] combined = c.scores(List.of(CLASSES, PIXELS));
    for (int n = 0; n < 9; n++) {
      assertEquals(0.25 * bald[n] + 0.75 * entropy[n], combined[n], 1e-15);
    }
    assertArrayEquals(Ranking.rank(combined, Order.HIGHEST_FIRST), c.rank(List.of(CLASSES, PIXELS)));
    assertArrayEquals(new double[] {0.25, 0.75}, c.weights(), 0.0);
    assertEquals(2, c.select(List.of(CLASSES, PIXELS), 2).length);
  }

  @Test
  void mixedOrdersAreRefused() {
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> new CombineHeuristics(List.of(new Bald(), new Margin()), 1, 1));
    assertTrue(e.getMessage().contains("margin") && e.getMessage().contains("LOWEST_FIRST"), e.getMessage());
  }

  @Test
  void badWeightsAndOutputsAreRefused() {
    assertThrows(InvalidHeuristicArgumentException.class, () -> new CombineHeuristics(List.of(new Bald()), 1, 2));
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> new CombineHeuristics(List.of(new Bald(), new Entropy()), 1, -2));
    assertTrue(e.getMessage().contains("-2.0"), e.getMessage());
    assertThrows(InvalidHeuristicArgumentException.class, () -> new CombineHeuristics(List.of(new Bald()), 0));
    CombineHeuristics c = new CombineHeuristics(List.of(new Bald(), new Entropy()), 1, 1);
    assertThrows(InvalidHeuristicArgumentException.class, () -> c.scores(List.of(CLASSES)));
    InvalidHeuristicArgumentException sizes = assertThrows(InvalidHeuristicArgumentException.class,
        () -> c.scores(List.of(CLASSES, PIXELS.slice(0, 4))));
    assertTrue(sizes.getMessage().contains("4 examples"), sizes.getMessage());
  }
}
