package org.mcposterior.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.heuristics.Reduction;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.OutputView;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.stats.Samples;

/**
 * The rule for shorter sequences (issue 17): padded with zeros at the end of time in the network's
 * layout, masked 1 on the real steps; only a per-time-step output has positions in time, and scores
 * reduce over the kept positions only (hand-computed values).
 */
class SequenceLayoutTest {

  @Test
  void shorterSequencesArePaddedAtTheEndOfTimeInEitherLayout() {
    float[] dst = new float[10];
    Arrays.fill(dst, 9);
    new SequenceLayout(4, 2, true).pad(new float[] {1, 2, 3, 4}, dst, 1);
    assertArrayEquals(new float[] {9, 1, 2, 3, 4, 0, 0, 0, 0, 9}, dst, "NWC: [time, features], steps 2 and 3 zero");
    Arrays.fill(dst, 9);
    new SequenceLayout(4, 2, false).pad(new float[] {1, 2, 3, 4, 5, 6}, dst, 0);
    assertArrayEquals(new float[] {1, 2, 3, 0, 4, 5, 6, 0, 9, 9}, dst, "NCW: [features, time], step 3 zero per feature");
    float[] mask = new float[6];
    new SequenceLayout(4, 2, false).mask(3, mask, 1);
    assertArrayEquals(new float[] {0, 1, 1, 1, 0, 0}, mask);
    SequenceLayout q = new SequenceLayout(4, 2, true);
    assertEquals(4, q.steps(8));
    for (int bad : new int[] {0, 5, 10}) {
      assertThrows(InputShapeException.class, () -> q.steps(bad), "length " + bad);
    }
  }

  @Test
  void onlyAPerTimeStepOutputHasPositionsInTime() {
    OutputView perStep = OutputView.of(OutputKind.PER_POSITION, new int[] {3, 4}, "test");
    assertArrayEquals(new boolean[] {true, true, false, false}, perStep.realPositions(2, 4));
    assertNull(perStep.realPositions(4, 4), "every step real");
    OutputView labels = OutputView.of(OutputKind.MULTI_LABEL, new int[] {2, 4}, "test");
    assertArrayEquals(new boolean[] {true, true, false, false, true, true, false, false}, labels.realPositions(2, 4),
        "position c * T + t");
    assertNull(OutputView.of(OutputKind.CLASSES, new int[] {3}, "test").realPositions(2, 4), "a vector has no time");
    assertThrows(IllegalArgumentException.class, () -> perStep.realPositions(0, 4));
  }

  /** Two classes, three positions, two iterations; position 1 left out: SUM, MEAN and MAX over positions 0 and 2. */
  @Test
  void scoresReduceOverTheKeptPositionsOnly() {
    // [n=1, c=2, p=3, t=2]: class 1 probabilities per position and iteration, class 0 = 1 - that
    double[][] p1 = {{0.2, 0.4}, {0.5, 0.5}, {0.9, 0.7}};
    float[] data = new float[12];
    for (int p = 0; p < 3; p++) {
      for (int t = 0; t < 2; t++) {
        data[(3 + p) * 2 + t] = (float) p1[p][t];
        data[p * 2 + t] = 1 - (float) p1[p][t];
      }
    }
    MomentsBatch m = MomentsBatch.of(Samples.of(data, 1, 2, 3, 2), Probabilities.GIVEN);
    boolean[][] keep = {{true, false, true}};
    double[] entropy = new double[3];
    for (int p = 0; p < 3; p++) {
      double q = ((float) p1[p][0] + (double) (float) p1[p][1]) / 2;
      double q0 = ((1 - (float) p1[p][0]) + (double) (1 - (float) p1[p][1])) / 2;
      entropy[p] = -q * Math.log(q) - q0 * Math.log(q0);
    }
    assertEquals(entropy[0] + entropy[2], PosteriorScores.of(m, Reduction.SUM, keep).entropy(0), 1e-9);
    assertEquals((entropy[0] + entropy[2]) / 2, PosteriorScores.of(m, Reduction.MEAN, keep).entropy(0), 1e-9);
    assertEquals(Math.max(entropy[0], entropy[2]), PosteriorScores.of(m, Reduction.MAX, keep).entropy(0), 1e-9);
    assertEquals(entropy[0] + entropy[1] + entropy[2], PosteriorScores.of(m, Reduction.SUM, null).entropy(0), 1e-9);
    assertThrows(RuntimeException.class, () -> PosteriorScores.of(m, Reduction.SUM, new boolean[][] {{true, false}}));
  }
}
