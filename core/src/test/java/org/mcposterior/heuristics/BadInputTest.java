package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.InvalidSamplesException;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.testsupport.HeuristicsFixtures;

/** Every kind of bad input is refused with a typed exception whose message names the value. */
class BadInputTest {
  private static final Samples POOL = HeuristicsFixtures.random(3, 5, new int[] {3}, 4, 1, false);

  private static List<AcquisitionHeuristic> all() {
    HeuristicOptions o = HeuristicOptions.defaults().withTarget(POOL);
    return java.util.Arrays.stream(Heuristic.values()).map(h -> h.create(o)).toList();
  }

  private static <T extends Throwable> void assertNames(Class<T> type, Executable call, String... parts) {
    T e = assertThrows(type, call);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  @Test
  void anEmptyPoolIsRefusedByEveryHeuristic() {
    Samples empty = Samples.of(new float[0], 0, 3, 4);
    for (AcquisitionHeuristic h : all()) {
      assertNames(InvalidSamplesException.class, () -> h.scores(empty), "empty", "0 examples");
      assertNames(InvalidSamplesException.class, () -> h.rank(empty), "empty");
      assertNames(InvalidSamplesException.class, () -> h.select(empty, 0), "empty");
    }
    assertNames(InvalidSamplesException.class, () -> new Bald().select(MomentsBatch.empty(0, 3), 0), "empty");
  }

  @Test
  void zeroIterationsAreRefusedByEveryHeuristicThatReadsSamples() {
    Samples none = Samples.of(new float[0], 5, 3, 0);
    for (AcquisitionHeuristic h : all()) {
      if (h instanceof RandomHeuristic) {
        continue; // reads only the batch size
      }
      assertThrows(IllegalArgumentException.class, () -> h.scores(none), h.name());
    }
    assertNames(InvalidSamplesException.class, () -> new Bald().scores(none), "T = 0", "[5, 3, 0]");
  }

  @Test
  void wrongRankIsRefusedWhereOnlyClassificationIsDefined() {
    Samples dense = HeuristicsFixtures.random(1, 5, new int[] {3, 2}, 4, 1, false);
    assertNames(InvalidSamplesException.class, () -> new BatchBald(2, 10, 0, Probabilities.AUTO).select(dense, 2),
        "rank 4", "[5, 3, 2, 4]");
    assertNames(InvalidSamplesException.class, () -> new Epig(POOL, Probabilities.AUTO).scores(dense), "rank 4");
    Samples oneClass = Samples.of(new float[] {1, 1, 1, 1}, 2, 1, 2);
    assertNames(InvalidSamplesException.class, () -> new Entropy().scores(oneClass), "1 classes", "at least 2");
  }

  @Test
  void nanIsRefusedNamingWhere() {
    float[] data = POOL.toFloatArray();
    data[(3 * 3 + 2) * 4 + 1] = Float.NaN; // example 3, class 2, iteration 1
    Samples bad = Samples.of(data, 5, 3, 4);
    for (AcquisitionHeuristic h : all()) {
      if (h instanceof RandomHeuristic) {
        continue;
      }
      assertNames(InvalidSamplesException.class, () -> h.scores(bad), "NaN", "example 3", "class 2", "iteration 1");
    }
  }

  @Test
  void negativeProbabilitiesAreRefusedWhenProbabilitiesAreDeclared() {
    float[] data = POOL.toFloatArray();
    data[0] = -0.125f;
    Samples bad = Samples.of(data, 5, 3, 4);
    assertNames(InvalidSamplesException.class, () -> new Bald(Reduction.MEAN, Probabilities.GIVEN).scores(bad),
        "-0.125", "example 0", "[0, 1]");
  }

  @Test
  void kLargerThanThePoolIsRefused() {
    for (AcquisitionHeuristic h : all()) {
      assertNames(InvalidHeuristicArgumentException.class, () -> h.select(POOL, 6), "k = 6", "pool of 5");
      assertNames(InvalidHeuristicArgumentException.class, () -> h.select(POOL, -1), "k = -1");
    }
  }

  @Test
  void epigTargetsWithOtherIterationsAreRefused() {
    Samples target = HeuristicsFixtures.random(4, 2, new int[] {3}, 5, 1, false);
    assertNames(MaskMismatchException.class, () -> new Epig(target, Probabilities.AUTO).scores(POOL), "T = 4", "T = 5");
  }

  @Test
  void emptyMomentsAreRefused() {
    assertNames(InvalidSamplesException.class, () -> new Bald().scores(MomentsBatch.empty(2, 3)), "example 0",
        "T = 0");
  }
}
