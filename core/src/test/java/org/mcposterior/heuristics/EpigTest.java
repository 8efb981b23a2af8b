package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mcposterior.testsupport.HeuristicsFixtures.LITERAL_TOLERANCE;
import static org.mcposterior.testsupport.HeuristicsFixtures.classification;

import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.InvalidSamplesException;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.testsupport.HeuristicsFixtures;

class EpigTest {
  private static final double[] A = {1, 0};
  private static final double[] B = {0, 1};
  private static final double[] HALF = {0.5, 0.5};
  // Target: the class alternates with the iteration.
  private static final Samples TARGET = classification(new double[][][] {{A, B, A, B}});
  // Pool: 0 co-varies with the target, 1 disagrees along an orthogonal pattern, 2 is constant.
  private static final Samples POOL = classification(new double[][][] {{A, B, A, B}, {A, A, B, B},
      {HALF, HALF, HALF, HALF}, {B, A, B, A}});

  @Test
  void aPoolPointThatCoVariesWithTheTargetBeatsATargetIndependentOne() {
    double[] epig = new Epig(TARGET, Probabilities.AUTO).scores(POOL);
    // y = y* in every sample: I(y; y*) = ln 2. The orthogonal point: all four label pairs equally
    // likely, I = 0, although its BALD is ln 2 as well. The constant point: I = 0.
    assertArrayEquals(new double[] {Math.log(2), 0, 0, Math.log(2)}, epig, LITERAL_TOLERANCE);
    assertEquals(new Bald().scores(POOL)[0], new Bald().scores(POOL)[1], LITERAL_TOLERANCE);
    assertArrayEquals(new int[] {0, 3, 1, 2}, new Epig(TARGET, Probabilities.AUTO).rank(POOL));
  }

  @Test
  void epigAveragesOverTargetPoints() {
    Samples target = classification(new double[][][] {{A, B, A, B}, {A, A, B, B}});
    double[] epig = new Epig(target, Probabilities.AUTO).scores(POOL);
    assertEquals(Math.log(2) / 2, epig[0], LITERAL_TOLERANCE);
    assertEquals(Math.log(2) / 2, epig[1], LITERAL_TOLERANCE);
  }

  @Test
  void epigIsAtMostBald() {
    Samples pool = HeuristicsFixtures.random(3, 20, new int[] {4}, 16, 2, true);
    Samples target = HeuristicsFixtures.random(4, 6, new int[] {4}, 16, 2, false);
    double[] epig = new Epig(target, Probabilities.AUTO).scores(pool);
    double[] bald = new Bald().scores(pool);
    for (int n = 0; n < epig.length; n++) {
      assertTrue(epig[n] >= 0 && epig[n] <= bald[n] + 1e-9, "example " + n + ": " + epig[n] + " > " + bald[n]);
    }
  }

  @Test
  void aTargetWithAnotherIterationCountIsRefused() {
    Samples target = classification(new double[][][] {{A, B, A}});
    MaskMismatchException e = assertThrows(MaskMismatchException.class,
        () -> new Epig(target, Probabilities.AUTO).scores(POOL));
    assertTrue(e.getMessage().contains("T = 4") && e.getMessage().contains("T = 3"), e.getMessage());
  }

  @Test
  void otherMasksAreRefused() {
    Epig epig = new Epig(TARGET, MaskProvenance.consistent(7, 4), Probabilities.AUTO);
    MaskMismatchException e = assertThrows(MaskMismatchException.class,
        () -> epig.scores(POOL, MaskProvenance.consistent(8, 4)));
    assertTrue(e.getMessage().contains("masterSeed=8") && e.getMessage().contains("masterSeed=7"), e.getMessage());
    assertThrows(MaskMismatchException.class, () -> epig.scores(POOL, new MaskProvenance(7, 4, 4, true)));
    assertThrows(MaskMismatchException.class, () -> epig.scores(POOL, new MaskProvenance(7, 0, 4, false)));
    assertThrows(MaskMismatchException.class,
        () -> new Epig(TARGET, new MaskProvenance(7, 0, 4, false), Probabilities.AUTO));
    assertEquals(Math.log(2), epig.scores(POOL, MaskProvenance.consistent(7, 4))[0], LITERAL_TOLERANCE);
  }

  @Test
  void selectRanksHighestFirstWithTiesByIndexAndRefusesIndependentMasks() {
    Epig epig = new Epig(TARGET, MaskProvenance.consistent(7, 4), Probabilities.AUTO);
    // Scores {ln 2, 0, 0, ln 2}: the two ties keep the lower index first.
    assertArrayEquals(new int[] {0, 3, 1}, epig.select(POOL, MaskProvenance.consistent(7, 4), 3));
    assertArrayEquals(new int[] {0, 3, 1, 2}, epig.select(POOL, MaskProvenance.consistent(7, 4), 4));
    assertArrayEquals(new int[0], epig.select(POOL, MaskProvenance.consistent(7, 4), 0));
    assertThrows(MaskMismatchException.class, () -> epig.select(POOL, new MaskProvenance(7, 0, 4, false), 2));
    assertThrows(InvalidHeuristicArgumentException.class, () -> epig.select(POOL, MaskProvenance.consistent(7, 4), 5));
  }

  @Test
  void denseTargetsAreRefused() {
    Samples dense = Samples.of(new float[] {1, 0, 0, 1}, 1, 2, 2, 1);
    InvalidSamplesException e = assertThrows(InvalidSamplesException.class,
        () -> new Epig(dense, Probabilities.AUTO));
    assertTrue(e.getMessage().contains("EPIG target") && e.getMessage().contains("rank 4"), e.getMessage());
  }
}
