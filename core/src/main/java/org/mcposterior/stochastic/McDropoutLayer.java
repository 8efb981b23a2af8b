package org.mcposterior.stochastic;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dropout layer that stays on at inference: the MC counterpart of DL4J's {@link DropoutLayer},
 * for building networks that are stochastic by construction (baal's {@code MCDropout} module).
 *
 * <p>During training it is ordinary inverted dropout. At inference, DL4J's own {@code output(x)}
 * draws a fresh keyed mask on every call (so two calls on the same input differ, reproducibly for
 * the same seed), and the MC sampler treats it as a stochastic site with keyed masks.
 *
 * <p>{@code p} is the probability of dropping a unit, as in baal and PyTorch (DL4J's
 * {@code dropOut(x)} takes the retain probability {@code 1 - p}).
 */
public class McDropoutLayer extends DropoutLayer {
  private static final long serialVersionUID = 1L;

  private double dropProbability;
  private long seed;

  /** For JSON deserialisation only. */
  public McDropoutLayer() {
    super();
  }

  /** MC dropout with drop probability {@code p} and seed 0. */
  public McDropoutLayer(double p) {
    this(p, 0L);
  }

  /**
   * MC dropout with drop probability {@code p}; {@code seed} keys the masks drawn by DL4J's own
   * {@code output(x)} calls (the MC sampler uses its own seed).
   */
  public McDropoutLayer(double p, long seed) {
    super(new Dropout(1 - InvalidProbabilityException.requireDropProbability(p, "MC dropout p")));
    this.dropProbability = p;
    this.seed = seed;
  }

  public double getDropProbability() {
    return dropProbability;
  }

  public void setDropProbability(double dropProbability) {
    this.dropProbability = dropProbability;
  }

  public long getSeed() {
    return seed;
  }

  public void setSeed(long seed) {
    this.seed = seed;
  }

  @Override
  public McDropoutLayer clone() {
    return (McDropoutLayer) super.clone();
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
      boolean initializeParams, DataType networkDataType) {
    McDropoutLayerImpl ret = new McDropoutLayerImpl(conf, networkDataType);
    ret.setListeners(trainingListeners);
    ret.setIndex(layerIndex);
    ret.setParamsViewArray(layerParamsView);
    ParamInitializer init = initializer();
    Map<String, INDArray> paramTable = init.init(conf, layerParamsView, initializeParams);
    ret.setParamTable(paramTable);
    ret.setConf(conf);
    return ret;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof McDropoutLayer other && super.equals(o) && other.dropProbability == dropProbability
        && other.seed == seed;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * super.hashCode() + Double.hashCode(dropProbability)) + Long.hashCode(seed);
  }
}
