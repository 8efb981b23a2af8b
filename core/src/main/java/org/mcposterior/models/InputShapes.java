package org.mcposterior.models;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;

/**
 * The per-example input shape a network expects, read off its configuration where DL4J records
 * it: a flat-image preprocessor before the first layer, or the first dense
 * layer's width. Convolutional inputs without a recorded type need the caller to say the shape.
 */
public final class InputShapes {
  private InputShapes() {}

  /**
   * The expected per-example shape of input 0 (DL4J's, without the batch dimension), given an
   * optional shape from the user.
   *
   * @param given the user's shape (e.g. {@code [1, 28, 28]}), or empty
   * @throws InputShapeException when the network does not say and nothing was given, or the
   *     given shape has the wrong number of values for the network
   */
  public static int[] expected(Network net, int[] given) {
    int[] own = fromConfiguration(net);
    if (given != null && given.length > 0) {
      if (own != null && product(own) != product(given)) {
        throw new InputShapeException("input shape " + Arrays.toString(given) + " has " + product(given)
            + " values per example, but the network expects " + product(own) + " (shape " + Arrays.toString(own)
            + "); fix --input-shape or the features");
      }
      return given.clone();
    }
    if (own == null) {
      String input = net.nodes().stream().filter(n -> n.inputIndex() == 0).findFirst().orElseThrow().name();
      Network.Node first = firstConsumer(net, input);
      Layer l = first == null ? null : first.layer().conf().getLayer();
      if (l instanceof org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer r) {
        boolean nwc = r.getRnnDataFormat() == org.deeplearning4j.nn.conf.RNNFormat.NWC;
        throw new InputShapeException("the network starts with a recurrent layer (" + l.getClass().getSimpleName()
            + ", " + r.getNIn() + " features per time step, " + r.getRnnDataFormat() + " format) and does not record its"
            + " sequence length; pass the per-example shape in that layer's layout, e.g. " + (nwc
            ? "--input-shape 20," + r.getNIn() + " for 20 time steps (time-major rows)"
            : "--input-shape " + r.getNIn() + ",20 for 20 time steps (features-major: all steps of feature 0 first)"));
      }
      throw new InputShapeException("the network does not record its input shape (its first layer is "
          + firstLayerName(net) + "); pass the per-example shape, e.g. --input-shape 1,28,28 for 1x28x28 images");
    }
    return own;
  }

  /**
   * The number of distinct indices input 0 takes when the network starts with an {@code
   * EmbeddingLayer} or {@code EmbeddingSequenceLayer} (its {@code nIn}, the vocabulary size), or 0
   * when input 0 is not indices. Every feature of such an input must be an integer in {@code [0,
   * bound)}: DL4J truncates a fractional index to an integer and fails, or reads another row of
   * the embedding, on one outside the range, so a pool is checked against this bound before any work.
   */
  public static int indexBound(Network net) {
    String input = net.nodes().stream().filter(n -> n.inputIndex() == 0).findFirst().orElseThrow().name();
    Network.Node first = firstConsumer(net, input);
    if (first == null || first.preprocessor() != null) {
      return 0;
    }
    Layer l = first.layer().conf().getLayer();
    if (l instanceof org.deeplearning4j.nn.conf.layers.EmbeddingLayer
        || l instanceof org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer) {
      return Math.toIntExact(((FeedForwardLayer) l).getNIn());
    }
    return 0;
  }

  /** The shape the configuration records for input 0, or null. */
  static int[] fromConfiguration(Network net) {
    if (net.recordedInputShape() != null) {
      return net.recordedInputShape();
    }
    String input = net.nodes().stream().filter(n -> n.inputIndex() == 0).findFirst().orElseThrow().name();
    Network.Node first = firstConsumer(net, input);
    int[] own = first == null ? null : fromLayer(first.preprocessor(), first.layer().conf().getLayer());
    return own != null ? own : imageVertex(net, input);
  }

  /**
   * The flat size of input 0 when a graph reshapes it into images first, through a vertex of DL4J's
   * {@code FeedForwardToCnnPreProcessor} (as a graph read from ONNX does), or null.
   */
  private static int[] imageVertex(Network net, String input) {
    for (Network.Node n : net.nodes()) {
      if (n.inputs().contains(input) && n.vertex() instanceof org.deeplearning4j.nn.conf.graph.PreprocessorVertex pv
          && pv.getPreProcessor() instanceof FeedForwardToCnnPreProcessor p) {
        return new int[] {Math.toIntExact(p.getNumChannels() * p.getInputHeight() * p.getInputWidth())};
      }
      if (n.inputs().contains(input) && n.vertex() instanceof org.deeplearning4j.nn.conf.graph.PreprocessorVertex pv
          && pv.getPreProcessor() instanceof ChannelsLastPreProcessor p && p.isToImages()) {
        return new int[] {Math.toIntExact(p.getChannels() * p.getHeight() * p.getWidth())};
      }
    }
    return null;
  }

  /** The first node with a layer that reads node {@code input}, or null. */
  public static Network.Node firstConsumer(Network net, String input) {
    for (Network.Node n : net.nodes()) {
      if (n.layer() != null && n.inputs().contains(input)) {
        return n;
      }
    }
    return null;
  }

  private static int[] fromLayer(InputPreProcessor pre, Layer l) {
    if (pre == null && l instanceof org.deeplearning4j.nn.conf.layers.EmbeddingLayer) {
      return new int[] {1}; // one index per example, in [0, nIn): DL4J's own input, not a one-hot vector
    }
    if (pre == null && l instanceof org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer e && e.getInputLength() > 0) {
      return new int[] {e.getInputLength()}; // inputLength indices per example
    }
    if (pre instanceof FeedForwardToCnnPreProcessor p) {
      return new int[] {Math.toIntExact(p.getNumChannels() * p.getInputHeight() * p.getInputWidth())};
    }
    if (pre == null && l instanceof FeedForwardLayer ff && !(l instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
        && !(l instanceof org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer) && ff.getNIn() > 0) {
      return new int[] {Math.toIntExact(ff.getNIn())};
    }
    return null;
  }

  private static String firstLayerName(Network net) {
    List<Network.LayerInfo> layers = net.layers();
    return layers.isEmpty() ? "none" : layers.get(0).conf().getClass().getSimpleName();
  }

  /** Number of values of a shape. */
  public static long product(int[] shape) {
    long p = 1;
    for (int d : shape) {
      p *= d;
    }
    return p;
  }
}
