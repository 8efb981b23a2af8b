package org.mcposterior.stochastic;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.mcposterior.models.Network;

/**
 * A trained network together with the rules that make it stochastic at inference: which dropouts
 * stay on (MC dropout), which layers drop weights (MC DropConnect), with which probabilities.
 *
 * <p>Patching never changes the DL4J network: the rules are read by the MC forward pass, which
 * runs the same weights. {@link #unpatch()} hands back the original, deterministic network.
 * Probabilities are drop probabilities (DESIGN.md, invariant 3); DL4J's retain probabilities are
 * converted where the configuration is read.
 *
 * <p>Immutable and thread-safe (the wrapped network must not be modified while it is sampled).
 */
public final class StochasticNetwork {
  private final Network network;
  private final boolean allDropouts;
  private final double dropoutOverride;
  private final LayerTypes dropConnectTypes;
  private final double weightDropout;
  private final boolean configuredDropConnect;

  private StochasticNetwork(Builder b) {
    this.network = b.network;
    this.allDropouts = b.allDropouts;
    this.dropoutOverride = b.dropoutOverride;
    this.dropConnectTypes = b.dropConnectTypes;
    this.weightDropout = b.weightDropout;
    this.configuredDropConnect = b.configuredDropConnect;
  }

  /**
   * The network as built: only its {@link McDropoutLayer}s are stochastic at inference; every
   * other dropout stays off, as DL4J's own inference does.
   */
  public static StochasticNetwork of(Model model) {
    return builder(model).build();
  }

  public static Builder builder(Model model) {
    return new Builder(Network.of(model));
  }

  public static Builder builder(Network network) {
    return new Builder(network);
  }

  /** The wrapped network, unchanged. */
  public Network network() {
    return network;
  }

  /** The original DL4J network, deterministic at inference as it always was. */
  public Model unpatch() {
    return network.model();
  }

  /**
   * The noise applied to the input of layer {@code name}, or null when its input is deterministic.
   *
   * @throws UnsupportedLayerException for dropout kinds MC sampling cannot run
   */
  public Noise inputNoise(String name, Layer conf) {
    if (conf.getIDropout() == null || conf instanceof org.deeplearning4j.nn.conf.layers.EmbeddingLayer
        || conf instanceof org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer) {
      return null; // DL4J never drops an embedding layer's input (its indices), in training or not
    }
    boolean mcLayer = conf instanceof McDropoutLayer;
    if (!mcLayer && !allDropouts) {
      return null;
    }
    return Noise.of(conf.getIDropout(), name, allDropouts ? dropoutOverride : Double.NaN);
  }

  /** The weight-drop probability of layer {@code conf}, or NaN when its weights are deterministic. */
  public double weightDropout(Layer conf) {
    if (dropConnectTypes != null && dropConnectTypes.matches(conf)) {
      return weightDropout;
    }
    if (configuredDropConnect && conf instanceof BaseLayer bl && bl.getWeightNoise() instanceof DropConnect dc) {
      return 1 - dc.getWeightRetainProb();
    }
    return Double.NaN;
  }

  /** Whether any layer of the network has a stochastic part under these rules. */
  public boolean hasStochasticParts() {
    for (Network.LayerInfo l : network.layers()) {
      if (inputNoise(l.name(), l.conf()) != null || !Double.isNaN(weightDropout(l.conf()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * What is random in each stochastic layer under these rules, for run summaries: layer name to
   * e.g. {@code "Dropout p=0.2 on its input (set by the drop probability override; configured
   * Dropout p=0.5)"} or {@code "DropConnect p=0.1 on its weights"}; layers with nothing random
   * are left out. Probabilities are drop probabilities.
   *
   * @throws UnsupportedLayerException as {@link #inputNoise} does
   */
  public java.util.Map<String, String> describeLayers() {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Network.LayerInfo l : network.layers()) {
      List<String> parts = new ArrayList<>();
      Noise noise = inputNoise(l.name(), l.conf());
      if (noise != null) {
        String own = Noise.describeConfigured(l.conf().getIDropout(), l.name());
        String now = Noise.describe(noise);
        parts.add(now + " on its input" + (Double.isNaN(dropoutOverride) ? " (as configured)"
            : " (set by the drop probability override; configured " + own + ")"));
      }
      double wd = weightDropout(l.conf());
      if (!Double.isNaN(wd)) {
        parts.add("DropConnect p=" + wd + " on its weights");
      }
      if (!parts.isEmpty()) {
        out.put(l.name() + " (" + l.conf().getClass().getSimpleName() + ")", String.join("; ", parts));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add(allDropouts ? "MC dropout" + (Double.isNaN(dropoutOverride) ? "" : " p=" + dropoutOverride) : "MC dropout layers only");
    if (dropConnectTypes != null) {
      parts.add("DropConnect p=" + weightDropout + " on " + dropConnectTypes);
    }
    if (configuredDropConnect) {
      parts.add("configured DropConnect");
    }
    return "StochasticNetwork(" + network + ", " + String.join(", ", parts) + ")";
  }

  /** Builds the rules; every setter validates its argument at once. */
  public static final class Builder {
    private final Network network;
    private boolean allDropouts;
    private double dropoutOverride = Double.NaN;
    private LayerTypes dropConnectTypes;
    private double weightDropout = Double.NaN;
    private boolean configuredDropConnect;

    private Builder(Network network) {
      this.network = network;
    }

    /** Every dropout of the network stays on at inference, each with its configured probability. */
    public Builder mcDropout() {
      this.allDropouts = true;
      return this;
    }

    /**
     * Every dropout of the network stays on at inference with drop probability {@code p} instead
     * of its configured one.
     */
    public Builder mcDropout(double p) {
      InvalidProbabilityException.requireDropProbability(p, "dropout p");
      this.allDropouts = true;
      this.dropoutOverride = p;
      return this;
    }

    /**
     * Weights (not biases) of the layers of the given types are dropped with probability
     * {@code weightDropout} at inference, one fresh mask per iteration (Wan et al. 2013; Mobiny
     * et al. 2019 for MC DropConnect).
     *
     * @throws NoMatchingLayerException for unknown type names or types matching no layer
     */
    public Builder dropConnect(double weightDropout, String... layerTypes) {
      InvalidProbabilityException.requireDropProbability(weightDropout, "weight dropout");
      LayerTypes types = LayerTypes.of(layerTypes);
      List<Layer> confs = new ArrayList<>();
      for (Network.LayerInfo l : network.layers()) {
        confs.add(l.conf());
      }
      types.requireAnyMatch(confs);
      this.dropConnectTypes = types;
      this.weightDropout = weightDropout;
      return this;
    }

    /** The network's own configured DL4J {@code DropConnect} weight noise stays on at inference. */
    public Builder configuredDropConnect() {
      boolean any = false;
      for (Network.LayerInfo l : network.layers()) {
        if (l.conf() instanceof BaseLayer bl && bl.getWeightNoise() instanceof DropConnect dc) {
          if (dc.getWeightRetainProbSchedule() != null) {
            throw new UnsupportedLayerException("layer " + l.name() + " has a scheduled DropConnect probability,"
                + " which has no single value at inference; use dropConnect(p, types) instead");
          }
          any = true;
        }
      }
      if (!any) {
        throw new NoMatchingLayerException("the network has no layer with DL4J DropConnect weight noise configured;"
            + " choose layers with dropConnect(weightDropout, \"Linear\", ...) instead");
      }
      this.configuredDropConnect = true;
      return this;
    }

    public StochasticNetwork build() {
      return new StochasticNetwork(this);
    }
  }
}
