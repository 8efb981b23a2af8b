package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Moments;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stats.Samples;

/** Which heuristics and scores exist per output kind, and the refusal of the others. */
class HeuristicsPerKindTest {

  @Test
  void everyHeuristicIsAllowedOrRefusedForEveryKind() {
    for (OutputKind k : OutputKind.values()) {
      for (Heuristic h : Heuristic.values()) {
        if (Heuristic.fitting(k).contains(h)) {
          assertDoesNotThrow(() -> h.requireFits(k, "the output"), h + " on " + k);
        } else {
          InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
              () -> h.requireFits(k, "output layer 'out' (X)"), h + " on " + k);
          assertTrue(e.getMessage().contains(h.label()) && e.getMessage().contains(k.label())
              && e.getMessage().contains("output layer 'out' (X)") && e.getMessage().contains("--heuristic")
              && e.getMessage().contains(String.join(", ", labels(Heuristic.fitting(k)))), e.getMessage());
        }
      }
    }
    assertThrows(UnknownHeuristicException.class, () -> Heuristic.byName("bold").requireFits(OutputKind.CLASSES, "x"));
  }

  private static List<String> labels(List<Heuristic> hs) {
    return hs.stream().map(Heuristic::label).toList();
  }

  @Test
  void theAllowedSetsFollowBaal() {
    assertEquals(Heuristic.labels(), labels(Heuristic.fitting(OutputKind.CLASSES)));
    assertEquals(Heuristic.labels(), labels(Heuristic.fitting(OutputKind.BINARY)));
    assertEquals(List.of("variance", "random"), labels(Heuristic.fitting(OutputKind.REGRESSION)));
    assertFalse(labels(Heuristic.fitting(OutputKind.MULTI_LABEL)).contains("margin"));
    assertFalse(labels(Heuristic.fitting(OutputKind.MULTI_LABEL)).contains("certainty"));
    assertTrue(labels(Heuristic.fitting(OutputKind.MULTI_LABEL)).containsAll(List.of("bald", "entropy", "variance")));
    for (OutputKind k : List.of(OutputKind.PER_POSITION, OutputKind.DETECTION, OutputKind.MULTI_LABEL,
        OutputKind.REGRESSION)) {
      assertFalse(labels(Heuristic.fitting(k)).contains("batch_bald") || labels(Heuristic.fitting(k)).contains("epig"),
          k.label());
    }
    assertTrue(Heuristic.VARIANCE.fits(OutputKind.REGRESSION));
    assertFalse(Heuristic.BALD.fits(OutputKind.REGRESSION));
    assertTrue(Heuristic.MARGIN.fits(OutputKind.PER_POSITION));
  }

  @Test
  void perPositionScoresAreWhatTheReductionsReduce() {
    // [1 example, 2 classes, 3 positions, T = 2]: layout (class, position, iteration).
    float[] v = {0.9f, 0.1f, 0.5f, 0.5f, 0.2f, 0.2f, 0.1f, 0.9f, 0.5f, 0.5f, 0.8f, 0.8f};
    Moments m = Moments.of(Samples.of(v, 1, 2, 3, 2), 0, Probabilities.GIVEN);
    double[] bald = PosteriorScores.perPosition(m, Heuristic.BALD);
    double[] entropy = PosteriorScores.perPosition(m, Heuristic.ENTROPY);
    assertEquals(3, bald.length);
    // Position 0: samples [0.9, 0.1] and [0.1, 0.9]: mean [0.5, 0.5], BALD = ln 2 - H(0.9, 0.1).
    double h09 = -0.9 * Math.log(0.9) - 0.1 * Math.log(0.1);
    assertEquals(Math.log(2) - h09, bald[0], 1e-6);
    assertEquals(Math.log(2), entropy[1], 1e-7);
    assertEquals(0.0, bald[2], 1e-12, "equal samples: no disagreement");
    assertEquals((bald[0] + bald[1] + bald[2]) / 3, PosteriorScores.of(m, Reduction.MEAN).bald(0), 1e-12);
    assertEquals(Math.max(bald[0], Math.max(bald[1], bald[2])), PosteriorScores.of(m, Reduction.MAX).bald(0), 1e-12);
    assertThrows(InvalidHeuristicArgumentException.class, () -> PosteriorScores.perPosition(m, Heuristic.RANDOM));
  }

  @Test
  void aPositionMaskLeavesMaskedPositionsOutOfEveryReduction() {
    double[] v = {1, 5, 3, 100};
    boolean[] keep = {true, false, true, false};
    assertEquals(2.0, Reduction.MEAN.reduce(v, keep, 4), 0.0);
    assertEquals(4.0, Reduction.SUM.reduce(v, keep, 4), 0.0);
    assertEquals(3.0, Reduction.MAX.reduce(v, keep, 4), 0.0);
    assertEquals(1.0, Reduction.MIN.reduce(v, keep, 4), 0.0);
    assertEquals(3.0, Reduction.NONE.reduce(v, new boolean[] {false, false, true, false}, 4), 0.0);
    assertThrows(InvalidHeuristicArgumentException.class, () -> Reduction.NONE.reduce(v, keep, 4));
    assertTrue(Double.isNaN(Reduction.MEAN.reduce(v, new boolean[4], 4)), "nothing kept: no score");
    assertEquals(Reduction.MEAN.reduce(v, 4), Reduction.MEAN.reduce(v, new boolean[] {true, true, true, true}, 4), 0.0);
    assertThrows(InvalidHeuristicArgumentException.class, () -> Reduction.SUM.reduce(v, new boolean[2], 4));
  }
}
