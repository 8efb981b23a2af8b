package org.mcposterior.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.OutputKindException;
import org.mcposterior.stats.Probabilities;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The deterministic network's predictions against DL4J's own output, per output kind and with sequence masks. */
class DeterministicPredictorTest {

  static List<float[]> rows(long seed, int n, int width) {
    SplittableRandom r = new SplittableRandom(seed);
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[width];
      for (int j = 0; j < width; j++) {
        x[j] = (float) r.nextDouble(-1, 1);
      }
      rows.add(x);
    }
    return rows;
  }

  /** DL4J's deterministic output of one row (shape [1, dims...]), flat. */
  static float[] dl4j(MultiLayerNetwork net, float[] x, long[] dims) {
    return net.output(Nd4j.create(x, dims, 'c'), false).dup('c').data().asFloat();
  }

  @Test
  void aClassDistributionIsDl4jsOutputAndItsArgmax() {
    MultiLayerNetwork net = Networks.tabularMlp(5);
    List<float[]> rows = rows(1, 9, 12);
    DeterministicPredictor p = DeterministicPredictor.of(Network.of(net), new int[] {12}, null, Probabilities.AUTO);
    double[][] probs = p.probabilities(rows);
    assertEquals(OutputKind.CLASSES, p.view().kind());
    for (int i = 0; i < rows.size(); i++) {
      float[] expected = dl4j(net, rows.get(i), new long[] {1, 12});
      assertEquals(4, probs[i].length);
      int argmax = 0;
      for (int c = 0; c < 4; c++) {
        assertEquals(expected[c], probs[i][c], 1e-6, "row " + i + " class " + c);
        argmax = expected[c] > expected[argmax] ? c : argmax;
      }
      assertEquals(argmax, p.predictedClass(probs[i]), "row " + i);
    }
  }

  @Test
  void aSingleSigmoidIsTwoClassesEvenWhenLogitsAreAskedFor() {
    MultiLayerNetwork net = Networks.denseOutput(3, 1, Activation.SIGMOID, LossFunctions.LossFunction.XENT);
    List<float[]> rows = rows(2, 6, 6);
    DeterministicPredictor p = DeterministicPredictor.of(Network.of(net), new int[] {6}, null, Probabilities.LOGITS);
    double[][] probs = p.probabilities(rows);
    assertEquals(OutputKind.BINARY, p.view().kind());
    for (int i = 0; i < rows.size(); i++) {
      float q = dl4j(net, rows.get(i), new long[] {1, 6})[0];
      // [1 - p, p], not softmax([1 - p, p]): the two-class view is probabilities as given.
      assertArrayEquals(new double[] {1f - q, q}, probs[i], 1e-7, "row " + i);
      assertEquals(q > 0.5f ? 1 : 0, p.predictedClass(probs[i]));
    }
  }

  @Test
  void shorterSequencesArePaddedAndMaskedAndFullOnesRunAsTheyAre() {
    MultiLayerNetwork net = Networks.lstm(4, RNNFormat.NCW); // input [3 features, 7 steps]
    SplittableRandom r = new SplittableRandom(9);
    float[] full = new float[21];
    float[] four = new float[12]; // NCW, 4 steps: feature f at step t is four[f * 4 + t]
    for (int j = 0; j < full.length; j++) {
      full[j] = (float) r.nextDouble(-1, 1);
    }
    for (int j = 0; j < four.length; j++) {
      four[j] = (float) r.nextDouble(-1, 1);
    }
    DeterministicPredictor p = DeterministicPredictor.of(Network.of(net), new int[] {3, 7}, null, Probabilities.AUTO);
    double[][] probs = p.probabilities(List.of(four, full));

    float[] padded = new float[21];
    for (int f = 0; f < 3; f++) {
      for (int t = 0; t < 4; t++) {
        padded[f * 7 + t] = four[f * 4 + t];
      }
    }
    INDArray mask = Nd4j.create(new float[] {1, 1, 1, 1, 0, 0, 0}, new long[] {1, 7}, 'c');
    float[] masked = net.output(Nd4j.create(padded, new long[] {1, 3, 7}, 'c'), false, mask, null).dup('c').data()
        .asFloat();
    float[] unmasked = dl4j(net, full, new long[] {1, 3, 7});
    for (int c = 0; c < 4; c++) {
      assertEquals(masked[c], probs[0][c], 1e-6, "the shorter row, class " + c);
      assertEquals(unmasked[c], probs[1][c], 1e-6, "the full row, class " + c);
    }
    float[] unmaskedPadding = dl4j(net, padded, new long[] {1, 3, 7});
    boolean differs = false;
    for (int c = 0; c < 4; c++) {
      differs |= Math.abs(unmaskedPadding[c] - probs[0][c]) > 1e-4;
    }
    assertTrue(differs, "the mask matters: the padded row without it gives other probabilities");
    assertThrows(InputShapeException.class, () -> p.probabilities(List.of(new float[13])),
        "13 values are no whole number of 3-feature steps");
  }

  @Test
  void aRegressionOutputHasNoClassProbabilities() {
    MultiLayerNetwork net = Networks.denseOutput(5, 2, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
    DeterministicPredictor p = DeterministicPredictor.of(Network.of(net), new int[] {6}, null, Probabilities.AUTO);
    OutputKindException e = assertThrows(OutputKindException.class, () -> p.probabilities(rows(3, 2, 6)));
    assertTrue(e.getMessage().contains("regression"), e.getMessage());
  }
}
