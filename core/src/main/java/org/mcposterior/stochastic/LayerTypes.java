package org.mcposterior.stochastic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;

/**
 * Layer-type names for choosing where DropConnect applies, in baal's vocabulary ({@code Linear},
 * {@code Conv2d}) or DL4J's ({@code DenseLayer}, {@code OutputLayer}, {@code ConvolutionLayer}),
 * case-insensitive. {@code Linear} means every dense layer, output layers included; {@code Conv2d}
 * means every 2D convolution PyTorch's {@code nn.Conv2d} can be (a {@code ConvolutionLayer} or a
 * {@code DepthwiseConvolution2D}, as an ONNX {@code Conv} with {@code group} equal to its channels
 * becomes), while {@code ConvolutionLayer} names DL4J's class alone.
 *
 * <p>Immutable.
 */
public final class LayerTypes {
  private static final Map<String, Predicate<Layer>> NAMES = new LinkedHashMap<>();

  static {
    Predicate<Layer> dense = l -> l.getClass() == DenseLayer.class;
    Predicate<Layer> output = l -> l.getClass() == OutputLayer.class;
    // baal's Conv2d is torch's nn.Conv2d, depthwise ones (groups = channels) included: DL4J's
    // DepthwiseConvolution2D is named by it too, so DropConnect on it is refused, never skipped
    Predicate<Layer> conv = l -> l.getClass() == ConvolutionLayer.class
        || l.getClass() == org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D.class;
    Predicate<Layer> convolution = l -> l.getClass() == ConvolutionLayer.class;
    NAMES.put("linear", dense.or(output));
    NAMES.put("dense", dense);
    NAMES.put("denselayer", dense);
    NAMES.put("outputlayer", output);
    NAMES.put("conv2d", conv);
    NAMES.put("convolution", convolution);
    NAMES.put("convolutionlayer", convolution);
  }

  private final Set<String> names;
  private final Predicate<Layer> matcher;

  private LayerTypes(Set<String> names, Predicate<Layer> matcher) {
    this.names = names;
    this.matcher = matcher;
  }

  /**
   * Layer types from their names.
   *
   * @throws NoMatchingLayerException for an empty list or an unknown name
   */
  public static LayerTypes of(String... typeNames) {
    if (typeNames.length == 0) {
      throw new NoMatchingLayerException("no layer types given; expected at least one of " + validNames());
    }
    Set<String> set = new LinkedHashSet<>();
    Predicate<Layer> m = l -> false;
    for (String n : typeNames) {
      Predicate<Layer> p = n == null ? null : NAMES.get(n.trim().toLowerCase(Locale.ROOT));
      if (p == null) {
        throw new NoMatchingLayerException("layer type '" + n + "' is not known; expected one of " + validNames()
            + " (case-insensitive)");
      }
      set.add(n.trim());
      m = m.or(p);
    }
    return new LayerTypes(set, m);
  }

  /** The valid names, for messages. */
  public static List<String> validNames() {
    return List.of("Linear", "Dense", "DenseLayer", "OutputLayer", "Conv2d", "Convolution", "ConvolutionLayer");
  }

  public boolean matches(Layer layer) {
    return matcher.test(layer);
  }

  public Set<String> names() {
    return names;
  }

  /** Throws unless at least one of {@code layers} matches. */
  void requireAnyMatch(List<Layer> layers) {
    for (Layer l : layers) {
      if (matches(l)) {
        return;
      }
    }
    List<String> kinds = new ArrayList<>();
    for (Layer l : layers) {
      kinds.add(l.getClass().getSimpleName());
    }
    throw new NoMatchingLayerException("layer types " + names + " match no layer of this network (its layers: " + kinds
        + "); DropConnect supports " + validNames());
  }

  @Override
  public String toString() {
    return names.toString();
  }
}
