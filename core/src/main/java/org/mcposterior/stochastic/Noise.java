package org.mcposterior.stochastic;

import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;

/**
 * The random perturbation one stochastic site applies to the activations flowing through it.
 * Probabilities are drop probabilities (DESIGN.md, invariant 3).
 */
public sealed interface Noise {

  /**
   * Inverted dropout: each unit is zeroed with probability {@code p}, kept units are scaled by
   * {@code 1 / (1 - p)} so the expectation is unchanged (Srivastava et al. 2014; Gal and
   * Ghahramani 2016 for MC dropout).
   */
  record Bernoulli(double p) implements Noise {
    public Bernoulli {
      InvalidProbabilityException.requireDropProbability(p, "dropout p");
    }
  }

  /** Spatial dropout (Tompson et al. 2015): whole channels dropped with probability {@code p}, as DL4J's SpatialDropout. */
  record SpatialBernoulli(double p) implements Noise {
    public SpatialBernoulli {
      InvalidProbabilityException.requireDropProbability(p, "spatial dropout p");
    }
  }

  /** Multiplicative Gaussian noise {@code x * N(1, stdev^2)}, as DL4J's GaussianDropout. */
  record GaussianMultiplicative(double stdev) implements Noise {}

  /** Additive Gaussian noise {@code x + N(0, stdev^2)}, as DL4J's GaussianNoise. */
  record GaussianAdditive(double stdev) implements Noise {}

  /**
   * Alpha dropout for SELU networks (Klambauer et al. 2017), as DL4J's AlphaDropout: kept units
   * become {@code a x + b}, dropped units {@code a alpha' + b}.
   */
  record Alpha(double p, double a, double b, double alphaPrime) implements Noise {
    public Alpha {
      InvalidProbabilityException.requireDropProbability(p, "alpha dropout p");
    }
  }

  /**
   * The MC version of a DL4J dropout configuration, converting DL4J's retain probabilities.
   *
   * @param override drop probability to use instead of the configured one for Bernoulli, spatial,
   *     alpha and Gaussian dropout (GaussianNoise has none: refused), or NaN to keep the configured one
   */
  static Noise of(IDropout d, String layer, double override) {
    boolean keep = Double.isNaN(override);
    if (d instanceof Dropout dr) {
      return new Bernoulli(keep ? 1 - retain(dr.getP(), dr.getPSchedule() != null, layer) : override);
    }
    if (d instanceof SpatialDropout sd) {
      return new SpatialBernoulli(keep ? 1 - retain(sd.getP(), sd.getPSchedule() != null, layer) : override);
    }
    if (d instanceof AlphaDropout ad) {
      double retain = keep ? retain(ad.getP(), ad.getPSchedule() != null, layer) : 1 - override;
      double alphaPrime = -ad.getLambda() * ad.getAlpha();
      double a = 1.0 / Math.sqrt(retain + alphaPrime * alphaPrime * retain * (1 - retain));
      double b = -a * (1 - retain) * alphaPrime;
      return new Alpha(keep ? 1 - retain : override, a, b, alphaPrime);
    }
    if (d instanceof GaussianDropout gd) {
      if (gd.getRateSchedule() != null) {
        throw scheduled(layer);
      }
      double rate = keep ? gd.getRate() : override; // DL4J's rate is a drop probability (Srivastava et al. 2014)
      return new GaussianMultiplicative(Math.sqrt(rate / (1.0 - rate)));
    }
    if (d instanceof GaussianNoise gn) {
      if (gn.getStddevSchedule() != null) {
        throw scheduled(layer);
      }
      if (!keep) {
        throw new UnsupportedLayerException("layer " + layer + " has GaussianNoise (additive, standard deviation "
            + gn.getStddev() + "), which has no drop probability for a drop probability override to set; sample it"
            + " with each layer's own dropout (no drop probability override), or rebuild the layer with the noise you want");
      }
      return new GaussianAdditive(gn.getStddev());
    }
    throw new UnsupportedLayerException("layer " + layer + " has dropout of type " + d.getClass().getSimpleName()
        + ", which MC sampling does not support; supported: Dropout, SpatialDropout, AlphaDropout, GaussianDropout,"
        + " GaussianNoise");
  }

  /** The noise in DL4J's words with drop probabilities, e.g. {@code "SpatialDropout p=0.3"}, for summaries. */
  static String describe(Noise n) {
    if (n instanceof Bernoulli b) {
      return "Dropout p=" + round(b.p());
    }
    if (n instanceof SpatialBernoulli s) {
      return "SpatialDropout p=" + round(s.p());
    }
    if (n instanceof Alpha a) {
      return "AlphaDropout p=" + round(a.p());
    }
    if (n instanceof GaussianMultiplicative m) {
      double v = m.stdev() * m.stdev();
      return "GaussianDropout stdev=" + round(m.stdev()) + " (p=" + round(v / (1 + v)) + ")";
    }
    GaussianAdditive g = (GaussianAdditive) n;
    return "GaussianNoise stdev=" + round(g.stdev());
  }

  /** Six significant digits, no trailing zeros: 0.19999999999999996 reads 0.2. */
  private static String round(double v) {
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** A layer's configured dropout in the words of {@link #describe}, or "<kind> with a schedule". */
  static String describeConfigured(IDropout d, String layer) {
    boolean scheduled = d instanceof Dropout dr && dr.getPSchedule() != null
        || d instanceof SpatialDropout sd && sd.getPSchedule() != null
        || d instanceof AlphaDropout ad && ad.getPSchedule() != null
        || d instanceof GaussianDropout gd && gd.getRateSchedule() != null
        || d instanceof GaussianNoise gn && gn.getStddevSchedule() != null;
    return scheduled ? d.getClass().getSimpleName() + " with a schedule" : describe(of(d, layer, Double.NaN));
  }

  private static double retain(double p, boolean scheduled, String layer) {
    if (scheduled || Double.isNaN(p)) {
      throw scheduled(layer);
    }
    return p;
  }

  private static UnsupportedLayerException scheduled(String layer) {
    return new UnsupportedLayerException("layer " + layer + " has a scheduled dropout probability, which has no single"
        + " value at inference; patch it with an explicit drop probability, e.g. McDropout.patch(net, 0.5)");
  }
}
