package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.OutputKind;

/** Which heuristics and scores exist per output kind, and the refusal of the others. */
class HeuristicsPerKindTest {

  @Test
  void everyHeuristicIsAllowedOrRefusedForEveryKind() {
    for (OutputKind k : OutputKind.values()) {
      for (String h : Heuristics.NAMES) {
        if (Heuristics.allowed(k).contains(h)) {
          assertDoesNotThrow(() -> Heuristics.requireFits(h, k, "the output"), h + " on " + k);
        } else {
          InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
              () -> Heuristics.requireFits(h, k, "output layer 'out' (X)"), h + " on " + k);
          assertTrue(e.getMessage().contains(h) && e.getMessage().contains(k.label())
              && e.getMessage().contains("output layer 'out' (X)") && e.getMessage().contains("--heuristic")
              && e.getMessage().contains(String.join(", ", Heuristics.allowed(k))), e.getMessage());
        }
      }
    }
    assertThrows(UnknownHeuristicException.class, () -> Heuristics.requireFits("bold", OutputKind.CLASSES, "x"));
  }

  @Test
  void theAllowedSetsFollowBaal() {
    assertEquals(Heuristics.NAMES, Heuristics.allowed(OutputKind.CLASSES));
    assertEquals(Heuristics.NAMES, Heuristics.allowed(OutputKind.BINARY));
    assertEquals(List.of("variance", "random"), Heuristics.allowed(OutputKind.REGRESSION));
    assertFalse(Heuristics.allowed(OutputKind.MULTI_LABEL).contains("margin"));
    assertFalse(Heuristics.allowed(OutputKind.MULTI_LABEL).contains("certainty"));
    assertTrue(Heuristics.allowed(OutputKind.MULTI_LABEL).containsAll(List.of("bald", "entropy", "variance")));
    for (OutputKind k : List.of(OutputKind.PER_POSITION, OutputKind.DETECTION, OutputKind.MULTI_LABEL,
        OutputKind.REGRESSION)) {
      assertFalse(Heuristics.allowed(k).contains("batch_bald") || Heuristics.allowed(k).contains("epig"), k.label());
    }
    assertTrue(Heuristics.scoreExists("variance", OutputKind.REGRESSION));
    assertFalse(Heuristics.scoreExists("bald", OutputKind.REGRESSION));
    assertTrue(Heuristics.scoreExists("margin", OutputKind.PER_POSITION));
  }
}
