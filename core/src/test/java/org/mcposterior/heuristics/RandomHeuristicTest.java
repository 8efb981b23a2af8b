package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.testsupport.HeuristicsFixtures;

class RandomHeuristicTest {
  private static final Samples POOL = HeuristicsFixtures.random(1, 500, new int[] {3}, 2, 1, false);

  @Test
  void seededPermutationReproducibleAndKeyedByIndex() {
    RandomHeuristic h = new RandomHeuristic(77);
    int[] rank = h.rank(POOL);
    assertArrayEquals(rank, new RandomHeuristic(77).rank(POOL));
    assertFalse(Arrays.equals(rank, new RandomHeuristic(78).rank(POOL)));
    int[] sorted = rank.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
    double[] s = h.scores(POOL);
    for (int i = 0; i < s.length; i++) {
      assertEquals(RandomHeuristic.score(77, i), s[i], 0.0);
      assertTrue(s[i] > 0 && s[i] < 1);
    }
  }

  @Test
  void scoresLookUniform() {
    double[] s = new RandomHeuristic(3).scores(HeuristicsFixtures.random(1, 4000, new int[] {2}, 1, 1, false));
    int low = 0;
    for (double v : s) {
      low += v < 0.5 ? 1 : 0;
    }
    assertEquals(0.5, low / 4000.0, 0.03);
    assertEquals(0.5, HeuristicsFixtures.mean(s), 0.02);
  }
}
