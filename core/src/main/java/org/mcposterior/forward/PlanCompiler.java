package org.mcposterior.forward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.mcposterior.models.InputShapeException;
import org.mcposterior.models.InputShapes;
import org.mcposterior.models.Network;
import org.mcposterior.models.SequenceLayout;
import org.mcposterior.stochastic.Noise;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.stochastic.UnsupportedLayerException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compiles a {@link StochasticNetwork} into a {@link ForwardPlan} for given input shapes, walking
 * {@link Network#nodes()}: one walk for DL4J's MultiLayerNetwork (a chain of nodes) and
 * ComputationGraph alike.
 *
 * <p>Dense, output, convolution, max/average pooling, batch-norm and activation layers, merge and
 * element-wise vertices and the CNN/feed-forward preprocessors get native kernels; every other
 * layer, vertex or preprocessor runs as DL4J itself in inference mode. Stochastic sites are
 * numbered in topological order, so a layer's masks do not depend on input shapes or on caching.
 *
 * <p>Sequences keep DL4J's per-example layout of the layer that reads them ({@code [size, time]}
 * for NCW, {@code [time, size]} for NWC; the DL4J input type travelling with each value says
 * which). DL4J nodes on sequences take their output shape from a one-example probe, because some
 * declare wrong or incomplete output types. With a features mask (variable-length sequences,
 * MultiLayerNetworks only) every layer the mask reaches runs as DL4J's own layer with the mask
 * set, and the mask goes on where DL4J's {@code feedForwardMaskArray} passes it on.
 *
 * <p>Thread-safe: compiling probes the network's own DL4J layers (which keep their last input),
 * so compiles of plans for one network are serialized on its DL4J network object; a user who runs
 * that network from another thread meanwhile must hold the same lock. The plans do not touch it
 * again: runners work on their own copies.
 */
public final class PlanCompiler {

  /** A value flowing between nodes: the node that holds it, and how to read it. */
  private record Tensor(int node, Geometry geometry, InputType type) {}

  private final StochasticNetwork stochastic;
  private final Network network;
  private final boolean cachePrefix;
  private final DataType dataType;
  private final List<PlanNode> nodes = new ArrayList<>();
  private final List<Integer> inputNodes = new ArrayList<>();
  private int sites;
  /** Whether input 0 comes with DL4J's features mask (one value per time step per example). */
  private final boolean featuresMask;
  /** Names of the nodes whose output still carries the features mask, as DL4J propagates it. */
  private final java.util.Set<String> masked = new java.util.HashSet<>();
  private int maskLength;
  /** The DL4J node being compiled: the {@link PlanNode#source()} of every plan node added meanwhile. */
  private String source;

  private PlanCompiler(StochasticNetwork stochastic, boolean cachePrefix, boolean featuresMask) {
    this.featuresMask = featuresMask;
    this.stochastic = stochastic;
    this.network = stochastic.network();
    this.cachePrefix = cachePrefix;
    this.dataType = network.dataType();
  }

  /**
   * Compiles the network for inputs of the given per-example shapes (DL4J's, without the batch
   * dimension, e.g. {@code [784]} or {@code [1, 28, 28]}).
   *
   * @param cachePrefix run the layers before the first stochastic site once per example
   * @throws InputShapeException when the shapes do not fit the network
   * @throws UnsupportedLayerException for stochastic parts on layers that cannot run them
   */
  public static ForwardPlan compile(StochasticNetwork stochastic, int[][] inputShapes, boolean cachePrefix) {
    return compile(stochastic, inputShapes, cachePrefix, false);
  }

  /**
   * As {@link #compile(StochasticNetwork, int[][], boolean)}, for sequences that come with DL4J's
   * features mask ({@code [batch, time]}, 1 for a real step, 0 for padding) when {@code
   * featuresMask}: the mask is propagated as DL4J's {@code MultiLayerNetwork.setLayerMaskArrays}
   * does (each layer's {@code feedForwardMaskArray}), and every layer it reaches runs as DL4J's own
   * layer with the mask set, so the pass equals DL4J's {@code output(x, false, featuresMask, null)}.
   * Where that cannot be guaranteed (ComputationGraphs, input preprocessors on masked sequences,
   * a layer that changes the sequence length) the network is refused.
   */
  public static ForwardPlan compile(StochasticNetwork stochastic, int[][] inputShapes, boolean cachePrefix,
      boolean featuresMask) {
    // Compiling runs the user's network: the probes (a fallback node's measured shape, a gather's
    // map, batch-norm's scale and shift, a layer's mask propagation) call its DL4J layers, which
    // keep their last input and mask. Compiles of one network therefore take turns, locked on the
    // DL4J network object itself (plans of different networks still compile in parallel).
    synchronized (stochastic.network().model()) {
      return compileLocked(stochastic, inputShapes, cachePrefix, featuresMask);
    }
  }

  private static ForwardPlan compileLocked(StochasticNetwork stochastic, int[][] inputShapes, boolean cachePrefix,
      boolean featuresMask) {
    PlanCompiler c = new PlanCompiler(stochastic, cachePrefix, featuresMask);
    Network net = stochastic.network();
    if (featuresMask && !(net.model() instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork)) {
      throw new UnsupportedLayerException("features masks (variable-length sequences) are supported for"
          + " MultiLayerNetworks only; this network is a ComputationGraph, whose per-vertex mask rules the MC pass does"
          + " not reproduce yet; pad the sequences to one length and score without a mask, or rebuild the network as a"
          + " MultiLayerNetwork");
    }
    if (inputShapes.length != net.numInputs()) {
      throw new InputShapeException("the network takes " + net.numInputs() + " input(s), got " + inputShapes.length);
    }
    int[] outputs = c.compileNodes(inputShapes);
    int[] ins = c.inputNodes.stream().mapToInt(Integer::intValue).toArray();
    return new ForwardPlan(net, c.nodes, ins, outputs, c.sites, cachePrefix, featuresMask ? c.maskLength : 0);
  }

  // ---------------------------------------------------------------- the walk

  /** Compiles every node of the network in topological order; returns the output nodes' plan ids. */
  private int[] compileNodes(int[][] inputShapes) {
    Map<String, Tensor> values = new HashMap<>();
    for (Network.Node n : network.nodes()) {
      source = n.name();
      if (n.isInput()) {
        Network.Node consumer = InputShapes.firstConsumer(network, n.name());
        org.deeplearning4j.nn.conf.layers.Layer first = consumer == null ? null : consumer.layer().conf().getLayer();
        CNN2DFormat format = first == null ? CNN2DFormat.NCHW : imageFormat(first);
        RNNFormat sequences = first == null ? RNNFormat.NCW : SequenceLayout.rnnFormat(first);
        Tensor t = input(n.inputIndex(), inputShapes[n.inputIndex()], format, sequences);
        values.put(n.name(), t);
        if (featuresMask && n.inputIndex() == 0) {
          if (!(t.type() instanceof InputType.InputTypeRecurrent r)) {
            throw new InputShapeException("a features mask was given, but the network's input has per-example shape "
                + Arrays.toString(inputShapes[0]) + ", not a sequence [size, time] or [time, size]; masks are for"
                + " recurrent inputs: drop the mask, or pass sequences");
          }
          maskLength = Math.toIntExact(r.getTimeSeriesLength());
          masked.add(n.name());
        }
        continue;
      }
      Tensor[] ins = new Tensor[n.inputs().size()];
      for (int i = 0; i < ins.length; i++) {
        ins[i] = values.get(n.inputs().get(i));
      }
      values.put(n.name(), node(n, ins));
    }
    source = null;
    List<String> outs = network.outputs();
    int[] result = new int[outs.size()];
    for (int k = 0; k < result.length; k++) {
      result[k] = output(values.get(outs.get(k))).node();
    }
    return result;
  }

  private Tensor node(Network.Node n, Tensor[] ins) {
    org.deeplearning4j.nn.conf.graph.GraphVertex vc = n.vertex();
    boolean maskIn = false;
    for (String in : n.inputs()) {
      maskIn |= masked.contains(in);
    }
    if (maskIn) {
      return maskedLayer(n, ins);
    }
    if (n.layer() != null && ins.length == 1) {
      Tensor cur = n.preprocessor() == null ? ins[0] : preprocessor(n, n.preprocessor(), ins[0]);
      return layer(n, cur);
    }
    if (vc instanceof MergeVertex && mergeable(ins)) {
      return merge(n, ins);
    }
    if (vc instanceof ElementWiseVertex ew && sameGeometry(ins) && ew.getOp() != null) {
      Tensor[] aligned = alignMemory(ins);
      return add(n.label(), new ElementWiseKernel(n.name(), ew.getOp(), aligned[0].geometry().size()),
          aligned[0].geometry(), aligned[0].type(), ids(aligned));
    }
    if (vc instanceof PreprocessorVertex pv && ins.length == 1) {
      return preprocessor(n, pv.getPreProcessor(), ins[0]);
    }
    InputType[] types = new InputType[ins.length];
    for (int i = 0; i < ins.length; i++) {
      types[i] = ins[i].type();
    }
    return dl4jFallback(Dl4jKernel.Kind.VERTEX, n, n.label(), ins, () -> vc.getOutputType(-1, types));
  }

  // ---------------------------------------------------------------- inputs and outputs

  private Tensor input(int k, int[] shape, CNN2DFormat format, RNNFormat sequences) {
    Geometry g;
    if (shape.length == 3 && format == CNN2DFormat.NHWC) {
      g = Geometry.image(shape[2], shape[0], shape[1], Geometry.Memory.HWC);
    } else {
      g = new Geometry(shape, Geometry.Memory.CHW);
    }
    InputType type;
    if (shape.length == 2) {
      // a sequence in DL4J's per-example layout of its first layer: [size, time] (NCW) or [time, size] (NWC)
      type = sequences == RNNFormat.NWC ? InputType.recurrent(shape[1], shape[0], RNNFormat.NWC)
          : InputType.recurrent(shape[0], shape[1], RNNFormat.NCW);
    } else {
      type = g.toInputType(format);
    }
    int id = nodes.size();
    nodes.add(new PlanNode(id, "input " + k, new int[0], k, null, g, false, source));
    inputNodes.add(id);
    Tensor t = new Tensor(id, g, type);
    if (!cachePrefix) {
      t = add("input " + k + " replicated", new ReplicateKernel(g.size()), g, type, new int[] {id}, true);
    }
    return t;
  }

  /** Outputs are handed back in DL4J's memory order. */
  private Tensor output(Tensor t) {
    if (t.geometry().memory() == Geometry.Memory.HWC && formatOf(t.type()) == CNN2DFormat.NCHW) {
      return layout(t, false);
    }
    return t;
  }

  // ---------------------------------------------------------------- layers

  /**
   * A layer reading masked sequences: its input noise as for any layer, then DL4J's own layer with
   * the chunk's mask set; the mask goes on to the next layer when the layer's {@code
   * feedForwardMaskArray} passes it on (recurrent layers), and stops where DL4J's stops (LastTimeStep,
   * GlobalPoolingLayer: their outputs have no time steps).
   */
  private Tensor maskedLayer(Network.Node n, Tensor[] ins) {
    if (n.layer() == null || ins.length != 1) {
      throw new UnsupportedLayerException(n.label() + " reads masked sequences, and only a MultiLayerNetwork's layers"
          + " take features masks here; score without a mask (sequences padded to one length)");
    }
    if (n.preprocessor() != null) {
      throw new UnsupportedLayerException(n.label() + " reads masked sequences through the input preprocessor "
          + n.preprocessor().getClass().getSimpleName() + ", whose mask handling the MC pass does not reproduce; build"
          + " the network without it (recurrent layers, RnnOutputLayer, LastTimeStep or GlobalPoolingLayer take"
          + " sequences directly), or score without a mask");
    }
    Layer layer = n.layer();
    org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
    Tensor cur = inputNoise(n, conf, ins[0]);
    if (!Double.isNaN(stochastic.weightDropout(conf))) {
      throw new UnsupportedLayerException("DropConnect cannot run on " + n.label() + ", which reads masked sequences"
          + " in DL4J's own kernel; score it by its dropout, or choose --dropconnect-layers that exclude it");
    }
    Tensor out = conf instanceof DropoutLayer ? cur
        : dl4jFallback(Dl4jKernel.Kind.LAYER, n, n.label(), new Tensor[] {cur}, declared(conf, cur.type()), true);
    org.nd4j.common.primitives.Pair<INDArray, org.deeplearning4j.nn.api.MaskState> next;
    try {
      next = layer.feedForwardMaskArray(Nd4j.ones(dataType, 1, maskLength), org.deeplearning4j.nn.api.MaskState.Active, 1);
    } finally {
      layer.setMaskArray(null); // the probe leaves the user's network as it was
    }
    if (next != null && next.getFirst() != null) {
      long[] shape = next.getFirst().shape();
      if (shape.length != 2 || shape[0] != 1 || shape[1] != maskLength) {
        throw new UnsupportedLayerException(n.label() + " turns the features mask of " + maskLength + " time steps into"
            + " one of shape " + Arrays.toString(shape) + " (it changes the sequence length); the MC pass keeps one mask"
            + " per example, so masks are refused for this network; score sequences padded to one length without a mask");
      }
      masked.add(n.name());
    }
    return out;
  }

  /** The noise site on a layer's input, if the rules make its input random; refuses what cannot be sampled exactly. */
  private Tensor inputNoise(Network.Node n, org.deeplearning4j.nn.conf.layers.Layer conf, Tensor in) {
    String name = n.label();
    Noise noise = stochastic.inputNoise(n.name(), conf);
    Tensor cur = in;
    if (noise != null && conf instanceof org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional) {
      throw new UnsupportedLayerException(name + " has dropout (" + conf.getIDropout().getClass().getSimpleName() + "),"
          + " which DL4J applies to its input twice, with one independent mask per direction; the MC pass draws one"
          + " mask per layer input, which would be another distribution, so the network is refused with MC dropout"
          + " on; remove the Bidirectional layer's dropout and put a DropoutLayer before it (one mask shared by both"
          + " directions), or score without --dropout");
    }
    if (noise != null && conf instanceof org.deeplearning4j.nn.conf.layers.GravesBidirectionalLSTM) {
      throw new UnsupportedLayerException(name + " has dropout (" + conf.getIDropout().getClass().getSimpleName() + "),"
          + " which DL4J 1.0.0-M2.1 never applies to a GravesBidirectionalLSTM, not even in training, so the network"
          + " was trained without it and MC noise there would be noise it never saw; the network is refused with MC"
          + " dropout on; remove the layer's dropout (or put a DropoutLayer before it), or score without --dropout");
    }
    if (noise != null) {
      cur = add("dropout of " + name, new NoiseKernel(name, noise, sites++, cur.geometry(), spatialDim(conf, cur.type())),
          cur.geometry(), cur.type(), new int[] {cur.node()});
    }
    return cur;
  }

  private Tensor layer(Network.Node n, Tensor in) {
    String name = n.label();
    Layer layer = n.layer();
    org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
    Tensor cur = inputNoise(n, conf, in);
    double wd = stochastic.weightDropout(conf);
    if (Dl4jFallback.isWrapper(layer)) {
      Dl4jFallback.refuseDropConnect(name, layer, wd);
      return dl4jFallback(Dl4jKernel.Kind.LAYER, n, name, new Tensor[] {cur}, declared(conf, cur.type()));
    }
    Class<?> k = conf.getClass();
    if (k == DenseLayer.class && ((DenseLayer) conf).hasLayerNorm()) {
      // Layer normalisation of the pre-activations (DL4J's own kernel): the dense kernel has none, so
      // the layer runs through DL4J, exactly as DL4J's output(x) runs it (DESIGN.md, invariant 9).
      if (!Double.isNaN(wd)) {
        throw new UnsupportedLayerException("DropConnect cannot run on " + name + " (DenseLayer with hasLayerNorm(true):"
            + " its layer normalisation runs in DL4J's own kernel, which takes no dropped weights); score it by its"
            + " dropout, or choose --dropconnect-layers that exclude it");
      }
      return dl4jFallback(Dl4jKernel.Kind.LAYER, n, name, new Tensor[] {cur}, declared(conf, cur.type()));
    }
    if (k == DenseLayer.class || k == OutputLayer.class) {
      return dense(name, layer, (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf, cur, wd);
    }
    if (k == ConvolutionLayer.class) {
      return convolution(name, layer, (ConvolutionLayer) conf, cur, wd);
    }
    if (!Double.isNaN(wd)) {
      throw new UnsupportedLayerException("DropConnect cannot run on " + name
          + (name.contains(k.getSimpleName()) ? "" : " (" + k.getSimpleName() + ")") + ": its weights are not in a"
          + " native kernel here; supported layers: DenseLayer, OutputLayer, ConvolutionLayer. Score it by its"
          + " dropout, or choose --dropconnect-layers that exclude it");
    }
    if (k == org.deeplearning4j.nn.conf.layers.SeparableConvolution2D.class && cur.geometry().isImage()) {
      return separableConvolution(name, layer, (org.deeplearning4j.nn.conf.layers.SeparableConvolution2D) conf, cur);
    }
    if (conf instanceof DropoutLayer) {
      return cur; // its noise (if any) is the site above; deterministic dropout is the identity
    }
    if (k == SubsamplingLayer.class && cur.geometry().isImage()) {
      SubsamplingLayer s = (SubsamplingLayer) conf;
      if (s.getPoolingType() == PoolingType.MAX || s.getPoolingType() == PoolingType.AVG) {
        return pooling(name, s, cur);
      }
    }
    if (k == org.deeplearning4j.nn.conf.layers.LocalResponseNormalization.class && cur.geometry().isImage()) {
      Tensor t = localResponseNormalization(name, (org.deeplearning4j.nn.conf.layers.LocalResponseNormalization) conf, cur);
      if (t != null) {
        return t;
      }
    }
    if (k == org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.class && cur.geometry().isImage()) {
      Tensor t = globalPooling(name, (org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer) conf, cur);
      if (t != null) {
        return t;
      }
    }
    if ((k == org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer.class
        || k == org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer.class
        || k == org.deeplearning4j.nn.conf.layers.Upsampling2D.class
        || k == org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D.class) && cur.geometry().isImage()) {
      Tensor t = gather(name, layer, k.getSimpleName(), cur, conf.getOutputType(0, cur.type()));
      if (t != null) {
        return t;
      }
    }
    if (k == BatchNormalization.class && (cur.geometry().isFlat() || cur.geometry().isImage())) {
      return batchNorm(name, layer, (BatchNormalization) conf, cur);
    }
    if (k == org.deeplearning4j.nn.conf.layers.LossLayer.class) {
      // No parameters: at inference a loss layer is its activation; its configuration's nOut is 0,
      // so its declared output type cannot be used (the shape is the input's).
      Activation a = Activation.of(((org.deeplearning4j.nn.conf.layers.LossLayer) conf).getActivationFn());
      if (cur.geometry().isFlat()) {
        return add(name, new ActivationKernel(name, a, cur.geometry().size()), cur.geometry(), cur.type(),
            new int[] {cur.node()});
      }
      return dl4jFallback(Dl4jKernel.Kind.LAYER, n, name, new Tensor[] {cur}, declared(null, cur.type()));
    }
    if (k == ActivationLayer.class) {
      Activation a = Activation.of(((ActivationLayer) conf).getActivationFn());
      if (cur.geometry().isFlat() || !a.isRowWise()) {
        return add(name, new ActivationKernel(name, a, cur.geometry().size()), cur.geometry(), cur.type(),
            new int[] {cur.node()});
      }
    }
    return dl4jFallback(Dl4jKernel.Kind.LAYER, n, name, new Tensor[] {cur}, declared(conf, cur.type()));
  }

  private Tensor dense(String name, Layer layer, org.deeplearning4j.nn.conf.layers.FeedForwardLayer conf, Tensor in, double wd) {
    Tensor cur = in;
    if (!cur.geometry().isFlat()) {
      throw new InputShapeException(name + " expects feed-forward input [batch, " + conf.getNIn() + "], but receives"
          + " per-example activations of shape " + cur.geometry() + "; flatten the input or add a"
          + " CnnToFeedForwardPreProcessor (setInputType) when building the network");
    }
    int nIn = cur.geometry().size();
    if (nIn != conf.getNIn()) {
      throw new InputShapeException(name + " expects " + conf.getNIn() + " input features per example, but receives "
          + nIn + (cur.node() == firstInputNode() ? " (the network input has shape [batch, " + nIn + "]); pass inputs of shape [batch, "
          + conf.getNIn() + "]" : ""));
    }
    int nOut = Math.toIntExact(conf.getNOut());
    float[] w = params(layer, "W", (long) nIn * nOut, name);
    float[] b = layer.getParam("b") == null ? null : params(layer, "b", nOut, name);
    int site = Double.isNaN(wd) ? -1 : sites++;
    int id = nodes.size();
    DenseKernel k = new DenseKernel(id, name, nIn, nOut, w, b, Activation.of(conf.getActivationFn()), wd, site);
    return add(name, k, Geometry.flat(nOut), InputType.feedForward(nOut), new int[] {cur.node()});
  }

  private int firstInputNode() {
    return inputNodes.isEmpty() ? -1 : (cachePrefix ? inputNodes.get(0) : inputNodes.get(0) + 1);
  }

  private Tensor convolution(String name, Layer layer, ConvolutionLayer conf, Tensor in, double wd) {
    Geometry g = in.geometry();
    if (!g.isImage()) {
      throw new InputShapeException(name + " expects image input [batch, channels, height, width], but receives"
          + " per-example activations of shape " + g + "; pass images of shape [batch, " + conf.getNIn() + ", h, w]"
          + " or a flat input with InputType.convolutionalFlat when building the network");
    }
    requireChannels(name, conf.getNIn(), g);
    Tensor cur = toMemory(in, Geometry.Memory.HWC);
    int[] kernel = conf.getKernelSize();
    Window win = Window.of(name, g.height(), g.width(), kernel, conf.getStride(), conf.getPadding(), conf.getDilation(),
        conf.getConvolutionMode());
    int outC = Math.toIntExact(conf.getNOut());
    float[] w = params(layer, "W", (long) outC * g.channels() * kernel[0] * kernel[1], name);
    float[] b = conf.hasBias() && layer.getParam("b") != null ? params(layer, "b", outC, name) : null;
    int site = Double.isNaN(wd) ? -1 : sites++;
    int id = nodes.size();
    ConvKernel k = new ConvKernel(id, name, g.channels(), outC, win, w, b, Activation.of(conf.getActivationFn()), wd, site);
    Geometry out = Geometry.image(outC, win.outH(), win.outW(), Geometry.Memory.HWC);
    return add(name, k, out, InputType.convolutional(win.outH(), win.outW(), outC, conf.getCnn2dDataFormat()),
        new int[] {cur.node()});
  }

  /** Refuses image activations whose channel count is not the layer's {@code nIn}. */
  private static void requireChannels(String name, long nIn, Geometry g) {
    if (g.channels() != nIn) {
      throw new InputShapeException(name + " expects " + nIn + " input channels, but receives " + g.channels()
          + " (per-example shape " + g + ")");
    }
  }

  /** DL4J's SeparableConvolution2D as {@link SeparableConvKernel} (never with DropConnect: refused before). */
  private Tensor separableConvolution(String name, Layer layer, org.deeplearning4j.nn.conf.layers.SeparableConvolution2D conf,
      Tensor in) {
    Geometry g = in.geometry();
    requireChannels(name, conf.getNIn(), g);
    Tensor cur = toMemory(in, Geometry.Memory.HWC);
    int[] kernel = conf.getKernelSize();
    Window win = Window.of(name, g.height(), g.width(), kernel, conf.getStride(), conf.getPadding(), conf.getDilation(),
        conf.getConvolutionMode());
    int m = conf.getDepthMultiplier();
    int outC = Math.toIntExact(conf.getNOut());
    float[] dw = params(layer, "W", (long) m * g.channels() * kernel[0] * kernel[1], name);
    float[] pw = params(layer, "pW", (long) outC * g.channels() * m, name);
    float[] b = conf.hasBias() && layer.getParam("b") != null ? params(layer, "b", outC, name) : null;
    SeparableConvKernel k = new SeparableConvKernel(name, g.channels(), m, outC, win, dw, pw, b,
        Activation.of(conf.getActivationFn()));
    Geometry out = Geometry.image(outC, win.outH(), win.outW(), Geometry.Memory.HWC);
    return add(name, k, out, InputType.convolutional(win.outH(), win.outW(), outC, conf.getCnn2dDataFormat()),
        new int[] {cur.node()});
  }

  private Tensor pooling(String name, SubsamplingLayer conf, Tensor in) {
    Geometry g = in.geometry();
    Tensor cur = toMemory(in, Geometry.Memory.HWC);
    Window win = Window.of(name, g.height(), g.width(), conf.getKernelSize(), conf.getStride(), conf.getPadding(),
        conf.getDilation(), conf.getConvolutionMode());
    boolean max = conf.getPoolingType() == PoolingType.MAX;
    // As measured against DL4J 1.0.0-M2.1: avgPoolIncludePadInDivisor = true divides by kH * kW,
    // false by the number of cells inside the image (DL4J's own comments say the opposite).
    boolean divideByKernel = conf.isAvgPoolIncludePadInDivisor();
    PoolKernel k = new PoolKernel(name, max, divideByKernel, g.channels(), win);
    Geometry out = Geometry.image(g.channels(), win.outH(), win.outW(), Geometry.Memory.HWC);
    return add(name, k, out, InputType.convolutional(win.outH(), win.outW(), g.channels(), conf.getCnn2dDataFormat()),
        new int[] {cur.node()});
  }

  /**
   * Local response normalisation across channels, natively; null (DL4J runs it) for an even window
   * {@code n} or non-positive {@code k}, which the kernel does not claim to reproduce.
   */
  private Tensor localResponseNormalization(String name, org.deeplearning4j.nn.conf.layers.LocalResponseNormalization conf,
      Tensor in) {
    double n = conf.getN();
    if (n != Math.rint(n) || n < 1 || ((int) n) % 2 == 0 || !(conf.getK() > 0)) {
      return null;
    }
    Geometry g = in.geometry();
    Tensor cur = toMemory(in, Geometry.Memory.HWC);
    LrnKernel k = new LrnKernel(name, g.channels(), g.height() * g.width(), (int) n, conf.getK(), conf.getAlpha(),
        conf.getBeta());
    return add(name, k, cur.geometry(), in.type(), new int[] {cur.node()});
  }

  /**
   * Global pooling of NCHW-typed images over height and width into one value per channel,
   * natively; null (DL4J runs it) for other pooling dimensions, uncollapsed output, NHWC-typed
   * input or other pooling types.
   */
  private Tensor globalPooling(String name, org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer conf, Tensor in) {
    int[] dims = conf.getPoolingDimensions();
    if (!conf.isCollapseDimensions() || formatOf(in.type()) != CNN2DFormat.NCHW
        || (dims != null && !Arrays.equals(dims, new int[] {2, 3}) && !Arrays.equals(dims, new int[] {3, 2}))) {
      return null;
    }
    GlobalPoolKernel.Reduction r = switch (conf.getPoolingType()) {
      case MAX -> GlobalPoolKernel.Reduction.MAX;
      case AVG -> GlobalPoolKernel.Reduction.AVG;
      case SUM -> GlobalPoolKernel.Reduction.SUM;
      case PNORM -> GlobalPoolKernel.Reduction.PNORM;
      default -> null;
    };
    if (r == null || (r == GlobalPoolKernel.Reduction.PNORM && conf.getPnorm() < 1)) {
      return null;
    }
    Geometry g = in.geometry();
    Tensor cur = toMemory(in, Geometry.Memory.HWC);
    GlobalPoolKernel k = new GlobalPoolKernel(name, r, conf.getPnorm(), g.channels(), g.height() * g.width());
    return add(name, k, Geometry.flat(g.channels()), InputType.feedForward(g.channels()), new int[] {cur.node()});
  }

  /**
   * A layer that only moves values, as a gather whose map is read off DL4J's own layer: one probe
   * example holding {@code index + 1} in each input cell (exact in float below 2^24) gives, per
   * output cell, the input cell it copies (0: a padded zero). A second probe of random values must
   * then come out exactly as the gather predicts, else the layer is not a pure move (for some flag)
   * and null is returned: DL4J runs it.
   */
  private Tensor gather(String name, Layer layer, String what, Tensor in, InputType outType) {
    Tensor cur = toMemory(in, formatOf(in.type()) == CNN2DFormat.NHWC ? Geometry.Memory.HWC : Geometry.Memory.CHW);
    Geometry g = cur.geometry();
    if (!Geometry.describes(outType)) {
      return null; // an output DL4J's input types cannot describe here: DL4J runs the layer
    }
    Geometry out = Geometry.of(outType);
    int inSize = g.size();
    int outSize = out.size();
    if (inSize >= (1 << 24) - 1) {
      return null;
    }
    float[] idx = new float[inSize];
    for (int i = 0; i < inSize; i++) {
      idx[i] = i + 1;
    }
    float[] mapped = probe(layer, g, idx, outSize);
    if (mapped == null) {
      return null;
    }
    int[] source = new int[outSize];
    for (int j = 0; j < outSize; j++) {
      float v = mapped[j];
      if (v != Math.rint(v) || v < 0 || v > inSize) {
        return null;
      }
      source[j] = (int) v - 1;
    }
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(inSize * 31L + outSize);
    float[] values = new float[inSize];
    for (int i = 0; i < inSize; i++) {
      values[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    float[] actual = probe(layer, g, values, outSize);
    GatherKernel kernel = new GatherKernel(what, source, inSize);
    float[] predicted = new float[outSize];
    kernel.gather(values, 0, predicted, 0);
    if (actual == null || !Arrays.equals(actual, predicted)) {
      return null;
    }
    return add(name, kernel, out, outType, new int[] {cur.node()});
  }

  /** DL4J's layer at inference on one example of {@code values}; null when its output has another size. */
  private float[] probe(Layer layer, Geometry g, float[] values, int outSize) {
    INDArray x = Nd4j.create(values, g.batchShape(1), 'c').castTo(dataType);
    INDArray y = layer.activate(x, false, LayerWorkspaceMgr.noWorkspaces());
    layer.clear();
    if (y.length() != outSize) {
      return null;
    }
    return y.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  /** Batch-norm at inference is affine per channel: read its scale and shift off DL4J's own layer. */
  private Tensor batchNorm(String name, Layer layer, BatchNormalization conf, Tensor in) {
    Geometry g = in.geometry();
    int c = g.dims()[0];
    INDArray probe;
    CNN2DFormat f = conf.getCnn2DFormat();
    if (g.isFlat()) {
      probe = Nd4j.create(dataType, 2, c);
    } else {
      probe = f == CNN2DFormat.NHWC ? Nd4j.create(dataType, 2, 1, 1, c) : Nd4j.create(dataType, 2, c, 1, 1);
    }
    probe.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1)).assign(1.0);
    INDArray y = layer.activate(probe, false, LayerWorkspaceMgr.noWorkspaces()).castTo(DataType.FLOAT).dup('c');
    layer.clear();
    float[] v = y.data().asFloat();
    float[] scale = new float[c];
    float[] shift = new float[c];
    for (int ch = 0; ch < c; ch++) {
      shift[ch] = v[ch];
      scale[ch] = v[c + ch] - v[ch];
    }
    return add(name, AffineKernel.perChannel(name, g, scale, shift), g, in.type(), new int[] {in.node()});
  }

  // ---------------------------------------------------------------- preprocessors and vertices

  /** A node's input preprocessor (or a graph's preprocessor vertex): natively when it only reshapes, else by DL4J. */
  private Tensor preprocessor(Network.Node n, InputPreProcessor pre, Tensor in) {
    Tensor t = preprocessorOrNull(pre, in);
    if (t != null) {
      return t;
    }
    Dl4jKernel.Kind kind = n.vertex() instanceof PreprocessorVertex ? Dl4jKernel.Kind.VERTEX : Dl4jKernel.Kind.PREPROCESSOR;
    return dl4jFallback(kind, n, "preprocessor of " + n.label(), new Tensor[] {in}, () -> pre.getOutputType(in.type()));
  }

  /** Native handling of the reshaping preprocessors; null when DL4J must run it. */
  private Tensor preprocessorOrNull(InputPreProcessor pre, Tensor in) {
    Geometry g = in.geometry();
    if (pre instanceof CnnToFeedForwardPreProcessor p && g.isImage()) {
      Tensor t = toMemory(in, p.getFormat() == CNN2DFormat.NHWC ? Geometry.Memory.HWC : Geometry.Memory.CHW);
      return new Tensor(t.node(), Geometry.flat(g.size()), InputType.feedForward(g.size()));
    }
    if (pre instanceof org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor && g.isFlat()
        && in.type() instanceof InputType.InputTypeFeedForward) {
      return in; // DL4J passes feed-forward input through unchanged (e.g. after a GlobalPoolingLayer on sequences)
    }
    if (pre instanceof FeedForwardToCnnPreProcessor p && g.isFlat()) {
      int c = Math.toIntExact(p.getNumChannels()), h = Math.toIntExact(p.getInputHeight()), w = Math.toIntExact(p.getInputWidth());
      if ((long) c * h * w != g.size()) {
        throw new InputShapeException("the network reshapes its input of " + g.size() + " features per example into"
            + " images of [" + c + ", " + h + ", " + w + "] = " + ((long) c * h * w) + " values; pass inputs with "
            + ((long) c * h * w) + " features per example");
      }
      return new Tensor(in.node(), Geometry.image(c, h, w, Geometry.Memory.CHW), InputType.convolutional(h, w, c, CNN2DFormat.NCHW));
    }
    return null;
  }

  private boolean mergeable(Tensor[] ins) {
    Geometry first = ins[0].geometry();
    for (Tensor t : ins) {
      Geometry g = t.geometry();
      if (first.isFlat() != g.isFlat() || (!g.isFlat() && !g.isImage())) {
        return false;
      }
      if (g.isImage() && (g.height() != first.height() || g.width() != first.width()
          || formatOf(t.type()) != formatOf(ins[0].type()))) {
        return false;
      }
    }
    return first.isFlat() || first.isImage();
  }

  private Tensor merge(Network.Node n, Tensor[] ins) {
    Tensor[] aligned = alignMemory(ins);
    Geometry[] gs = new Geometry[aligned.length];
    InputType[] types = new InputType[aligned.length];
    int total = 0;
    for (int i = 0; i < aligned.length; i++) {
      gs[i] = aligned[i].geometry();
      types[i] = aligned[i].type();
      total += gs[i].isFlat() ? gs[i].size() : gs[i].channels();
    }
    Geometry out = gs[0].isFlat() ? Geometry.flat(total)
        : Geometry.image(total, gs[0].height(), gs[0].width(), gs[0].memory());
    InputType type = n.vertex().getOutputType(-1, types);
    return add(n.label(), new MergeKernel(n.name(), gs, out), out, type, ids(aligned));
  }

  /** A node DL4J runs: refused or measured by {@link Dl4jFallback}, which owns every such decision. */
  private Tensor dl4jFallback(Dl4jKernel.Kind kind, Network.Node n, String name, Tensor[] ins,
      java.util.function.Supplier<InputType> declared) {
    return dl4jFallback(kind, n, name, ins, declared, false);
  }

  private Tensor dl4jFallback(Dl4jKernel.Kind kind, Network.Node n, String name, Tensor[] ins,
      java.util.function.Supplier<InputType> declared, boolean maskedInput) {
    Tensor[] aligned = new Tensor[ins.length];
    Geometry[] gs = new Geometry[ins.length];
    for (int i = 0; i < ins.length; i++) {
      aligned[i] = ins[i].geometry().isImage()
          ? toMemory(ins[i], formatOf(ins[i].type()) == CNN2DFormat.NHWC ? Geometry.Memory.HWC : Geometry.Memory.CHW)
          : ins[i];
      gs[i] = aligned[i].geometry();
    }
    boolean sequences = false;
    for (Tensor t : ins) {
      sequences |= t.type() instanceof InputType.InputTypeRecurrent;
    }
    Dl4jFallback.Output out = Dl4jFallback.probe(network, kind, n, name, gs, sequences, declared, dataType);
    Dl4jKernel k = new Dl4jKernel(kind, n.name(), gs, out.geometry(), dataType, maskedInput);
    return add(name, k, out.geometry(), out.type(), ids(aligned));
  }

  // ---------------------------------------------------------------- helpers

  /** DL4J's declared output type of layer {@code conf} (or {@code in} itself when conf is null), asked lazily. */
  private static java.util.function.Supplier<InputType> declared(org.deeplearning4j.nn.conf.layers.Layer conf, InputType in) {
    return () -> conf == null ? in : conf.getOutputType(0, in);
  }

  private Tensor add(String name, Kernel kernel, Geometry g, InputType type, int[] inputs) {
    return add(name, kernel, g, type, inputs, false);
  }

  private Tensor add(String name, Kernel kernel, Geometry g, InputType type, int[] inputs, boolean forceSampled) {
    boolean sampled = forceSampled || kernel.isStochastic();
    for (int in : inputs) {
      sampled |= nodes.get(in).sampled();
    }
    int id = nodes.size();
    nodes.add(new PlanNode(id, name, inputs, -1, kernel, g, sampled, source));
    return new Tensor(id, g, type);
  }

  private Tensor toMemory(Tensor t, Geometry.Memory m) {
    if (!t.geometry().isImage() || t.geometry().memory() == m) {
      return t;
    }
    return layout(t, m == Geometry.Memory.HWC);
  }

  private Tensor layout(Tensor t, boolean toChannelsLast) {
    Geometry g = t.geometry().withMemory(toChannelsLast ? Geometry.Memory.HWC : Geometry.Memory.CHW);
    return add("layout", new LayoutKernel(t.geometry(), toChannelsLast), g, t.type(), new int[] {t.node()});
  }

  private Tensor[] alignMemory(Tensor[] ins) {
    Tensor[] out = ins.clone();
    if (ins[0].geometry().isImage()) {
      Geometry.Memory m = ins[0].geometry().memory();
      for (int i = 1; i < out.length; i++) {
        out[i] = toMemory(out[i], m);
      }
    }
    return out;
  }

  private static boolean sameGeometry(Tensor[] ins) {
    for (Tensor t : ins) {
      if (!Arrays.equals(t.geometry().dims(), ins[0].geometry().dims())) {
        return false;
      }
    }
    return true;
  }

  private static int[] ids(Tensor[] ts) {
    int[] r = new int[ts.length];
    for (int i = 0; i < ts.length; i++) {
      r[i] = ts[i].node();
    }
    return r;
  }

  private static CNN2DFormat formatOf(InputType type) {
    return type instanceof InputType.InputTypeConvolutional c ? c.getFormat() : CNN2DFormat.NCHW;
  }

  private float[] params(Layer layer, String key, long expected, String name) {
    INDArray p = layer.getParam(key);
    if (p == null || p.length() != expected) {
      throw new IllegalStateException(name + " parameter " + key + " has " + (p == null ? "no values" : p.length() + " values")
          + ", expected " + expected);
    }
    return p.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  /**
   * Which per-example dimension (of DL4J's layout) a SpatialDropout on this layer's input drops
   * whole. DL4J 1.0.0-M2.1's SpatialDropout drops dimension 1 of the array it is given, and
   * layers apply their dropout to their input as it arrives, so that is the channels of NCHW
   * images and NCW sequences but the rows of NHWC images and the time steps of NWC sequences;
   * except LSTM, which permutes NWC input to NCW before its dropout, so it drops features.
   */
  private static int spatialDim(org.deeplearning4j.nn.conf.layers.Layer conf, InputType in) {
    if (in instanceof InputType.InputTypeConvolutional c && c.getFormat() == CNN2DFormat.NHWC) {
      return 1; // [c, h, w] dims: DL4J's [batch, h, w, c] array has h at dimension 1
    }
    if (in instanceof InputType.InputTypeRecurrent r && r.getFormat() == RNNFormat.NWC
        && (conf instanceof org.deeplearning4j.nn.conf.layers.LSTM)) {
      return 1; // [time, features] dims; the LSTM sees [batch, features, time]
    }
    return 0;
  }

  /** The image format a layer expects, for deciding how a 4D network input is laid out. */
  private static CNN2DFormat imageFormat(org.deeplearning4j.nn.conf.layers.Layer conf) {
    if (conf instanceof ConvolutionLayer c) {
      return c.getCnn2dDataFormat();
    }
    if (conf instanceof SubsamplingLayer s) {
      return s.getCnn2dDataFormat();
    }
    if (conf instanceof BatchNormalization b) {
      return b.getCnn2DFormat();
    }
    return CNN2DFormat.NCHW;
  }
}
