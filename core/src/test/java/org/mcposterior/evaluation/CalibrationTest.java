package org.mcposterior.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Calibration against values computed by hand. */
class CalibrationTest {

  // conf 0.9 (bin 4, right), 0.7 (bin 3, wrong), 0.4 (bin 2, right), 0.85 (bin 4, right); 5 bins
  static final double[][] P = {{0.9, 0.05, 0.05}, {0.7, 0.2, 0.1}, {0.3, 0.3, 0.4}, {0.1, 0.85, 0.05}};
  static final int[] Y = {0, 1, 2, 1};

  @Test
  void eceAccuracyAndNllByHand() {
    Calibration c = Calibration.of(P, Y, 5);
    assertEquals(4, c.count());
    assertEquals(0.75, c.accuracy(), 1e-15);
    // bin 4: n 2, conf 0.875, acc 1 -> 0.125; bin 3: n 1, conf 0.7, acc 0 -> 0.7; bin 2: 0.4 vs 1 -> 0.6
    // ECE = 2/4 * 0.125 + 1/4 * 0.7 + 1/4 * 0.6 = 0.3875
    assertEquals(0.3875, c.ece(), 1e-12);
    // -(ln 0.9 + ln 0.2 + ln 0.4 + ln 0.85) / 4
    assertEquals(0.6984020223659642, c.nll(), 1e-12);
    assertEquals(5, c.bins().size());
    ReliabilityBin b4 = c.bins().get(4);
    assertEquals(2, b4.count());
    assertEquals(0.875, b4.meanConfidence(), 1e-12);
    assertEquals(1.0, b4.accuracy(), 0);
    assertEquals(0.8, b4.lower(), 1e-15);
    assertEquals(1.0, b4.upper(), 1e-15);
    assertEquals(0, c.bins().get(0).count());
    assertTrue(Double.isNaN(c.bins().get(0).accuracy()));
    assertEquals(0.0, c.bins().get(0).gap(), 0);
    assertEquals(0.7, c.bins().get(3).gap(), 1e-12);
  }

  @Test
  void tiesPredictTheFirstClassAndConfidenceOneIsInTheLastBin() {
    Calibration c = Calibration.of(new double[][] {{0.5, 0.5}, {1.0, 0.0}}, new int[] {1, 0}, 4);
    assertEquals(0.5, c.accuracy(), 0);
    assertEquals(1, c.bins().get(2).count()); // 0.5 -> floor(2.0) = 2
    assertEquals(1, c.bins().get(3).count()); // 1.0 -> last bin
    // gaps: bin 2 |0 - 0.5|, bin 3 |1 - 1| -> ECE 0.25
    assertEquals(0.25, c.ece(), 1e-15);
  }

  @Test
  void aZeroProbabilityOnTheLabelIsClampedNotInfinite() {
    Calibration c = Calibration.of(new double[][] {{1.0, 0.0}}, new int[] {1});
    assertEquals(34.538776394910684, c.nll(), 1e-9); // -ln(1e-15)
    assertEquals(0.0, c.accuracy(), 0);
    assertEquals(1.0, c.ece(), 1e-15);
  }

  @Test
  void splitAndCombinedEqualsAllAtOnce() {
    CalibrationAccumulator a = new CalibrationAccumulator(5);
    CalibrationAccumulator b = new CalibrationAccumulator(5);
    a.add(P[0], Y[0]).add(P[3], Y[3]);
    b.add(P[1], Y[1]).add(P[2], Y[2]);
    Calibration merged = a.combine(b).combine(new CalibrationAccumulator(5)).result();
    Calibration whole = Calibration.of(P, Y, 5);
    assertEquals(whole.ece(), merged.ece(), 1e-15);
    assertEquals(whole.nll(), merged.nll(), 1e-15);
    assertEquals(whole.accuracy(), merged.accuracy(), 0);
    assertEquals(whole.bins(), merged.bins());
  }

  @Test
  void emptyIsNaNAndBadInputIsRefused() {
    Calibration empty = new CalibrationAccumulator(3).result();
    assertEquals(0, empty.count());
    assertTrue(Double.isNaN(empty.ece()) && Double.isNaN(empty.nll()) && Double.isNaN(empty.accuracy()));
    assertThrows(InvalidEvaluationInputException.class, () -> Calibration.of(P, new int[] {0, 1, 2}));
    assertThrows(InvalidEvaluationInputException.class, () -> Calibration.of(P, new int[] {0, 1, 3, 1}));
    assertThrows(InvalidEvaluationInputException.class,
        () -> Calibration.of(new double[][] {{0.5, 0.5}, {0.2, 0.3, 0.5}}, new int[] {0, 1}));
    assertThrows(InvalidEvaluationInputException.class,
        () -> Calibration.of(new double[][] {{Double.NaN, 0.5}}, new int[] {0}));
    assertThrows(InvalidEvaluationInputException.class, () -> new CalibrationAccumulator(0));
    CalibrationAccumulator acc = new CalibrationAccumulator(3);
    assertThrows(InvalidEvaluationInputException.class, () -> acc.combine(acc));
    assertThrows(InvalidEvaluationInputException.class, () -> acc.combine(new CalibrationAccumulator(4)));
  }
}
