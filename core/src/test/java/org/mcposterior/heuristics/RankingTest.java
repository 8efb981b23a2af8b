package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RankingTest {

  @Test
  void tiesBreakByTheLowerIndexInBothOrders() {
    double[] s = {1, 2, 2, 0, 2};
    assertArrayEquals(new int[] {1, 2, 4, 0, 3}, Ranking.rank(s, Order.HIGHEST_FIRST));
    assertArrayEquals(new int[] {3, 0, 1, 2, 4}, Ranking.rank(s, Order.LOWEST_FIRST));
    assertArrayEquals(new int[] {1, 2}, Ranking.top(s, Order.HIGHEST_FIRST, 2));
    assertArrayEquals(new int[] {3, 0, 1}, Ranking.top(s, Order.LOWEST_FIRST, 3));
  }

  @Test
  void nanRanksLastAndSignedZerosTie() {
    double[] s = {Double.NaN, 1, Double.NaN, 2, -0.0, 0.0};
    assertArrayEquals(new int[] {3, 1, 4, 5, 0, 2}, Ranking.rank(s, Order.HIGHEST_FIRST));
    assertArrayEquals(new int[] {4, 5, 1, 3, 0, 2}, Ranking.rank(s, Order.LOWEST_FIRST));
    assertArrayEquals(new int[] {3, 1, 4, 5, 0}, Ranking.top(s, Order.HIGHEST_FIRST, 5));
    assertTrue(Double.isInfinite(Order.HIGHEST_FIRST.sanitize(Double.NaN)));
  }

  @Test
  void topIsThePrefixOfRankForAnyK() {
    SplittableRandom r = new SplittableRandom(1);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(300);
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = r.nextInt(7) == 0 ? Double.NaN : r.nextInt(10); // many ties
      }
      Order order = r.nextBoolean() ? Order.HIGHEST_FIRST : Order.LOWEST_FIRST;
      int k = r.nextInt(n + 1);
      int[] rank = Ranking.rank(s, order);
      assertArrayEquals(Arrays.copyOf(rank, k), Ranking.top(s, order, k), "trial " + trial);
      for (int i = 1; i < n; i++) { // sorted, ties by index
        double a = s[rank[i - 1]];
        double b = s[rank[i]];
        if (Double.isNaN(a)) {
          assertTrue(Double.isNaN(b) && rank[i - 1] < rank[i]);
        } else if (!Double.isNaN(b)) {
          double x = order == Order.HIGHEST_FIRST ? a : -a;
          double y = order == Order.HIGHEST_FIRST ? b : -b;
          assertTrue(x > y || (x == y && rank[i - 1] < rank[i]), "trial " + trial + " at " + i);
        }
      }
    }
  }

  @Test
  void kOutsideThePoolIsRefusedNamingIt() {
    double[] s = {1, 2, 3, 4, 5};
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> Ranking.top(s, Order.HIGHEST_FIRST, 6));
    assertTrue(e.getMessage().contains("k = 6") && e.getMessage().contains("pool of 5"), e.getMessage());
    assertThrows(InvalidHeuristicArgumentException.class, () -> Ranking.top(s, Order.HIGHEST_FIRST, -1));
  }
}
