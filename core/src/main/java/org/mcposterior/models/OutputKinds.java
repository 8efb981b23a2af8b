package org.mcposterior.models;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.OutputKindException;
import org.mcposterior.stats.OutputView;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMAPE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossMSLE;

/**
 * Decides the {@link OutputKind} of a network's scored output from its output layer, or checks the
 * kind a user asked for against the output's shape, before any work.
 *
 * <p>The scored output is output 0 (a MultiLayerNetwork's last layer, a ComputationGraph's first
 * network output); a graph's other outputs are not scored. The rule, from the output layer's
 * configuration and the output shape {@code raw} (per example, channels first):
 * <ul>
 *   <li>{@code Yolo2OutputLayer} (NCHW): detection, with the layer's anchor boxes;
 *   <li>softmax activation: classes for a vector output, per-position for a map or a sequence
 *       ({@code CnnLossLayer}, {@code Cnn3DLossLayer}, {@code RnnOutputLayer}, {@code RnnLossLayer}:
 *       DL4J softmaxes those over the channel dimension at every position);
 *   <li>sigmoid activation: binary for one value, multi-label for a vector of several, per-position
 *       for a map with one channel, multi-label (every value a Bernoulli variable) for a map with
 *       several; a sigmoid trained with a regression loss (MSE, L1, L2, MAE, MAPE, MSLE) is refused
 *       as ambiguous;
 *   <li>any other activation on a layer with a regression loss: regression;
 *   <li>anything else (an activation with a classification loss, a layer without loss and without
 *       softmax or sigmoid, a vertex as output, a channels-last map): refused, naming the layer and
 *       asking for {@code --output-kind}.
 * </ul>
 * Stateless and thread-safe.
 */
public final class OutputKinds {
  private static final List<Class<? extends ILossFunction>> REGRESSION_LOSSES = List.of(LossMSE.class, LossL1.class,
      LossL2.class, LossMAE.class, LossMAPE.class, LossMSLE.class);

  private OutputKinds() {}

  /**
   * The view of output 0 of {@code net}, whose per-example output shape is {@code raw}: the kind
   * {@code requested}, checked against the shape, or, when {@code requested} is null (auto), the
   * kind decided by the rule of the class comment.
   *
   * @throws OutputKindException when the kind cannot be decided, or contradicts the shape, naming
   *     the layer, its class, the shape and the option that fixes it
   */
  public static OutputView of(Network net, int[] raw, OutputKind requested) {
    String node = net.outputs().get(0);
    Layer conf = outputLayerConf(net, node);
    String source = "output " + (net.isGraph() ? "vertex '" + node + "'" : "layer " + node) + " ("
        + (conf == null ? vertexClass(net, node) : conf.getClass().getSimpleName()) + ")";
    if (conf instanceof Yolo2OutputLayer y && (requested == null || requested == OutputKind.DETECTION)) {
      return detection(y, raw, source);
    }
    if (requested != null) {
      return OutputView.of(requested, raw, source);
    }
    return OutputView.of(decide(conf, raw, source), raw, source);
  }

  private static OutputView detection(Yolo2OutputLayer y, int[] raw, String source) {
    if (y.getFormat() != CNN2DFormat.NCHW) {
      throw channelsLast(source, raw, "NHWC");
    }
    return OutputView.detection(raw, Math.toIntExact(y.getBoundingBoxes().size(0)), source);
  }

  /** The kind of the rule of the class comment (never detection: that is decided before). */
  private static OutputKind decide(Layer conf, int[] raw, String source) {
    String shape = Arrays.toString(raw);
    if (conf == null) {
      throw undecided(source, shape, "the output is a graph vertex, not a layer, so it has no activation or loss"
          + " to read the kind from");
    }
    if (conf instanceof Yolo2OutputLayer) {
      throw new AssertionError("detection is decided by the caller");
    }
    String format = channelsLastFormat(conf);
    if (format != null) {
      throw channelsLast(source, raw, format);
    }
    IActivation a = activation(conf);
    ILossFunction loss = loss(conf);
    boolean regressionLoss = loss != null && REGRESSION_LOSSES.contains(loss.getClass());
    boolean vector = raw.length == 1;
    if (a instanceof ActivationSoftmax) {
      if (vector) {
        return OutputKind.CLASSES;
      }
      if (isPerPositionLayer(conf)) {
        return OutputKind.PER_POSITION;
      }
      throw undecided(source, shape, "its softmax activation acts on an output of rank " + raw.length + " whose"
          + " softmax dimension DL4J does not define as the channel dimension");
    }
    if (a instanceof OnnxActivations.LogSoftmax && vector) {
      return OutputKind.CLASSES; // log-probabilities: the scores read them as logits, whose softmax they are
    }
    if (a instanceof ActivationSigmoid) {
      if (regressionLoss) {
        throw undecided(source, shape, "a sigmoid trained with the regression loss " + loss.getClass().getSimpleName()
            + " may be a probability or a value in [0, 1]");
      }
      if (!vector && !isPerPositionLayer(conf) && loss == null) {
        throw undecided(source, shape, "a sigmoid map from a layer without loss may be per-position or multi-label");
      }
      if (vector) {
        return raw[0] == 1 ? OutputKind.BINARY : OutputKind.MULTI_LABEL;
      }
      return raw[0] == 1 ? OutputKind.PER_POSITION : OutputKind.MULTI_LABEL;
    }
    if (regressionLoss) {
      return OutputKind.REGRESSION;
    }
    throw undecided(source, shape, "its activation " + (a == null ? "(none)" : a.getClass().getSimpleName())
        + (loss == null ? " with no loss function" : " with loss " + loss.getClass().getSimpleName())
        + " is neither a class distribution (softmax), independent sigmoids, nor a regression (a regression loss:"
        + " MSE, L1, L2, MAE, MAPE, MSLE)");
  }

  private static boolean isPerPositionLayer(Layer conf) {
    return conf instanceof CnnLossLayer || conf instanceof Cnn3DLossLayer || conf instanceof RnnOutputLayer
        || conf instanceof RnnLossLayer;
  }

  private static String channelsLastFormat(Layer conf) {
    if (conf instanceof CnnLossLayer c && c.getFormat() == CNN2DFormat.NHWC) {
      return "NHWC";
    }
    if (conf instanceof RnnOutputLayer r && r.getRnnDataFormat() == RNNFormat.NWC) {
      return "NWC";
    }
    if (conf instanceof RnnLossLayer r && r.getRnnDataFormat() == RNNFormat.NWC) {
      return "NWC";
    }
    if (conf instanceof Cnn3DLossLayer c && c.getDataFormat() == Convolution3D.DataFormat.NDHWC) {
      return "NDHWC";
    }
    return null;
  }

  private static IActivation activation(Layer conf) {
    if (conf instanceof BaseLayer b) {
      return b.getActivationFn();
    }
    if (conf instanceof LossLayer l) {
      return l.getActivationFn();
    }
    if (conf instanceof CnnLossLayer l) {
      return l.getActivationFn();
    }
    if (conf instanceof RnnLossLayer l) {
      return l.getActivationFn();
    }
    if (conf instanceof Cnn3DLossLayer l) {
      return l.getActivationFn();
    }
    if (conf instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer l) {
      return l.getActivationFn();
    }
    return null;
  }

  private static ILossFunction loss(Layer conf) {
    if (conf instanceof BaseOutputLayer o) {
      return o.getLossFn();
    }
    if (conf instanceof LossLayer l) {
      return l.getLossFn();
    }
    if (conf instanceof CnnLossLayer l) {
      return l.getLossFn();
    }
    if (conf instanceof RnnLossLayer l) {
      return l.getLossFn();
    }
    if (conf instanceof Cnn3DLossLayer l) {
      return l.getLossFn();
    }
    return null;
  }

  private static Layer outputLayerConf(Network net, String node) {
    if (!net.isGraph()) {
      return net.multiLayer().getLayerWiseConfigurations().getConf(Integer.parseInt(node)).getLayer();
    }
    var v = net.graph().getConfiguration().getVertices().get(node);
    return v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv ? lv.getLayerConf().getLayer() : null;
  }

  private static String vertexClass(Network net, String node) {
    return net.graph().getConfiguration().getVertices().get(node).getClass().getSimpleName();
  }

  private static OutputKindException undecided(String source, String shape, String why) {
    return new OutputKindException("cannot decide what " + source + " outputs (shape " + shape + " per example): "
        + why + ". Expected an output layer whose activation and loss say what it is. Fix: pass --output-kind"
        + " classes, binary, multi-label, per-position or regression (API: ScorerSettings.builder().outputKind(...))");
  }

  private static OutputKindException channelsLast(String source, int[] raw, String format) {
    return new OutputKindException(source + " writes its output channels last (" + format + "), shape "
        + Arrays.toString(raw) + " per example: expected channels first (NCHW, NCW, NCDHW), the layout the"
        + " per-position and detection scores read. Fix: build the output layer with the channels-first format");
  }
}
