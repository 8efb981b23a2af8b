package org.mcposterior.heuristics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mcposterior.testsupport.HeuristicsFixtures.MOMENTS_TOLERANCE;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.Moments;
import org.mcposterior.stats.MomentsAccumulator;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.MomentsCodec;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.testsupport.HeuristicsFixtures;

/**
 * DESIGN.md invariant 5: the five moment heuristics from moments merged over any split of the
 * iterations into shards, in any grouping, equal the same heuristics on the full samples to
 * 1e-9, and both equal an independent reference (baal's formulas) to 1e-9.
 */
class MomentsVersusSamplesTest {
  private static final int[][] SHAPES = {{2}, {3}, {10}, {3, 4}, {2, 2, 3}};

  private static List<MomentHeuristic> heuristics() {
    return List.of(new Bald(), new Entropy(), new Variance(), new Margin(), new Certainty());
  }

  @Test
  void mergedShardsInRandomGroupingsEqualTheFullSamples() {
    SplittableRandom r = new SplittableRandom(424242);
    for (int trial = 0; trial < 60; trial++) {
      int[] shape = SHAPES[r.nextInt(SHAPES.length)];
      int t = 1 + r.nextInt(40);
      Samples s = HeuristicsFixtures.random(r.nextLong(), 1 + r.nextInt(8), shape, t, 0.5 + 3 * r.nextDouble(),
          r.nextBoolean());
      int[] cuts = t == 1 ? new int[] {0, 1} : HeuristicsFixtures.randomCuts(r, t);
      List<MomentsBatch> parts = new ArrayList<>();
      for (int i = 0; i + 1 < cuts.length; i++) {
        parts.add(MomentsBatch.of(s.iterationRange(cuts[i], cuts[i + 1]), Probabilities.AUTO));
      }
      while (parts.size() > 1) { // random grouping and order
        int i = r.nextInt(parts.size());
        int j = r.nextInt(parts.size() - 1);
        j += j >= i ? 1 : 0;
        parts.get(i).combine(parts.get(j));
        parts.remove(j);
      }
      MomentsBatch merged = parts.get(0);
      for (MomentHeuristic h : heuristics()) {
        double[] fromSamples = h.scores(s);
        double[] fromMoments = h.scores(merged);
        for (int n = 0; n < fromSamples.length; n++) {
          assertEquals(fromSamples[n], fromMoments[n], MOMENTS_TOLERANCE, h.name() + " trial " + trial + " example " + n);
        }
      }
    }
  }

  @Test
  void perExampleAccumulatorsThroughBytesEqualTheFullSamples() {
    // The Spark path: per-shard moments of each example, to bytes, merged by key in shard order.
    SplittableRandom r = new SplittableRandom(77);
    for (int trial = 0; trial < 20; trial++) {
      int[] shape = SHAPES[r.nextInt(SHAPES.length)];
      int t = 2 + r.nextInt(30);
      Samples s = HeuristicsFixtures.random(r.nextLong(), 4, shape, t, 2, r.nextBoolean());
      int[] cuts = HeuristicsFixtures.randomCuts(r, t);
      PosteriorScores whole = PosteriorScores.of(s, Probabilities.AUTO, Reduction.MEAN);
      for (int n = 0; n < 4; n++) {
        MomentsAccumulator acc = MomentsAccumulator.empty(shape);
        for (int i = 0; i + 1 < cuts.length; i++) {
          Moments shard = MomentsBatch.of(s.iterationRange(cuts[i], cuts[i + 1]), Probabilities.AUTO).example(n);
          acc.combine(MomentsCodec.decodeMoments(MomentsCodec.encode(shard)));
        }
        PosteriorScores merged = PosteriorScores.of(acc.get(), Reduction.MEAN);
        assertEquals(whole.bald(n), merged.bald(0), MOMENTS_TOLERANCE);
        assertEquals(whole.entropy(n), merged.entropy(0), MOMENTS_TOLERANCE);
        assertEquals(whole.variance(n), merged.variance(0), MOMENTS_TOLERANCE);
        assertEquals(whole.margin(n), merged.margin(0), MOMENTS_TOLERANCE);
        assertEquals(whole.certainty(n), merged.certainty(0), MOMENTS_TOLERANCE);
        assertEquals(whole.predictedClass(n), merged.predictedClass(0));
        for (MomentHeuristic h : heuristics()) {
          assertEquals(h.scores(s)[n], h.score(acc.get()), MOMENTS_TOLERANCE, h.name());
        }
      }
    }
  }

  @Test
  void samplesPathEqualsTheReferenceFormulas() {
    SplittableRandom r = new SplittableRandom(99);
    for (int trial = 0; trial < 40; trial++) {
      int[] shape = SHAPES[r.nextInt(SHAPES.length)];
      Samples s = HeuristicsFixtures.random(r.nextLong(), 5, shape, 1 + r.nextInt(25), 3 * r.nextDouble(),
          r.nextBoolean());
      double[] bald = new Bald().scores(s);
      double[] entropy = new Entropy().scores(s);
      double[] variance = new Variance().scores(s);
      double[] margin = new Margin().scores(s);
      double[] certainty = new Certainty().scores(s);
      for (int n = 0; n < 5; n++) {
        double[] refBald = HeuristicsFixtures.referenceBald(s, n);
        for (int i = 0; i < refBald.length; i++) {
          refBald[i] = Math.max(0, refBald[i]);
        }
        assertEquals(HeuristicsFixtures.mean(refBald), bald[n], MOMENTS_TOLERANCE, "bald");
        assertEquals(HeuristicsFixtures.mean(HeuristicsFixtures.referenceEntropy(s, n)), entropy[n], MOMENTS_TOLERANCE);
        double[][] var = HeuristicsFixtures.referenceVariance(s, n);
        double sum = 0;
        for (double[] cls : var) {
          for (double v : cls) {
            sum += v;
          }
        }
        assertEquals(sum / (var.length * var[0].length), variance[n], MOMENTS_TOLERANCE, "variance");
        assertEquals(HeuristicsFixtures.mean(HeuristicsFixtures.referenceMargin(s, n)), margin[n], MOMENTS_TOLERANCE);
        assertEquals(HeuristicsFixtures.mean(HeuristicsFixtures.referenceCertainty(s, n)), certainty[n],
            MOMENTS_TOLERANCE);
      }
    }
  }
}
