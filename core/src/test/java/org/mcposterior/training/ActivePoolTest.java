package org.mcposterior.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActivePoolTest {
  /** 1,000 rows, labels 0-9 round robin. */
  static int[] labels(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 10;
    }
    return y;
  }

  @Test
  void drawsABalancedInitialSetFromADistinctPool() {
    int[] y = labels(1000);
    ActivePool p = ActivePool.draw(y, 10, 300, 20, 7);
    assertEquals(300, p.size());
    assertEquals(20, p.labelledCount());
    assertEquals(280, p.unlabelledCount());
    int[] perClass = new int[10];
    for (int pos : p.labelled()) {
      perClass[p.labelOf(pos)]++;
      assertEquals(y[p.source(pos)], p.labelOf(pos));
    }
    assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, perClass);
    Set<Integer> rows = new HashSet<>();
    for (int pos = 0; pos < p.size(); pos++) {
      assertTrue(rows.add(p.source(pos)), "a data set row drawn twice into the pool");
    }
  }

  @Test
  void anUnevenInitialSetGivesTheFirstClassesOneMore() {
    ActivePool p = ActivePool.draw(labels(1000), 10, 500, 13, 1);
    int[] perClass = new int[10];
    for (int pos : p.labelled()) {
      perClass[p.labelOf(pos)]++;
    }
    assertArrayEquals(new int[] {2, 2, 2, 1, 1, 1, 1, 1, 1, 1}, perClass);
  }

  @Test
  void theSameSeedDrawsTheSamePoolAndAnotherSeedAnother() {
    int[] y = labels(1000);
    ActivePool a = ActivePool.draw(y, 10, 200, 20, 3), b = ActivePool.draw(y, 10, 200, 20, 3);
    ActivePool c = ActivePool.draw(y, 10, 200, 20, 4);
    boolean same = true, other = true;
    for (int pos = 0; pos < 200; pos++) {
      same &= a.source(pos) == b.source(pos);
      other &= a.source(pos) == c.source(pos);
    }
    assertTrue(same);
    assertFalse(other);
    assertArrayEquals(a.labelled(), b.labelled());
  }

  @Test
  void labelsOnlyUnlabelledPositionsAndAllOrNone() {
    ActivePool p = ActivePool.draw(labels(1000), 10, 100, 10, 5);
    int[] u = p.unlabelled();
    int already = p.labelled()[0];
    assertThrows(InvalidTrainingArgumentException.class, () -> p.label(new int[] {u[0], already}));
    assertThrows(InvalidTrainingArgumentException.class, () -> p.label(new int[] {u[0], u[0]}));
    assertThrows(InvalidTrainingArgumentException.class, () -> p.label(new int[] {u[0], 100}));
    assertThrows(InvalidTrainingArgumentException.class, () -> p.label(new int[] {-1}));
    assertEquals(10, p.labelledCount(), "a refused query labels nothing");
    assertFalse(p.isLabelled(u[0]));
    p.label(new int[] {u[3], u[1]});
    assertEquals(12, p.labelledCount());
    assertEquals(u[3], p.labelled()[10], "labelled in the order given");
    assertEquals(u[1], p.labelled()[11]);
    assertEquals(88, p.unlabelled().length);
  }

  @Test
  void refusesPoolsThatCannotHoldTheInitialSet() {
    int[] y = labels(1000);
    assertThrows(InvalidTrainingArgumentException.class, () -> ActivePool.draw(y, 10, 1001, 20, 1));
    assertThrows(InvalidTrainingArgumentException.class, () -> ActivePool.draw(y, 10, 10, 20, 1));
    int[] skewed = new int[1000]; // class 9 appears once
    skewed[999] = 9;
    var e = assertThrows(InvalidTrainingArgumentException.class, () -> ActivePool.draw(skewed, 10, 1000, 20, 1));
    assertTrue(e.getMessage().contains("too few examples of class"), e.getMessage());
  }
}
