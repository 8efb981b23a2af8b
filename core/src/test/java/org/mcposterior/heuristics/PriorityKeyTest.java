package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Probabilities;

/** The per-example ranking keys the score job sorts by: higher first, each heuristic's own direction. */
class PriorityKeyTest {
  // Two examples, two classes, two iterations: [p0(t0), p0(t1)], [p1(t0), p1(t1)] per example.
  private static final Samples S = Samples.of(new float[] {0.9f, 0.7f, 0.1f, 0.3f, 0.5f, 0.5f, 0.5f, 0.5f}, 2, 2, 2);
  private static final PosteriorScores PS = PosteriorScores.of(S, Probabilities.GIVEN, Reduction.MEAN);

  @Test
  void directionsFollowTheHeuristic() {
    HeuristicOptions o = HeuristicOptions.defaults();
    assertEquals(PS.bald(0), Heuristic.byName("bald").priority(o).of(PS, 0, 1L));
    assertEquals(PS.bald(0), Heuristic.byName("batch_bald").priority(o).of(PS, 0, 1L), "joint: BALD candidates");
    assertEquals(PS.entropy(1), Heuristic.byName("entropy").priority(o).of(PS, 1, 1L));
    assertEquals(-PS.margin(1), Heuristic.byName("margin").priority(o).of(PS, 1, 1L), "smallest margin first");
    assertEquals(-PS.certainty(0), Heuristic.byName("certainty").priority(o).of(PS, 0, 1L));
    // Example 1 is uniform (0.5/0.5): highest entropy, smallest margin, so it ranks first for both.
    assertTrue(Heuristic.byName("entropy").priority(o).of(PS, 1, 1L) > Heuristic.byName("entropy").priority(o).of(PS, 0, 1L));
    assertTrue(Heuristic.byName("margin").priority(o).of(PS, 1, 1L) > Heuristic.byName("margin").priority(o).of(PS, 0, 1L));
  }

  @Test
  void keyedDrawsDependOnTheExampleKeyAndSeedOnly() {
    HeuristicOptions o = HeuristicOptions.defaults().withSeed(7);
    assertEquals(RandomHeuristic.score(7, 42L), Heuristic.byName("random").priority(o).of(PS, 0, 42L));
    assertEquals(Heuristic.byName("power_bald").priority(o).of(PS, 0, 42L), Heuristic.byName("power_bald").priority(o).of(PS, 0, 42L));
    assertFalse(Heuristic.byName("power_bald").priority(o).of(PS, 0, 42L) == Heuristic.byName("power_bald").priority(o).of(PS, 0, 43L));
  }

  @Test
  void jointNamesAndUnknownNames() {
    assertTrue(Heuristic.byName("EPIG").isJoint() && Heuristic.byName("batch_bald").isJoint() && !Heuristic.byName("bald").isJoint());
    assertThrows(UnknownHeuristicException.class, () -> Heuristic.byName("magic").priority(HeuristicOptions.defaults()));
  }
}
