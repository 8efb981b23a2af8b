package org.mcposterior.stochastic;

import org.deeplearning4j.nn.api.Model;

/**
 * MC Dropout (Gal and Ghahramani 2016, "Dropout as a Bayesian approximation", ICML,
 * arXiv:1506.02142): every dropout of a trained network stays on at inference, so repeated passes
 * sample the approximate posterior. The counterpart of baal's {@code patch_module} /
 * {@code MCDropoutModule}.
 *
 * <p>Patching does not copy, retrain or modify the network: {@link StochasticNetwork#unpatch()}
 * returns it as it was. Batch-norm and every other layer keep running in inference mode; only the
 * dropouts draw masks.
 */
public final class McDropout {
  private McDropout() {}

  /** Every dropout of {@code model} (layer dropout, DropoutLayer, McDropoutLayer) on at inference. */
  public static StochasticNetwork patch(Model model) {
    return StochasticNetwork.builder(model).mcDropout().build();
  }

  /**
   * Every dropout of {@code model} on at inference, all with drop probability {@code p}.
   *
   * @param p drop probability in [0, 1) (not DL4J's retain probability)
   */
  public static StochasticNetwork patch(Model model, double p) {
    return StochasticNetwork.builder(model).mcDropout(p).build();
  }
}
