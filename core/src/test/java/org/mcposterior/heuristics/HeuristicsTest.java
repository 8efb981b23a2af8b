package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.testsupport.HeuristicsFixtures;

class HeuristicsTest {
  private static final Samples POOL = HeuristicsFixtures.random(2, 12, new int[] {4}, 8, 2, false);

  @Test
  void everyNameBuildsAHeuristicOfThatName() {
    HeuristicOptions options = HeuristicOptions.defaults().withTarget(POOL.slice(0, 3));
    for (String name : Heuristic.labels()) {
      AcquisitionHeuristic h = Heuristic.byName(name).create(options);
      assertEquals(name, h.name());
      assertEquals(12, h.rank(POOL).length, name);
      assertEquals(3, h.select(POOL, 3).length, name);
    }
    assertEquals(10, Heuristic.labels().size());
  }

  @Test
  void namesAreCaseInsensitive() {
    assertInstanceOf(Bald.class, Heuristic.byName("BALD").create());
    assertInstanceOf(BatchBald.class, Heuristic.byName("Batch_Bald").create());
    assertInstanceOf(PowerSampling.class, Heuristic.byName(" power_ENTROPY ").create());
  }

  @Test
  void anUnknownNameIsRefusedListingTheValidOnes() {
    UnknownHeuristicException e = assertThrows(UnknownHeuristicException.class, () -> Heuristic.byName("batchbald"));
    assertTrue(e.getMessage().contains("'batchbald'"), e.getMessage());
    for (String name : Heuristic.labels()) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void onlyEpigNeedsATargetAndOnlyTheJointOnesSelectJointly() {
    for (String name : Heuristic.labels()) {
      assertEquals(name.equals("epig"), Heuristic.byName(name).needsTarget(), name);
      assertEquals(name.equals("epig") || name.equals("batch_bald"), Heuristic.byName(name).isJoint(), name);
    }
    assertTrue(Heuristic.byName(" EPIG ").needsTarget());
  }

  @Test
  void epigWithoutATargetIsRefused() {
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> Heuristic.byName("epig").create());
    assertTrue(e.getMessage().contains("target") && e.getMessage().contains("withTarget"), e.getMessage());
  }

  @Test
  void optionsReachTheHeuristics() {
    HeuristicOptions o = HeuristicOptions.defaults().withSeed(9).withBeta(2).withNumDraw(7).withQuerySize(3)
        .withReduction(Reduction.MAX).withProbabilities(Probabilities.GIVEN);
    assertEquals(9, ((RandomHeuristic) Heuristic.byName("random").create(o)).seed());
    PowerSampling p = (PowerSampling) Heuristic.byName("power_bald").create(o);
    assertEquals(2, p.beta());
    assertEquals(9, p.seed());
    BatchBald b = (BatchBald) Heuristic.byName("batch_bald").create(o);
    assertEquals(7, b.numDraw());
    assertEquals(3, b.querySize());
    Variance v = (Variance) Heuristic.byName("variance").create(o);
    assertEquals(Reduction.MAX, v.overClasses());
    assertEquals(Probabilities.GIVEN, v.probabilities());
    assertEquals(Reduction.MEAN, ((Variance) Heuristic.byName("variance").create(HeuristicOptions.defaults().withReduction(Reduction.NONE))).overClasses());
    assertThrows(InvalidHeuristicArgumentException.class, () -> HeuristicOptions.defaults().withNumDraw(0));
    assertThrows(InvalidHeuristicArgumentException.class, () -> HeuristicOptions.defaults().withBeta(-1));
  }

  @Test
  void reductionsByName() {
    assertEquals(Reduction.SUM, Reduction.byName("Sum"));
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> Reduction.byName("median"));
    assertTrue(e.getMessage().contains("median"), e.getMessage());
  }
}
