package org.mcposterior.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CurveSummaryTest {
  @Test
  void meanAndSampleSdByHand() {
    // at 20 labels: 0.5, 0.6, 0.7 -> mean 0.6, sd sqrt((0.01 + 0 + 0.01) / 2) = 0.1
    CurveSummary c = CurveSummary.of(new int[] {20, 40}, List.of(new double[] {0.5, 0.8}, new double[] {0.6, 0.8},
        new double[] {0.7, 0.8}));
    assertEquals(0.6, c.mean()[0], 1e-12);
    assertEquals(0.1, c.sd()[0], 1e-12);
    assertEquals(0.8, c.mean()[1], 1e-12);
    assertEquals(0.0, c.sd()[1], 1e-12);
    assertEquals(0.8, c.last(), 1e-12);
    assertArrayEquals(new int[] {3, 3}, c.seeds());
  }

  @Test
  void oneSeedHasSdZeroAndNaNsAreSkipped() {
    CurveSummary c = CurveSummary.of(new int[] {1}, List.of(new double[] {0.25}, new double[] {Double.NaN}));
    assertEquals(0.25, c.mean()[0]);
    assertEquals(0.0, c.sd()[0]);
    assertEquals(1, c.seeds()[0]);
  }

  @Test
  void labelsToReachIsTheFirstBudgetWhoseMeanGetsThere() {
    CurveSummary c = CurveSummary.of(new int[] {20, 40, 60}, List.of(new double[] {0.5, 0.7, 0.75}));
    assertEquals(40, c.labelsToReach(0.7));
    assertEquals(20, c.labelsToReach(0.1));
    assertEquals(-1, c.labelsToReach(0.9));
  }

  @Test
  void refusesMismatchedCurves() {
    assertThrows(InvalidTrainingArgumentException.class, () -> CurveSummary.of(new int[] {1, 2}, List.of()));
    assertThrows(InvalidTrainingArgumentException.class, () -> CurveSummary.of(new int[] {1, 2},
        List.of(new double[] {1})));
  }
}
