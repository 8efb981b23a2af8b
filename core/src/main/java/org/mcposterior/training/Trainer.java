package org.mcposterior.training;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.platform.NativeGemm;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.stochastic.LayerTypes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Trains a classifier from the same initial weights every time (active learning retrains from
 * scratch at each step, so a step's model depends only on its labelled set and its seed).
 *
 * <p>Invariants: the initial weights are copied once, at construction, and never change; each
 * {@link #train} builds a fresh network from the configuration captured at construction (fresh
 * Adam state, iteration counters at 0) initialised with a copy of them. Training runs on one
 * nd4j and one BLAS thread and seeds nd4j's global random generator (training dropout and
 * DropConnect masks) with {@link ReferenceNetworks#dl4jSeed}, and the minibatch order comes from
 * a {@link SplittableRandom} of the same seed, so a rerun gives the same weights bitwise.
 *
 * <p>Not thread-safe: nd4j's random generator and thread settings are process-wide.
 */
public final class Trainer {
  private final MultiLayerConfiguration conf;
  private final float[] initial;
  private final int classes;
  private final TrainingSettings settings;
  private final double weightDrop;

  private Trainer(MultiLayerConfiguration conf, float[] initial, int classes, TrainingSettings settings, double weightDrop) {
    this.conf = conf;
    this.initial = initial;
    this.classes = classes;
    this.settings = settings;
    this.weightDrop = weightDrop;
  }

  /**
   * A trainer for {@code reference}'s architecture and initial weights, with Adam and L2 from
   * {@code settings}. With {@code weightDrop} NaN the network keeps its dropout layers (the MC
   * dropout posterior); with a drop probability {@code p} in (0, 1) every dropout is removed and
   * the weights of its dense and output layers ("Linear") are dropped with probability {@code p}
   * while training (DL4J {@code DropConnect(1 - p)}, which takes the retain probability), the
   * network the MC DropConnect posterior samples, as baal patches a model before training it.
   *
   * @throws InvalidTrainingArgumentException for a weight drop outside (0, 1)
   */
  public static Trainer of(MultiLayerNetwork reference, TrainingSettings settings, double weightDrop) {
    if (!Double.isNaN(weightDrop) && !(weightDrop > 0 && weightDrop < 1)) {
      throw new InvalidTrainingArgumentException("DropConnect weight drop " + weightDrop
          + " is not a probability in (0, 1); expected e.g. 0.5");
    }
    MultiLayerConfiguration c = reference.getLayerWiseConfigurations().clone();
    LayerTypes linear = LayerTypes.of("Linear");
    List<Regularization> l2 = settings.l2() > 0 ? List.of(new L2Regularization(settings.l2())) : List.of();
    for (NeuralNetConfiguration nnc : c.getConfs()) {
      Layer layer = nnc.getLayer();
      if (!Double.isNaN(weightDrop)) {
        layer.setIDropout(null);
      }
      if (layer instanceof BaseLayer bl) {
        bl.setIUpdater(new Adam(settings.learningRate()));
        bl.setBiasUpdater(null);
        bl.setRegularization(new ArrayList<>(l2));
        bl.setRegularizationBias(new ArrayList<>());
        bl.setWeightNoise(!Double.isNaN(weightDrop) && linear.matches(layer) ? new DropConnect(1 - weightDrop) : null);
      }
    }
    float[] w = reference.params().dup().toFloatVector();
    long outputs = reference.getLayer(reference.getnLayers() - 1).getParam("W").size(1);
    return new Trainer(c, w, Math.toIntExact(outputs), settings, weightDrop);
  }

  /** A copy of the initial weights every training run starts from (DL4J's flat parameter order). */
  public float[] initialWeights() {
    return initial.clone();
  }

  public TrainingSettings settings() {
    return settings;
  }

  /** The DropConnect weight drop trained with, or NaN for the dropout network. */
  public double weightDrop() {
    return weightDrop;
  }

  /** A fresh untrained network with the initial weights. */
  public MultiLayerNetwork untrained() {
    MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
    net.init(Nd4j.create(initial.clone(), new long[] {1, initial.length}, 'c'), false);
    return net;
  }

  /**
   * Trains a fresh network from the initial weights on {@code x} (each row one flat example) with
   * labels {@code y} in [0, classes): {@link TrainingSettings#minibatches} minibatches, the
   * examples reshuffled at every epoch (the last minibatch of an epoch may be smaller).
   *
   * @throws InvalidTrainingArgumentException for an empty set, mismatched lengths or labels out of range
   */
  public Trained train(float[][] x, int[] y, long seed) {
    if (x.length != y.length) {
      throw new InvalidTrainingArgumentException(x.length + " examples but " + y.length + " labels; expected one label each");
    }
    for (int label : y) {
      if (label < 0 || label >= classes) {
        throw new InvalidTrainingArgumentException("label " + label + " is outside [0, " + classes + ")");
      }
    }
    long batches = settings.minibatches(x.length);
    var env = Nd4j.getEnvironment();
    int threads = env.maxThreads(), master = env.maxMasterThreads(), blas = NativeGemm.threads();
    env.setMaxThreads(1);
    env.setMaxMasterThreads(1);
    NativeGemm.setThreads(1);
    long t0 = System.nanoTime();
    try {
      MultiLayerNetwork net = untrained();
      long startFingerprint = fingerprint(net.params().toFloatVector());
      Nd4j.getRandom().setSeed(ReferenceNetworks.dl4jSeed(KeyedRandom.mix64(seed ^ 0x6A09E667F3BCC909L)));
      SplittableRandom order = new SplittableRandom(KeyedRandom.mix64(seed ^ 0xBB67AE8584CAA73BL));
      int n = x.length, width = x[0].length, b = settings.batchSize();
      int[] perm = identity(n);
      int pos = n; // forces a shuffle before the first minibatch
      for (long done = 0; done < batches; done++) {
        if (pos >= n) {
          shuffle(perm, order);
          pos = 0;
        }
        int m = Math.min(b, n - pos);
        float[] xs = new float[m * width];
        float[] ys = new float[m * classes];
        for (int k = 0; k < m; k++) {
          int i = perm[pos + k];
          System.arraycopy(x[i], 0, xs, k * width, width);
          ys[k * classes + y[i]] = 1f;
        }
        pos += m;
        INDArray in = Nd4j.create(xs, new long[] {m, width}, 'c');
        INDArray lab = Nd4j.create(ys, new long[] {m, classes}, 'c');
        net.fit(new DataSet(in, lab));
      }
      return new Trained(net, batches, (System.nanoTime() - t0) / 1e9, startFingerprint);
    } finally {
      env.setMaxThreads(threads);
      env.setMaxMasterThreads(master);
      NativeGemm.setThreads(blas);
    }
  }

  /**
   * A trained network, how many minibatches it saw, how long training took (seconds) and the
   * {@link #fingerprint} of the weights it started from (read from the network itself before its
   * first minibatch).
   */
  public record Trained(MultiLayerNetwork network, long minibatches, double seconds, long startFingerprint) {}

  /** A 64-bit hash of a weight vector's exact bits (equal weights, equal hash; for checks and logs). */
  public static long fingerprint(float[] weights) {
    long h = 0x9E3779B97F4A7C15L ^ weights.length;
    for (float w : weights) {
      h = KeyedRandom.mix64(h ^ Float.floatToRawIntBits(w));
    }
    return h;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static void shuffle(int[] a, SplittableRandom r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
