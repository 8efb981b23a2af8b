package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mcposterior.testsupport.HeuristicsFixtures.classification;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.InvalidSamplesException;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.testsupport.HeuristicsFixtures;

class BatchBaldTest {
  private static final double[] A = {1, 0};
  private static final double[] B = {0, 1};

  /** One-hot samples over T = 8 iterations where the class is bit {@code bit} of the iteration. */
  private static double[][] bitPattern(int bit) {
    double[][] v = new double[8][];
    for (int t = 0; t < 8; t++) {
      v[t] = ((t >> bit) & 1) == 0 ? A : B;
    }
    return v;
  }

  @Test
  void withBatchSizeOneItPicksTheBaldArgmax() {
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 15; trial++) {
      Samples pool = HeuristicsFixtures.random(r.nextLong(), 2 + r.nextInt(30), new int[] {2 + r.nextInt(6)},
          1 + r.nextInt(20), 3 * r.nextDouble(), r.nextBoolean());
      int[] picked = new BatchBald(4, 100, r.nextLong(), Probabilities.AUTO).select(pool, 1);
      assertArrayEquals(new Bald().select(pool, 1), picked, "trial " + trial);
    }
  }

  @Test
  void itDoesNotPickADuplicateTwiceWhereBaldTopKDoes() {
    // X and its copy X' disagree confidently (BALD ln 2); Z disagrees softly along another
    // pattern (BALD ln 2 - H(7/8, 1/8) = 0.316); W disagrees more softly along a third pattern
    // (BALD ln 2 - H(3/4, 1/4) = 0.131).
    double[][] x = {{1, 0}, {0, 1}, {1, 0}, {0, 1}};
    double[][] z = {{0.875, 0.125}, {0.875, 0.125}, {0.125, 0.875}, {0.125, 0.875}};
    double[][] w = {{0.75, 0.25}, {0.25, 0.75}, {0.25, 0.75}, {0.75, 0.25}};
    Samples pool = classification(new double[][][] {x, x, z, w});
    assertArrayEquals(new int[] {0, 1, 2}, new Bald().select(pool, 3));
    // Given X, its copy adds nothing (I = 0); Z still tells which half of the samples is right,
    // and W still tells something given X and Z, so the copy comes last.
    for (int numDraw : new int[] {1, 500}) { // drawn and exact joint entropies
      BatchBald batchBald = new BatchBald(2, numDraw, 3, Probabilities.AUTO);
      assertArrayEquals(new int[] {0, 2}, batchBald.select(pool, 2), "numDraw " + numDraw);
      assertArrayEquals(new int[] {0, 2, 3}, batchBald.select(pool, 3), "numDraw " + numDraw);
    }
  }

  @Test
  void independentPatternsBeforeDuplicatesAlsoWithDrawnConfigurations() {
    // Three independent bit patterns (each BALD ln 2) and a copy of the first at index 1.
    Samples pool = classification(new double[][][] {bitPattern(0), bitPattern(0), bitPattern(1), bitPattern(2)});
    assertArrayEquals(new int[] {0, 1, 2}, new Bald().select(pool, 3));
    for (int numDraw : new int[] {1, 3, 1000}) {
      assertArrayEquals(new int[] {0, 2, 3, 1}, new BatchBald(4, numDraw, 11, Probabilities.AUTO).select(pool, 4),
          "numDraw " + numDraw);
    }
  }

  @Test
  void rankIsTheGreedyBatchThenTheRestByBald() {
    Samples pool = classification(new double[][][] {bitPattern(0), bitPattern(0), bitPattern(1),
        {{1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}}});
    int[] rank = new BatchBald(2, 100, 1, Probabilities.AUTO).rank(pool);
    // Greedy pair [0, 2]; then 1 (BALD ln 2) before 3 (BALD 0).
    assertArrayEquals(new int[] {0, 2, 1, 3}, rank);
  }

  @Test
  void selectionIsReproducibleForASeed() {
    Samples pool = HeuristicsFixtures.random(8, 40, new int[] {10}, 12, 2, false);
    BatchBald h = new BatchBald(5, 50, 99, Probabilities.AUTO);
    int[] first = h.select(pool, 5);
    assertArrayEquals(first, h.select(pool, 5));
    assertEquals(5, java.util.Arrays.stream(first).distinct().count());
  }

  @Test
  void scoresAreBald() {
    Samples pool = HeuristicsFixtures.random(4, 7, new int[] {3}, 6, 2, false);
    assertArrayEquals(new Bald().scores(pool), new BatchBald(3, 10, 0, Probabilities.AUTO).scores(pool), 0.0);
  }

  @Test
  void independentMasksAreRefused() {
    Samples pool = HeuristicsFixtures.random(4, 7, new int[] {3}, 6, 2, false);
    BatchBald h = new BatchBald(3, 10, 0, Probabilities.AUTO);
    MaskMismatchException e = assertThrows(MaskMismatchException.class,
        () -> h.select(pool, new MaskProvenance(1, 0, 6, false), 2));
    assertTrue(e.getMessage().contains("consistent=false") && e.getMessage().contains("consistent masks"),
        e.getMessage());
    assertThrows(MaskMismatchException.class, () -> h.select(pool, MaskProvenance.consistent(1, 5), 2));
    assertEquals(2, h.select(pool, MaskProvenance.consistent(1, 6), 2).length);
  }

  @Test
  void denseOutputsAreRefusedNamingTheRank() {
    Samples dense = HeuristicsFixtures.random(4, 3, new int[] {3, 2}, 6, 2, false);
    InvalidSamplesException e = assertThrows(InvalidSamplesException.class,
        () -> new BatchBald(3, 10, 0, Probabilities.AUTO).select(dense, 1));
    assertTrue(e.getMessage().contains("rank 4") && e.getMessage().contains("[batch, classes, iterations]"),
        e.getMessage());
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(InvalidHeuristicArgumentException.class, () -> new BatchBald(0, 10, 0, Probabilities.AUTO));
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> new BatchBald(3, 0, 0, Probabilities.AUTO));
    assertTrue(e.getMessage().contains("numDraw 0"), e.getMessage());
  }
}
