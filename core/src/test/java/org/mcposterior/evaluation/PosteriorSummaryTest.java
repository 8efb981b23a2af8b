package org.mcposterior.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Mean, standard deviation and quantiles against values computed by hand. */
class PosteriorSummaryTest {

  @Test
  void byHand() {
    // sorted 1, 2, 3, 4, 10: mean 4, squared deviations 9 + 4 + 1 + 0 + 36 = 50, sd sqrt(50 / 4)
    PosteriorSummary s = PosteriorSummary.of(new float[] {99, 4, 1, 10, 3, 2}, 1, 5);
    assertEquals(5, s.count());
    assertEquals(4.0, s.mean(), 1e-12);
    assertEquals(Math.sqrt(12.5), s.sd(), 1e-12);
    assertEquals(3.0, s.median(), 0);
    assertEquals(2.0, s.q25(), 0); // h = 4 * 0.25 = 1 -> x[1]
    assertEquals(4.0, s.q75(), 0); // h = 3 -> x[3]
    assertEquals(1.1, s.q025(), 1e-12); // h = 0.1 -> 1 + 0.1 * (2 - 1)
    assertEquals(4 + 0.9 * 6, s.q975(), 1e-12); // h = 3.9 -> 4 + 0.9 * (10 - 4)
    assertEquals(Math.sqrt(12.5) / Math.sqrt(5), s.standardError(), 1e-12);
    PosteriorSummary one = PosteriorSummary.of(new float[] {7}, 0, 1);
    assertEquals(0.0, one.sd(), 0);
    assertEquals(7.0, one.q975(), 0);
    assertThrows(InvalidEvaluationInputException.class, () -> PosteriorSummary.of(new float[0], 0, 0));
  }
}
