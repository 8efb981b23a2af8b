package org.mcposterior.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each kind's view of raw samples, and the moments taken from it, on values written by hand. */
class OutputViewTest {

  @Test
  void detectionKeepsTheClassChannelsOfEveryBoxInYoloUtilsLayout() {
    // One example, 2 boxes x (5 + 2 classes) = 14 channels, a 1 x 2 grid, T = 1: value = channel * 10 + cell.
    int boxes = 2, classes = 2, cells = 2;
    float[] raw = new float[14 * cells];
    for (int ch = 0; ch < 14; ch++) {
      for (int cell = 0; cell < cells; cell++) {
        raw[ch * cells + cell] = ch * 10 + cell;
      }
    }
    OutputView v = OutputView.detection(new int[] {14, 1, 2}, boxes, "test");
    assertArrayEquals(new int[] {classes, boxes, 1, 2}, v.scoredShape());
    Samples s = v.apply(Samples.of(raw, 1, 14, 1, 2, 1));
    assertArrayEquals(new int[] {1, classes, boxes, 1, 2, 1}, s.shape());
    // (class c, box b, cell) is channel b * 7 + 5 + c.
    for (int c = 0; c < classes; c++) {
      for (int b = 0; b < boxes; b++) {
        for (int cell = 0; cell < cells; cell++) {
          assertEquals((b * 7 + 5 + c) * 10 + cell, s.getAt(0, c, b, 0, cell, 0), 0f, c + " " + b + " " + cell);
        }
      }
    }
    assertEquals(Probabilities.GIVEN, v.probabilities(Probabilities.LOGITS), "YoloUtils already softmaxed them");
  }

  @Test
  void multiLabelAndOneChannelMapsAreTwoClassesPerValue() {
    float[] raw = {0.2f, 0.4f, 0.9f, 0.7f}; // 2 labels x T = 2
    Samples s = OutputView.of(OutputKind.MULTI_LABEL, new int[] {2}, "test").apply(Samples.of(raw, 1, 2, 2));
    assertArrayEquals(new int[] {1, 2, 2, 2}, s.shape());
    assertArrayEquals(new float[] {0.8f, 0.6f, 0.1f, 0.3f, 0.2f, 0.4f, 0.9f, 0.7f}, s.toFloatArray(), 1e-7f);
    Samples m = OutputView.of(OutputKind.PER_POSITION, new int[] {1, 2}, "test").apply(Samples.of(raw, 1, 1, 2, 2));
    assertArrayEquals(new int[] {1, 2, 2, 2}, m.shape());
    assertArrayEquals(s.toFloatArray(), m.toFloatArray());
    // Not probabilities: refused, never squashed.
    assertThrows(InvalidSamplesException.class, () -> OutputView.of(OutputKind.MULTI_LABEL, new int[] {2}, "test")
        .apply(Samples.of(new float[] {0.5f, 1.5f, 0.2f, 0.2f}, 1, 2, 2)));
  }

  @Test
  void regressionMomentsAreOfThePlainValues() {
    float[] raw = {-3f, 5f, 100f, 102f}; // 2 outputs x T = 2
    OutputView v = OutputView.of(OutputKind.REGRESSION, new int[] {2}, "test");
    Samples s = v.apply(Samples.of(raw, 1, 2, 2));
    MomentsBatch b = v.moments(s, Probabilities.AUTO);
    assertEquals(2.0, b.sum(0, 0), 0.0);
    assertEquals(9.0 + 25.0, b.sumOfSquares(0, 0), 0.0);
    assertEquals(202.0, b.sum(0, 1), 0.0);
    assertEquals(0.0, b.sumPLogP(0, 0), 0.0);
    assertThrows(InvalidSamplesException.class, () -> v.moments(v.apply(Samples.of(new float[] {1f, Float.NaN, 0f, 0f},
        1, 2, 2)), Probabilities.AUTO));
    // The class-probability paths refuse a one-class shape rather than softmax it to 1.
    assertThrows(InvalidSamplesException.class, () -> MomentsBatch.of(s, Probabilities.AUTO));
  }

  @Test
  void aShapeTheKindCannotReadIsRefused() {
    OutputKindException e = assertThrows(OutputKindException.class,
        () -> OutputView.detection(new int[] {13, 2, 2}, 2, "layer y"));
    assertTrue(e.getMessage().contains("layer y") && e.getMessage().contains("[13, 2, 2]"), e.getMessage());
    assertThrows(OutputKindException.class, () -> OutputView.of(OutputKind.PER_POSITION, new int[] {4}, "x"));
    assertThrows(OutputKindException.class, () -> OutputView.of(OutputKind.CLASSES, new int[] {1}, "x"));
    assertThrows(InvalidSamplesException.class, () -> OutputView.of(OutputKind.CLASSES, new int[] {3}, "x")
        .apply(Samples.of(new float[8], 1, 4, 2)));
  }
  @Test
  void classProbabilitiesApplyTheTwoClassRuleBeforeTheRequestedConversion() {
    // A single sigmoid, 2 examples, T = 1: [1 - p, p] as given, even when logits are asked for.
    OutputView binary = OutputView.of(OutputKind.BINARY, new int[] {1}, "test");
    Samples b = binary.classProbabilities(Samples.of(new float[] {0.25f, 0.9f}, 2, 1, 1), Probabilities.LOGITS);
    assertArrayEquals(new int[] {2, 2, 1}, b.shape());
    assertArrayEquals(new float[] {0.75f, 0.25f, 0.1f, 0.9f}, b.toFloatArray(), 1e-7f);
    // A class distribution of logits [0, ln 3]: softmax [1/4, 3/4], and the raw samples stay as they were.
    OutputView classes = OutputView.of(OutputKind.CLASSES, new int[] {2}, "test");
    Samples raw = Samples.of(new float[] {0f, (float) Math.log(3)}, 1, 2, 1);
    Samples c = classes.classProbabilities(raw, Probabilities.LOGITS);
    assertArrayEquals(new float[] {0.25f, 0.75f}, c.toFloatArray(), 1e-6f);
    assertArrayEquals(new float[] {0f, (float) Math.log(3)}, raw.toFloatArray(), "the input is not changed");
    // Regression holds values, not probabilities.
    OutputView regression = OutputView.of(OutputKind.REGRESSION, new int[] {2}, "test");
    assertThrows(OutputKindException.class, () -> regression.classProbabilities(raw, Probabilities.AUTO));
  }

  @Test
  void thePredictedClassIsTheLargestProbabilityTheLowerOnTies() {
    OutputView classes = OutputView.of(OutputKind.CLASSES, new int[] {3}, "test");
    assertEquals(1, classes.predictedClass(new double[] {0.2, 0.5, 0.3}));
    assertEquals(0, classes.predictedClass(new double[] {0.4, 0.4, 0.2}));
    assertEquals(1, OutputView.of(OutputKind.BINARY, new int[] {1}, "test").predictedClass(new double[] {0.3, 0.7}));
    assertThrows(OutputKindException.class, () -> OutputView.of(OutputKind.MULTI_LABEL, new int[] {2}, "test")
        .predictedClass(new double[] {0.5, 0.5, 0.5, 0.5}));
    assertThrows(IllegalArgumentException.class, () -> classes.predictedClass(new double[] {1.0}));
  }
}
