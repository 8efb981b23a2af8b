package org.mcposterior.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mcposterior.training.ActivePool;
import org.mcposterior.training.InvalidTrainingArgumentException;

/**
 * The loop's mechanics with a fake trainer, evaluator and scorer (no network): what each part is
 * given, in which order, with which seeds, and what the curve records.
 */
class ActiveLearningLoopTest {
  static final int CLASSES = 4, POOL = 60, INITIAL = 8, QUERY = 5, STEPS = 3;
  static final int[] LABELS = new int[200];

  static {
    for (int i = 0; i < LABELS.length; i++) {
      LABELS[i] = (i * 7) % CLASSES;
    }
  }

  /** Everything the fakes were given, in call order. */
  static final class Calls {
    final List<String> log = new ArrayList<>();
    final List<int[]> unlabelledSeen = new ArrayList<>();
    final List<Long> trainSeeds = new ArrayList<>();
  }

  /** The "model" is the labelled set's size; the scorer picks the highest positions, or the lowest. */
  static ActiveLearningLoop<Integer, String> loop(Calls calls, boolean highest, int pickCount) {
    StepTrainer<Integer> trainer = (labelled, seed) -> {
      calls.log.add("train " + labelled.length);
      calls.trainSeeds.add(seed);
      return new Trained<>(labelled.length, new TrainingReport(labelled.length * 10L, 0.5, 42L));
    };
    StepEvaluator<Integer, String> evaluator = (model, labelled, seed) -> {
      calls.log.add("evaluate " + model);
      return "model " + model + " seed " + seed;
    };
    StepScorer<Integer> scorer = (model, unlabelled, count, seed) -> {
      calls.log.add("pick " + model);
      calls.unlabelledSeen.add(unlabelled.clone());
      int[] p = new int[pickCount];
      for (int i = 0; i < pickCount; i++) {
        p[i] = highest ? unlabelled[unlabelled.length - 1 - i] : unlabelled[i];
      }
      return p;
    };
    return ActiveLearningLoop.of(new ActiveLearningLoop.Plan(STEPS, QUERY, CLASSES), trainer, evaluator, scorer);
  }

  static ActivePool pool() {
    return ActivePool.draw(LABELS, CLASSES, POOL, INITIAL, 11);
  }

  @Test
  void eachStepTrainsEvaluatesPicksThenLabelsThePicks() {
    Calls calls = new Calls();
    ActivePool pool = pool();
    int[] initial = pool.labelled();
    List<Step<String>> seen = new ArrayList<>();
    List<Step<String>> curve = loop(calls, true, QUERY).run(pool, 5, seen::add);

    assertEquals(STEPS + 1, curve.size());
    assertEquals(curve, seen, "each step is handed over as it is done");
    assertEquals(List.of("train 8", "evaluate 8", "pick 8", "train 13", "evaluate 13", "pick 13", "train 18",
        "evaluate 18", "pick 18", "train 23", "evaluate 23"), calls.log, "no pick after the last step");
    int[] expectedLabelled = initial;
    for (int k = 0; k <= STEPS; k++) {
      Step<String> s = curve.get(k);
      assertEquals(k, s.step());
      assertArrayEquals(expectedLabelled, s.labelled().positions(), "step " + k + " trains on the set so far");
      assertEquals(INITIAL + k * QUERY, s.labelled().size());
      assertEquals(new TrainingReport(s.labelled().size() * 10L, 0.5, 42L), s.training());
      assertEquals("model " + s.labelled().size() + " seed " + StepSeeds.EVALUATION.of(5, k), s.evaluation());
      assertArrayEquals(counts(s.labelled().positions(), pool), s.labelled().classCounts());
      int[] picked = s.query().picked();
      assertArrayEquals(counts(picked, pool), s.query().classCounts());
      if (k < STEPS) {
        int[] unlabelled = calls.unlabelledSeen.get(k);
        assertEquals(POOL - s.labelled().size(), unlabelled.length, "the scorer sees exactly the unlabelled pool");
        for (int u : s.labelled().positions()) {
          assertTrue(Arrays.binarySearch(unlabelled, u) < 0, "labelled position " + u + " offered to the scorer");
        }
        int[] topDown = new int[QUERY];
        for (int i = 0; i < QUERY; i++) {
          topDown[i] = unlabelled[unlabelled.length - 1 - i];
        }
        assertArrayEquals(topDown, picked, "the picks, best first, as the scorer returned them");
        int[] next = Arrays.copyOf(expectedLabelled, expectedLabelled.length + QUERY);
        System.arraycopy(picked, 0, next, expectedLabelled.length, QUERY);
        expectedLabelled = next;
      } else {
        assertEquals(0, picked.length);
        assertEquals(0.0, s.query().seconds());
      }
    }
    assertArrayEquals(expectedLabelled, pool.labelled(), "the pool holds the last step's labelled set");
  }

  @Test
  void seedsComeFromTheRunSeedAndTheStepOnlyNotFromThePicks() {
    Calls high = new Calls(), low = new Calls();
    List<Step<String>> a = loop(high, true, QUERY).run(pool(), 9, s -> {});
    List<Step<String>> b = loop(low, false, QUERY).run(pool(), 9, s -> {});
    assertEquals(high.trainSeeds, low.trainSeeds, "two heuristics of one seed train with the same seeds");
    assertNotEquals(a.get(1).labelled().positions()[INITIAL], b.get(1).labelled().positions()[INITIAL],
        "yet their labelled sets differ by what they picked");
    Set<Long> distinct = new HashSet<>(high.trainSeeds);
    assertEquals(STEPS + 1, distinct.size(), "one training seed per step");
    for (int k = 0; k <= STEPS; k++) {
      assertEquals(StepSeeds.TRAINING.of(9, k), high.trainSeeds.get(k));
      Set<Long> purposes = Set.of(StepSeeds.TRAINING.of(9, k), StepSeeds.EVALUATION.of(9, k), StepSeeds.QUERY.of(9, k));
      assertEquals(3, purposes.size(), "each purpose its own seed at step " + k);
    }
    assertNotEquals(StepSeeds.QUERY.of(9, 0), StepSeeds.QUERY.of(10, 0), "another run seed, another step seed");
  }

  @Test
  void aScorerThatPicksTheWrongNumberIsRefusedNamingTheStep() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> loop(new Calls(), true, QUERY - 1).run(pool(), 1, s -> {}));
    assertTrue(e.getMessage().contains("picked 4 examples at step 0") && e.getMessage().contains("expected exactly 5"),
        e.getMessage());
  }

  @Test
  void aPoolTooSmallForThePlanIsRefusedBeforeAnyTraining() {
    Calls calls = new Calls();
    ActivePool small = ActivePool.draw(LABELS, CLASSES, INITIAL + STEPS * QUERY - 1, INITIAL, 3);
    InvalidTrainingArgumentException e = assertThrows(InvalidTrainingArgumentException.class,
        () -> loop(calls, true, QUERY).run(small, 1, s -> {}));
    assertTrue(e.getMessage().contains("15 unlabelled"), e.getMessage());
    assertEquals(List.of(), calls.log, "nothing trained");
  }

  static int[] counts(int[] positions, ActivePool pool) {
    int[] c = new int[CLASSES];
    for (int p : positions) {
      c[pool.labelOf(p)]++;
    }
    return c;
  }
}
