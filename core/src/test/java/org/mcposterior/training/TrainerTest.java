package org.mcposterior.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.stochastic.StochasticNetwork;
import org.nd4j.linalg.learning.config.Adam;

class TrainerTest {
  static final TrainingSettings SMALL = new TrainingSettings(1e-3, 5e-4, 2, 8, 6);

  /** 40 examples of the reference MLP's 784 inputs: class c lights up pixels [c * 78, c * 78 + 78). */
  static float[][] x(int n) {
    SplittableRandom r = new SplittableRandom(11);
    float[][] x = new float[n][784];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 784; j++) {
        x[i][j] = (float) (0.1 * r.nextDouble() + ((j / 78) == i % 10 ? 0.9 : 0));
      }
    }
    return x;
  }

  static int[] y(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 10;
    }
    return y;
  }

  @Test
  void minibatchCountIsEpochsOrTheMinimum() {
    TrainingSettings d = TrainingSettings.defaults();
    assertEquals(300, d.minibatches(20), "20 labels: 50 epochs of 1 minibatch, raised to 300");
    assertEquals(350, d.minibatches(220), "220 labels: 50 x ceil(220 / 32) = 350");
    assertEquals(1600, d.minibatches(1020), "1,020 labels: 50 x 32");
    assertThrows(InvalidTrainingArgumentException.class, () -> d.minibatches(0));
    assertThrows(InvalidTrainingArgumentException.class, () -> new TrainingSettings(0, 0, 1, 1, 0));
    assertThrows(InvalidTrainingArgumentException.class, () -> new TrainingSettings(1e-3, -1, 1, 1, 0));
  }

  @Test
  void everyRunStartsFromTheSameWeightsAndARerunIsBitwiseEqual() {
    Trainer t = Trainer.of(ReferenceNetworks.mlp(5), SMALL, Double.NaN);
    float[] initial = t.initialWeights();
    assertArrayEquals(ReferenceNetworks.mlp(5).params().toFloatVector(), initial);
    Trainer.Trained a = t.train(x(40), y(40), 9);
    Trainer.Trained b = t.train(x(40), y(40), 9);
    Trainer.Trained c = t.train(x(20), y(20), 9);
    assertEquals(SMALL.minibatches(40), a.minibatches());
    long start = Trainer.fingerprint(initial);
    assertEquals(start, a.startFingerprint());
    assertEquals(start, b.startFingerprint());
    assertEquals(start, c.startFingerprint(), "a different labelled set starts from the same weights too");
    assertArrayEquals(a.network().params().toFloatVector(), b.network().params().toFloatVector(), "rerun differs");
    assertFalse(java.util.Arrays.equals(initial, a.network().params().toFloatVector()), "training changed nothing");
    assertArrayEquals(initial, t.initialWeights(), "training must not touch the initial weights");
    Trainer.Trained d = t.train(x(40), y(40), 10);
    assertFalse(java.util.Arrays.equals(a.network().params().toFloatVector(), d.network().params().toFloatVector()),
        "another seed gives another minibatch order and other dropout masks");
  }

  @Test
  void adamAndL2AreConfiguredAndTrainingFitsASeparableSet() {
    Trainer t = Trainer.of(ReferenceNetworks.mlp(2), new TrainingSettings(1e-3, 5e-4, 30, 10, 0), Double.NaN);
    MultiLayerNetwork net = t.untrained();
    for (var conf : net.getLayerWiseConfigurations().getConfs()) {
      BaseLayer bl = (BaseLayer) conf.getLayer();
      assertEquals(1e-3, ((Adam) bl.getIUpdater()).getLearningRate(), 1e-12);
      assertEquals(1, bl.getRegularization().size());
      assertTrue(bl.getRegularizationBias().isEmpty(), "biases are not decayed");
    }
    Trainer.Trained tr = t.train(x(40), y(40), 1);
    double[][] p = Predictions.deterministic(tr.network(), x(40));
    int right = 0;
    for (int i = 0; i < 40; i++) {
      int best = 0;
      for (int k = 1; k < 10; k++) {
        best = p[i][k] > p[i][best] ? k : best;
      }
      right += best == i % 10 ? 1 : 0;
      double sum = 0;
      for (double v : p[i]) {
        sum += v;
      }
      assertEquals(1.0, sum, 1e-5);
    }
    assertEquals(40, right, "120 minibatches of Adam fit 40 separable examples");
  }

  @Test
  void dropConnectReplacesDropoutWithWeightNoiseOnTheDenseLayers() {
    Trainer t = Trainer.of(ReferenceNetworks.mlp(2), SMALL, 0.25);
    MultiLayerNetwork net = t.untrained();
    for (var conf : net.getLayerWiseConfigurations().getConfs()) {
      BaseLayer bl = (BaseLayer) conf.getLayer();
      assertNull(bl.getIDropout());
      assertEquals(0.75, ((DropConnect) bl.getWeightNoise()).getWeightRetainProb(), 1e-12, "DL4J takes the retain rate");
    }
    Trainer.Trained a = t.train(x(20), y(20), 3), b = t.train(x(20), y(20), 3);
    assertArrayEquals(a.network().params().toFloatVector(), b.network().params().toFloatVector());
    assertThrows(InvalidTrainingArgumentException.class, () -> Trainer.of(ReferenceNetworks.mlp(2), SMALL, 1.0));
  }

  @Test
  void mcMeanIsAProbabilityAndTendsToTheDeterministicOutputOnlyWithNoise() {
    Trainer t = Trainer.of(ReferenceNetworks.mlp(4), SMALL, Double.NaN);
    MultiLayerNetwork net = t.train(x(20), y(20), 2).network();
    double[][] det = Predictions.deterministic(net, x(10));
    double[][] mc = Predictions.mcMean(StochasticNetwork.builder(net).mcDropout().build(), x(10), 20, 1);
    double[][] mc2 = Predictions.mcMean(StochasticNetwork.builder(net).mcDropout().build(), x(10), 20, 1);
    double diff = 0;
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(mc[i], mc2[i], "MC mean is keyed by the seed");
      double sum = 0;
      for (int k = 0; k < 10; k++) {
        sum += mc[i][k];
        diff += Math.abs(mc[i][k] - det[i][k]);
      }
      assertEquals(1.0, sum, 1e-5);
    }
    assertTrue(diff > 1e-4, "dropout must make the MC mean differ from the deterministic output");
  }
}
