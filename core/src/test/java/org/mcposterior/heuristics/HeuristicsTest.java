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
    for (String name : Heuristics.NAMES) {
      Heuristic h = Heuristics.byName(name, options);
      assertEquals(name, h.name());
      assertEquals(12, h.rank(POOL).length, name);
      assertEquals(3, h.select(POOL, 3).length, name);
    }
    assertEquals(10, Heuristics.NAMES.size());
  }

  @Test
  void namesAreCaseInsensitive() {
    assertInstanceOf(Bald.class, Heuristics.byName("BALD"));
    assertInstanceOf(BatchBald.class, Heuristics.byName("Batch_Bald"));
    assertInstanceOf(PowerSampling.class, Heuristics.byName(" power_ENTROPY "));
  }

  @Test
  void anUnknownNameIsRefusedListingTheValidOnes() {
    UnknownHeuristicException e = assertThrows(UnknownHeuristicException.class, () -> Heuristics.byName("batchbald"));
    assertTrue(e.getMessage().contains("'batchbald'"), e.getMessage());
    for (String name : Heuristics.NAMES) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void onlyEpigNeedsATargetAndOnlyTheJointOnesSelectJointly() {
    for (String name : Heuristics.NAMES) {
      assertEquals(name.equals("epig"), Heuristics.needsTarget(name), name);
      assertEquals(name.equals("epig") || name.equals("batch_bald"), Heuristics.isJoint(name), name);
    }
    assertTrue(Heuristics.needsTarget(" EPIG "));
  }

  @Test
  void epigWithoutATargetIsRefused() {
    InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
        () -> Heuristics.byName("epig"));
    assertTrue(e.getMessage().contains("target") && e.getMessage().contains("withTarget"), e.getMessage());
  }

  @Test
  void optionsReachTheHeuristics() {
    HeuristicOptions o = HeuristicOptions.defaults().withSeed(9).withBeta(2).withNumDraw(7).withQuerySize(3)
        .withReduction(Reduction.MAX).withProbabilities(Probabilities.GIVEN);
    assertEquals(9, ((RandomHeuristic) Heuristics.byName("random", o)).seed());
    PowerSampling p = (PowerSampling) Heuristics.byName("power_bald", o);
    assertEquals(2, p.beta());
    assertEquals(9, p.seed());
    BatchBald b = (BatchBald) Heuristics.byName("batch_bald", o);
    assertEquals(7, b.numDraw());
    assertEquals(3, b.querySize());
    Variance v = (Variance) Heuristics.byName("variance", o);
    assertEquals(Reduction.MAX, v.overClasses());
    assertEquals(Probabilities.GIVEN, v.probabilities());
    assertEquals(Reduction.MEAN, ((Variance) Heuristics.byName("variance",
        HeuristicOptions.defaults().withReduction(Reduction.NONE))).overClasses());
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
