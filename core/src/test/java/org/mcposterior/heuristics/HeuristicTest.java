package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stats.Samples;
import org.mcposterior.testsupport.HeuristicsFixtures;

/**
 * The registry's contract, checked for every heuristic through one parameterized test per rule
 * (as Commons Statistics' {@code BaseDoubleStatisticTest} checks every {@code Statistic}): the
 * name round-trips, the built heuristic carries it, a score column holds what the heuristic
 * scores, the priority ranks as the heuristic does, joint ones refuse independent masks, and the
 * target and output-kind rules hold.
 */
class HeuristicTest {
  private static final int N = 12;
  private static final int T = 8;
  private static final Samples POOL = HeuristicsFixtures.random(5, N, new int[] {4}, T, 2, false);
  private static final Samples TARGET = HeuristicsFixtures.random(6, 5, new int[] {4}, T, 2, false);
  private static final MaskProvenance CONSISTENT = MaskProvenance.consistent(3, T);
  private static final HeuristicOptions OPTIONS = HeuristicOptions.defaults().withSeed(11).withBeta(2)
      .withQuerySize(4).withTarget(TARGET, CONSISTENT);
  private static final PosteriorScores SCORES = PosteriorScores.of(POOL, Probabilities.AUTO, Reduction.MEAN);

  @ParameterizedTest
  @EnumSource(Heuristic.class)
  void theNameRoundTrips(Heuristic h) {
    assertTrue(h.label().matches("[a-z]+(_[a-z]+)*"), h.label());
    assertEquals(h.name().toLowerCase(Locale.ROOT), h.label(), "the constant is its label in upper case");
    assertSame(h, Heuristic.byName(h.label()));
    assertSame(h, Heuristic.byName(" " + h.label().toUpperCase(Locale.ROOT) + " "));
    assertEquals(h.label(), h.toString());
  }

  @ParameterizedTest
  @EnumSource(Heuristic.class)
  void itBuildsTheHeuristicOfItsName(Heuristic h) {
    AcquisitionHeuristic built = h.create(OPTIONS);
    assertEquals(h.label(), built.name());
    assertEquals(N, built.rank(POOL).length);
    assertEquals(3, built.select(POOL, 3).length);
  }

  @ParameterizedTest
  @EnumSource(Heuristic.class)
  void aScoreColumnHoldsWhatTheHeuristicScores(Heuristic h) {
    if (!h.hasScoreColumn()) {
      assertThrows(IllegalStateException.class, h::scoreColumn);
      assertThrows(IllegalStateException.class, () -> h.score(SCORES, 0));
      assertTrue(!Heuristic.scored().contains(h));
      return;
    }
    assertEquals(h.label(), h.scoreColumn());
    assertTrue(Heuristic.scoreColumns().contains(h.scoreColumn()));
    double[] fromSamples = h.create(HeuristicOptions.defaults()).scores(POOL);
    for (int n = 0; n < N; n++) {
      assertEquals(fromSamples[n], h.score(SCORES, n), HeuristicsFixtures.MOMENTS_TOLERANCE, h + " of example " + n);
    }
  }

  @ParameterizedTest
  @EnumSource(Heuristic.class)
  void thePriorityRanksAsTheHeuristic(Heuristic h) {
    PriorityKey key = h.priority(OPTIONS);
    double[] priority = IntStream.range(0, N).mapToDouble(n -> key.of(SCORES, n, n)).toArray();
    if (h.isJoint()) {
      // Candidates are the BALD top: the joint heuristics rank by BALD's key.
      PriorityKey bald = Heuristic.BALD.priority(OPTIONS);
      for (int n = 0; n < N; n++) {
        assertEquals(bald.of(SCORES, n, n), priority[n], h + " of example " + n);
      }
      assertEquals(Heuristic.BALD.scoreColumn(), h.candidateColumn());
      return;
    }
    assertThrows(IllegalStateException.class, h::candidateColumn);
    // Higher first, ties by the lower index: the pool ranked by the priority column is the heuristic's ranking.
    int[] byPriority = IntStream.range(0, N).boxed()
        .sorted(Comparator.comparingDouble((Integer n) -> -priority[n]).thenComparingInt(n -> n))
        .mapToInt(Integer::intValue).toArray();
    assertArrayEquals(h.create(OPTIONS).rank(POOL), byPriority, h.label());
  }

  @ParameterizedTest
  @EnumSource(Heuristic.class)
  void jointSelectionNeedsConsistentMasks(Heuristic h) {
    if (!h.isJoint()) {
      assertThrows(IllegalStateException.class, () -> h.joint(OPTIONS));
      return;
    }
    JointHeuristic j = h.joint(OPTIONS);
    assertEquals(h.label(), j.name());
    int[] seen = {0};
    int[] picked = j.select(POOL, CONSISTENT, 4, n -> seen[0] = n);
    assertEquals(4, picked.length);
    assertEquals(4, seen[0], "progress hears of every pick");
    MaskProvenance independent = new MaskProvenance(3, 0, T, false);
    assertThrows(MaskMismatchException.class, () -> j.select(POOL, independent, 4));
  }

  @ParameterizedTest
  @EnumSource(Heuristic.class)
  void onlyAHeuristicThatNeedsATargetIsRefusedWithoutOne(Heuristic h) {
    if (h.needsTarget()) {
      InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
          () -> h.create(HeuristicOptions.defaults()));
      assertTrue(e.getMessage().contains(h.label()) && e.getMessage().contains("target"), e.getMessage());
      assertTrue(h.isJoint(), "a target is compared with jointly");
    } else {
      assertEquals(h.label(), h.create(HeuristicOptions.defaults()).name());
    }
  }

  @ParameterizedTest
  @EnumSource(Heuristic.class)
  void theKindsItFitsAreTheOnesItIsAllowedFor(Heuristic h) {
    assertTrue(h.fits(OutputKind.CLASSES) && h.fits(OutputKind.BINARY), "one class distribution: all of them");
    for (OutputKind k : OutputKind.values()) {
      assertEquals(h.fits(k), Heuristic.fitting(k).contains(h), h + " on " + k);
      if (!h.fits(k)) {
        InvalidHeuristicArgumentException e = assertThrows(InvalidHeuristicArgumentException.class,
            () -> h.requireFits(k, "the output"));
        assertTrue(e.getMessage().contains("heuristic " + h.label() + " means nothing"), e.getMessage());
      }
    }
    if (h.isJoint()) {
      assertEquals(List.of(OutputKind.CLASSES, OutputKind.BINARY), List.of(OutputKind.values()).stream()
          .filter(h::fits).toList(), "joint entropies need one distribution per example");
    }
  }

  @Test
  void theScoreColumnsAreTheFiveMomentScoresInTheirWrittenOrder() {
    assertEquals(List.of("bald", "entropy", "variance", "margin", "certainty"), Heuristic.scoreColumns());
    assertEquals(List.of(Heuristic.BALD, Heuristic.ENTROPY, Heuristic.VARIANCE, Heuristic.MARGIN,
        Heuristic.CERTAINTY), Heuristic.scored());
    assertEquals(List.of(Heuristic.BALD, Heuristic.ENTROPY, Heuristic.VARIANCE, Heuristic.MARGIN,
        Heuristic.CERTAINTY, Heuristic.RANDOM, Heuristic.POWER_BALD, Heuristic.POWER_ENTROPY),
        Heuristic.fitting(OutputKind.PER_POSITION));
    assertEquals(List.of(Heuristic.BALD, Heuristic.ENTROPY, Heuristic.VARIANCE, Heuristic.RANDOM,
        Heuristic.POWER_BALD, Heuristic.POWER_ENTROPY), Heuristic.fitting(OutputKind.MULTI_LABEL));
    assertEquals(Heuristic.VARIANCE, Heuristic.uncertainty(OutputKind.REGRESSION));
    assertEquals(Heuristic.BALD, Heuristic.uncertainty(OutputKind.PER_POSITION));
  }

  @Test
  void anUnknownNameIsRefusedListingEveryName() {
    UnknownHeuristicException e = assertThrows(UnknownHeuristicException.class, () -> Heuristic.byName("power-bald"));
    assertEquals("unknown heuristic 'power-bald': expected one of bald, entropy, variance, margin, certainty, random,"
        + " batch_bald, power_bald, power_entropy, epig (snake case, case-insensitive)", e.getMessage());
    assertThrows(UnknownHeuristicException.class, () -> Heuristic.byName(null));
    assertThrows(UnknownHeuristicException.class, () -> Heuristic.byName(""));
  }
}
