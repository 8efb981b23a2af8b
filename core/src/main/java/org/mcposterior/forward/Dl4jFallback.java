package org.mcposterior.forward;

import java.util.Arrays;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.mcposterior.models.InputShapeException;
import org.mcposterior.models.Network;
import org.mcposterior.stochastic.UnsupportedLayerException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place that decides, at compile time, whether a layer, vertex or preprocessor that has no
 * native kernel may run through DL4J ({@link Dl4jKernel}), and with which output geometry.
 *
 * <p>DL4J's declared output types ({@code getOutputType}) are wrong for some layers (a
 * {@code LossLayer} declares {@code nOut = 0}; recurrent outputs often have unknown length), and a
 * plan built on a wrong geometry fails later, on the executors. So the geometry is measured
 * instead: the node runs once, in inference mode, on a one-example probe of zeros of its input
 * geometry, on the driver's network. A node DL4J cannot run at that shape, or that does not keep
 * one output row per input row (and so cannot share a batch with the MC iterations), is refused
 * here, before any work, with one paragraph naming it, its class and what the user can do. The
 * declared type is kept when it agrees with the measured shape (it carries the image format).
 */
final class Dl4jFallback {
  private Dl4jFallback() {}

  /** A fallback node's measured output: its geometry and the DL4J input type downstream layers read. */
  record Output(Geometry geometry, InputType type) {}

  /**
   * DL4J's declared output type of a node ({@code getOutputType}), asked once, and its geometry;
   * where DL4J cannot declare one, or declares one without a geometry here (3D images, sequences
   * of unknown length), {@code failure} keeps DL4J's exception instead of dropping it. The
   * measured shape decides the node's output either way; when the node is refused, the refusal
   * names the failure in its paragraph ({@link #note()}) and carries it ({@link #chain}).
   *
   * @param type the declared type, or null when DL4J threw
   * @param geometry its geometry, or null when it has none here
   * @param failure what DL4J (or {@link Geometry#of}) threw, or null
   */
  record Declared(InputType type, Geometry geometry, RuntimeException failure) {

    /** Asks {@code declared} once; the one place a declared type's exception is caught. */
    static Declared of(Supplier<InputType> declared) {
      InputType t;
      try {
        t = declared.get();
      } catch (RuntimeException e) {
        return new Declared(null, null, e);
      }
      if (t == null) {
        return new Declared(null, null, null);
      }
      try {
        return new Declared(t, Geometry.of(t), null);
      } catch (RuntimeException e) {
        return new Declared(t, null, e);
      }
    }

    /** For a refusal paragraph: what DL4J's declared type said, when it failed; else empty. */
    String note() {
      if (failure == null) {
        return "";
      }
      return type == null ? " (DL4J declares no output type for it either: \"" + failure.getMessage() + "\")"
          : " (its declared output type " + type + " has no shape here: \"" + failure.getMessage() + "\")";
    }

    /** {@code refusal} with the declared type's failure attached: as its cause if it has none, else suppressed. */
    <X extends RuntimeException> X chain(X refusal) {
      if (failure != null) {
        if (refusal.getCause() == null) {
          refusal.initCause(failure);
        } else {
          refusal.addSuppressed(failure);
        }
      }
      return refusal;
    }
  }

  /**
   * Whether DL4J's layer object wraps another layer whose configuration it reports as its own
   * (TimeDistributed, MaskZeroLayer, LastTimeStep, Bidirectional...): such a layer's
   * {@code conf().getLayer()} is the inner layer's, so a native kernel chosen from it would skip
   * the wrapper's own work. Frozen layers compute exactly their inner layer at inference and are
   * not counted as wrappers.
   */
  static boolean isWrapper(org.deeplearning4j.nn.api.Layer layer) {
    return layer instanceof org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer
        && !(layer instanceof org.deeplearning4j.nn.layers.FrozenLayer)
        && !(layer instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop);
  }

  /** DropConnect needs a native kernel's weights: refused on a layer DL4J runs. */
  static void refuseDropConnect(String name, org.deeplearning4j.nn.api.Layer layer, double weightDropout) {
    if (!Double.isNaN(weightDropout)) {
      throw new UnsupportedLayerException("DropConnect cannot run on " + name + " (" + layer.getClass().getName()
          + " wrapping " + layer.conf().getLayer().getClass().getSimpleName() + "): the layer runs in DL4J's own"
          + " kernel, which takes no dropped weights; score it by its dropout, or choose --dropconnect-layers that"
          + " exclude it");
    }
  }

  /**
   * Measures the output of node {@code n} on a one-example probe: the node runs once, and its
   * output geometry and type are read off the result.
   *
   * <p>The declared type is kept when its geometry is the measured shape (it carries the image
   * format). Where it is not, the measured shape decides: a 2D result is feed-forward, a 3D one a
   * sequence, a 4D one images (NCHW), a 5D one volumes (NCDHW). On sequences (a sequence input or
   * a sequence result) a 3D result keeps the sequence format (NCW or NWC) DL4J declares, because
   * the shape alone cannot say which axis is time; a larger result that contradicts the declared
   * type is refused, since the plan could not place it.
   *
   * @param kind what of the node runs (its layer, its preprocessor or its vertex)
   * @param sequenceInput whether any input of the node is a sequence
   * @param declared DL4J's declared output type; may throw or be wrong, the probe decides
   * @throws InputShapeException when DL4J cannot run the node at this input shape
   * @throws UnsupportedLayerException when the node does not map one example to one example
   */
  static Output probe(Network net, Dl4jKernel.Kind kind, Network.Node n, String name, Geometry[] ins,
      boolean sequenceInput, Supplier<InputType> declared, DataType dataType) {
    INDArray[] x = new INDArray[ins.length];
    for (int i = 0; i < ins.length; i++) {
      x[i] = Nd4j.zeros(dataType, ins[i].batchShape(1));
    }
    String cls = className(n, kind);
    Declared d = Declared.of(declared);
    INDArray y;
    try {
      y = Dl4jKernel.run(net, kind, n.name(), x, 1);
    } catch (RuntimeException e) {
      throw d.chain(new InputShapeException(name + " (" + cls + ") cannot run in DL4J on per-example input of shape "
          + Arrays.toString(Arrays.stream(ins).map(Geometry::toString).toArray()) + ": DL4J says \"" + e.getMessage()
          + "\"" + d.note() + ". Pass inputs of the shape the network was built for (the InputType given to"
          + " setInputType), or rebuild the network so that this layer receives the shape it expects", e));
    }
    long[] shape = y.shape();
    if (shape.length < 2 || shape[0] != 1) {
      throw d.chain(new UnsupportedLayerException(name + " (" + cls + ") turns one example into output of shape "
          + Arrays.toString(shape) + d.note() + ", not one row per example; the MC forward pass runs the iterations"
          + " of an example as rows of one batch and cannot run a layer that moves values across the batch dimension."
          + (sequenceInput ? " On sequences this is DL4J's RnnToFeedForwardPreProcessor making every time step a row"
          + " of a feed-forward layer: build the per-time-step layers as recurrent layers (RnnOutputLayer, or a"
          + " DenseLayer wrapped in TimeDistributed), or pool over time first (LastTimeStep, GlobalPoolingLayer)."
          : "") + " Remove the layer or score the network with DL4J directly"));
    }
    int[] dims = new int[shape.length - 1];
    for (int i = 1; i < shape.length; i++) {
      dims[i - 1] = Math.toIntExact(shape[i]);
      if (dims[i - 1] == 0) {
        throw d.chain(new UnsupportedLayerException(name + " (" + cls + ") returns an empty output of shape "
            + Arrays.toString(shape) + " per example" + d.note() + "; nothing can be sampled from it. Check the"
            + " layer's nOut"));
      }
    }
    InputType t = d.type();
    Output matched = d.geometry() != null && Arrays.equals(d.geometry().batchShape(1), shape)
        ? new Output(d.geometry(), t) : null;
    InputType placeable = d.geometry() == null ? null : t; // the declared type, when it has a geometry at all
    InputType measured = matched != null ? matched.type() : typeOf(dims, placeable);
    boolean sequences = sequenceInput || measured instanceof InputType.InputTypeRecurrent;
    if (sequences && dims.length == 1) {
      return new Output(Geometry.flat(dims[0]), InputType.feedForward(dims[0]));
    }
    if (sequences && dims.length == 2) {
      // the shape cannot say which axis is time: the declared type's format does (DL4J's NCW when it says none)
      RNNFormat f = t instanceof InputType.InputTypeRecurrent r ? r.getFormat() : RNNFormat.NCW;
      InputType type = f == RNNFormat.NWC ? InputType.recurrent(dims[1], dims[0], RNNFormat.NWC)
          : InputType.recurrent(dims[0], dims[1], RNNFormat.NCW);
      return new Output(new Geometry(dims, Geometry.Memory.CHW), type);
    }
    if (matched != null) {
      return matched;
    }
    if (sequences && t != null) {
      throw d.chain(new UnsupportedLayerException(name + " (" + cls + ") returns per-example activations of shape "
          + Arrays.toString(dims) + " where its configuration declares " + t + d.note() + "; the MC pass cannot"
          + " place its output, so the network is refused; please report it"));
    }
    return new Output(new Geometry(dims, Geometry.Memory.CHW), measured);
  }

  private static InputType typeOf(int[] dims, InputType declared) {
    return switch (dims.length) {
      case 1 -> InputType.feedForward(dims[0]);
      case 2 -> InputType.recurrent(dims[0], dims[1]);
      case 3 -> InputType.convolutional(dims[1], dims[2], dims[0], CNN2DFormat.NCHW);
      case 4 -> InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, dims[1], dims[2], dims[3], dims[0]);
      default -> declared != null ? declared : InputType.feedForward(new Geometry(dims, Geometry.Memory.CHW).size());
    };
  }

  private static String className(Network.Node n, Dl4jKernel.Kind kind) {
    Object o = configuration(n, kind);
    return o == null ? "unknown" : o.getClass().getName();
  }

  /** The DL4J configuration object that runs: a layer's, a preprocessor or a vertex. */
  private static Object configuration(Network.Node n, Dl4jKernel.Kind kind) {
    return switch (kind) {
      case LAYER -> n.layer().conf().getLayer();
      case PREPROCESSOR -> n.preprocessor();
      case VERTEX -> n.vertex() instanceof org.deeplearning4j.nn.conf.graph.PreprocessorVertex pv ? pv.getPreProcessor()
          : n.vertex();
    };
  }
}
