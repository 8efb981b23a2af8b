package org.mcposterior.stochastic;

import org.deeplearning4j.nn.api.Model;

/**
 * MC DropConnect (Wan et al. 2013, ICML; Mobiny et al. 2019, arXiv:1906.04569): the weights of
 * chosen layer types are dropped at inference, a fresh mask per iteration shared by all examples,
 * so repeated passes sample networks from the approximate posterior. Works for any dense or
 * convolutional network, with or without dropout. The counterpart of baal's
 * {@code MCDropoutConnectModule(model, layers=["Linear"], weight_dropout=p)}.
 *
 * <p>Only weights are dropped, never biases; kept weights are scaled by {@code 1 / (1 - p)}.
 */
public final class McDropConnect {
  private McDropConnect() {}

  /**
   * Weights of layers of the given types dropped with probability {@code weightDropout}.
   *
   * @param weightDropout drop probability in [0, 1)
   * @param layerTypes e.g. {@code "Linear"}, {@code "Conv2d"} (see {@link LayerTypes})
   */
  public static StochasticNetwork patch(Model model, double weightDropout, String... layerTypes) {
    return StochasticNetwork.builder(model).dropConnect(weightDropout, layerTypes).build();
  }

  /** The network's own configured DL4J {@code DropConnect} weight noise, kept on at inference. */
  public static StochasticNetwork patch(Model model) {
    return StochasticNetwork.builder(model).configuredDropConnect().build();
  }
}
