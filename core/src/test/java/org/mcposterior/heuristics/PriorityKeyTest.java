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
    assertEquals(PS.bald(0), Heuristics.priority("bald", o).of(PS, 0, 1L));
    assertEquals(PS.bald(0), Heuristics.priority("batch_bald", o).of(PS, 0, 1L), "joint: BALD candidates");
    assertEquals(PS.entropy(1), Heuristics.priority("entropy", o).of(PS, 1, 1L));
    assertEquals(-PS.margin(1), Heuristics.priority("margin", o).of(PS, 1, 1L), "smallest margin first");
    assertEquals(-PS.certainty(0), Heuristics.priority("certainty", o).of(PS, 0, 1L));
    // Example 1 is uniform (0.5/0.5): highest entropy, smallest margin, so it ranks first for both.
    assertTrue(Heuristics.priority("entropy", o).of(PS, 1, 1L) > Heuristics.priority("entropy", o).of(PS, 0, 1L));
    assertTrue(Heuristics.priority("margin", o).of(PS, 1, 1L) > Heuristics.priority("margin", o).of(PS, 0, 1L));
  }

  @Test
  void keyedDrawsDependOnTheExampleKeyAndSeedOnly() {
    HeuristicOptions o = HeuristicOptions.defaults().withSeed(7);
    assertEquals(RandomHeuristic.score(7, 42L), Heuristics.priority("random", o).of(PS, 0, 42L));
    assertEquals(Heuristics.priority("power_bald", o).of(PS, 0, 42L), Heuristics.priority("power_bald", o).of(PS, 0, 42L));
    assertFalse(Heuristics.priority("power_bald", o).of(PS, 0, 42L) == Heuristics.priority("power_bald", o).of(PS, 0, 43L));
  }

  @Test
  void jointNamesAndUnknownNames() {
    assertTrue(Heuristics.isJoint("EPIG") && Heuristics.isJoint("batch_bald") && !Heuristics.isJoint("bald"));
    assertThrows(UnknownHeuristicException.class, () -> Heuristics.priority("magic", HeuristicOptions.defaults()));
  }
}
