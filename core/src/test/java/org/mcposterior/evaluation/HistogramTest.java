package org.mcposterior.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Histogram bins and the coverage curve against counts made by hand. */
class HistogramTest {

  @Test
  void binCountsByHand() {
    Histogram h = Histogram.of(new double[] {0, 0.1, 0.25, 0.5, 0.99, 1.0, Double.NaN, 1.5, -0.1}, 4, 0, 1);
    assertArrayEquals(new long[] {2, 1, 1, 2}, h.counts()); // 1.0 joins the last bin
    assertEquals(6, h.total());
    assertEquals(1, h.nan());
    assertEquals(2, h.outOfRange());
    assertEquals(0.5, h.edge(2), 0);
    assertEquals(1.0, h.edge(4), 0);
    // centres 0.125, 0.375, 0.625, 0.875 weighted 2, 1, 1, 2
    assertEquals((2 * 0.125 + 0.375 + 0.625 + 2 * 0.875) / 6, h.mean(), 1e-15);
  }

  @Test
  void rangeFromTheData() {
    Histogram h = Histogram.of(new double[] {1, 2, 3, 4, 5}, 2);
    assertEquals(1, h.lower(), 0);
    assertEquals(5, h.upper(), 0);
    assertArrayEquals(new long[] {2, 3}, h.counts()); // [1, 3) and [3, 5]
    Histogram constant = Histogram.of(new double[] {3, 3, 3}, 50);
    assertEquals(2.5, constant.lower(), 0);
    assertEquals(3.5, constant.upper(), 0);
    assertEquals(3, constant.count(25));
    assertEquals(3.01, constant.mean(), 1e-12); // bin 25 = [3.00, 3.02), centre 3.01
    Histogram none = Histogram.of(new double[] {Double.NaN}, 3);
    assertEquals(0, none.total());
    assertTrue(Double.isNaN(none.mean()));
  }

  @Test
  void mergingIsExactAndChecked() {
    HistogramAccumulator a = new HistogramAccumulator(4, 0, 1).add(0.1).add(0.6);
    HistogramAccumulator b = new HistogramAccumulator(4, 0, 1).add(0.9).add(Double.NaN);
    assertArrayEquals(new long[] {1, 0, 1, 1}, a.combine(b).result().counts());
    assertEquals(1, a.result().nan());
    assertArrayEquals(new long[] {0, 0, 0, 1}, b.result().counts()); // other unchanged
    assertThrows(InvalidEvaluationInputException.class, () -> a.combine(a));
    assertThrows(InvalidEvaluationInputException.class, () -> a.combine(new HistogramAccumulator(4, 0, 2)));
    assertThrows(InvalidEvaluationInputException.class, () -> new HistogramAccumulator(0, 0, 1));
    assertThrows(InvalidEvaluationInputException.class, () -> new HistogramAccumulator(2, 1, 1));
    assertTrue(new HistogramAccumulator(3, 0, 1).isEmpty());
  }

  @Test
  void coverageCurveByHand() {
    CoverageAccumulator acc = new CoverageAccumulator(4, 0, 1);
    double[] u = {0.1, 0.2, 0.3, 0.4, 0.9};
    boolean[] right = {true, true, false, true, false};
    for (int i = 0; i < u.length; i++) {
      acc.add(u[i], right[i]);
    }
    List<CoveragePoint> curve = acc.result();
    // bins [0, .25): 0.1, 0.2 both right; [.25, .5): 0.3 wrong, 0.4 right; [.5, .75) empty; [.75, 1]: 0.9 wrong
    assertEquals(List.of(new CoveragePoint(0.25, 2, 0.4, 1.0), new CoveragePoint(0.5, 4, 0.8, 0.75),
        new CoveragePoint(1.0, 5, 1.0, 0.6)), curve);
    assertThrows(InvalidEvaluationInputException.class, () -> acc.add(1.2, true));
    assertThrows(InvalidEvaluationInputException.class, () -> acc.add(Double.NaN, true));
    // the same from the data's own range [0.1, 0.9] with 2 bins: [0.1, 0.5) holds 4 examples, 3 right
    List<CoveragePoint> c2 = CoverageAccumulator.curve(u, right, 2);
    assertEquals(2, c2.size());
    assertEquals(4, c2.get(0).kept());
    assertEquals(0.75, c2.get(0).accuracy(), 0);
    assertEquals(0.6, c2.get(1).accuracy(), 1e-15);
    assertEquals(1.0, c2.get(1).coverage(), 0);
  }
}
