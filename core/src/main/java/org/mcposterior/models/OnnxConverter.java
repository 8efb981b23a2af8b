package org.mcposterior.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One ONNX graph translated into a DL4J {@code ComputationGraph} (see {@link OnnxModels}). Used once
 * per model read; not thread-safe.
 *
 * <p>Every ONNX value is either a {@link Const} (an initializer, a {@code Constant} node, or shape
 * arithmetic evaluated here with a symbolic batch size {@link #BATCH}) or an {@link Act}: per-example
 * activations computed by a DL4J vertex, of per-example shape {@code [n]} (feed-forward) or {@code
 * [C, H, W]} (images, NCHW). Nodes are translated in the graph's order (ONNX requires it to be
 * topological); nodes that the graph output does not depend on (the extra outputs of a training-form
 * batch-norm, a dropout's mask) are skipped.
 */
final class OnnxConverter {
  /** The batch size in evaluated shapes: symbolic, never a real size. */
  static final long BATCH = Long.MIN_VALUE;

  private static final Set<String> SUPPORTED = new TreeSet<>(List.of("Gemm", "MatMul", "Conv", "ConvTranspose",
      "BatchNormalization", "Relu", "LeakyRelu", "Elu", "Selu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Erf",
      "HardSigmoid", "Clip", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape",
      "Transpose", "Add", "Sub", "Mul", "Div", "Concat", "Identity", "Constant", "Dropout", "Shape", "Gather",
      "Unsqueeze", "Squeeze", "Cast", "Pad"));

  /** A constant tensor; integers are held exactly as doubles (shapes, indices). */
  record Const(long[] dims, double[] values) {
    int size() {
      return values.length;
    }

    double scalar() {
      return values[0];
    }
  }

  /**
   * Activations of DL4J vertex {@code vertex}, of per-example shape {@code dims}. {@code exclusive}
   * means nothing else reads the vertex, so a following bias or activation may be folded into its
   * layer ({@code producer}, or null when the vertex is not a dense or convolution layer).
   */
  record Act(String vertex, long[] dims, Pending producer, boolean exclusive) {
    boolean isFlat() {
      return dims.length == 1;
    }

    boolean isImage() {
      return dims.length == 3;
    }
  }

  /**
   * The graph's rank-4 input before its first reader says its layout: rows of the per-example dims
   * {@code [a, b, c]} flattened in C order. A {@code Transpose(perm=[0, 3, 1, 2])} reads it as
   * channels-last images (NHWC, as Keras models are); any other reader as channels-first (NCHW).
   */
  record RawImages(long[] dims) {}

  /**
   * Channels-last activations after a {@code Transpose(perm=[0, 2, 3, 1])}: ONNX sees {@code [H, W,
   * C]}; DL4J keeps the channels-first images {@code images}. Only a transpose back, a flatten, and
   * element-wise activations and dropout may read them.
   */
  record ChannelsLast(Act images) {
    long[] dims() {
      long[] d = images.dims();
      return new long[] {d[1], d[2], d[0]};
    }
  }

  /** A vertex to add to the DL4J graph, with its parameters to set once the graph exists. */
  static final class Pending {
    final String name;
    final Layer layer;
    final GraphVertex vertex;
    final String[] inputs;
    final Map<String, INDArray> params = new LinkedHashMap<>();
    boolean takesBias;
    boolean takesActivation;

    Pending(String name, Layer layer, GraphVertex vertex, String... inputs) {
      this.name = name;
      this.layer = layer;
      this.vertex = vertex;
      this.inputs = inputs;
    }
  }

  private final Onnx.ModelProto model;
  private final Onnx.GraphProto graph;
  private final String source;
  private final int opset;
  private final Map<String, Object> values = new HashMap<>();
  private final Map<String, Integer> uses = new HashMap<>();
  private final List<Pending> pending = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private String inputName;
  private InputType inputType;
  /** The input's batch size when the export fixed it (no dynamic axis), which then stands for any batch; else 0. */
  private long fixedBatch;

  OnnxConverter(Onnx.ModelProto model, String source) {
    this.model = model;
    this.graph = model.getGraph();
    this.source = source;
    this.opset = opset(model, source);
  }

  private static int opset(Onnx.ModelProto model, String source) {
    for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        int v = Math.toIntExact(o.getVersion());
        if (v < OnnxModels.MIN_OPSET || v > OnnxModels.MAX_OPSET) {
          throw new ModelLoadException("ONNX model " + source + " uses opset " + v + "; opsets "
              + OnnxModels.MIN_OPSET + " to " + OnnxModels.MAX_OPSET + " are read. Export it again with an opset in"
              + " that range (torch.onnx.export(..., opset_version=13))");
        }
        return v;
      }
    }
    throw new ModelLoadException("ONNX model " + source + " imports no default-domain opset (opset_import lists "
        + model.getOpsetImportList().stream().map(o -> "'" + o.getDomain() + "'").toList() + "); expected a model"
        + " of standard ONNX operators, as torch.onnx.export writes");
  }

  Network convert() {
    readInitializers();
    readInput();
    if (graph.getOutputCount() != 1) {
      throw new ModelLoadException("ONNX model " + source + " has " + graph.getOutputCount() + " outputs "
          + graph.getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList() + "; one output is scored."
          + " Export the model with the output to score only");
    }
    String output = graph.getOutput(0).getName();
    Set<Onnx.NodeProto> live = live(output);
    for (Onnx.NodeProto n : graph.getNodeList()) {
      if (live.contains(n)) {
        for (String in : n.getInputList()) {
          if (!in.isEmpty()) {
            uses.merge(in, 1, Integer::sum);
          }
        }
      }
    }
    uses.merge(output, 1, Integer::sum);
    List<String> unsupported = new ArrayList<>();
    for (Onnx.NodeProto n : graph.getNodeList()) {
      if (live.contains(n) && (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")
          || !SUPPORTED.contains(n.getOpType()))) {
        unsupported.add(describe(n));
      }
    }
    if (!unsupported.isEmpty()) {
      throw new ModelLoadException("ONNX model " + source + " has " + (unsupported.size() == 1 ? "a node" : "nodes")
          + " whose op is not supported: " + String.join(", ", unsupported) + ". Supported ops: "
          + String.join(", ", SUPPORTED) + ". Export the model without " + (unsupported.size() == 1 ? "it" : "them")
          + " (or with another opset, if the exporter writes the layer as other ops there)");
    }
    for (Onnx.NodeProto n : graph.getNodeList()) {
      if (live.contains(n)) {
        translate(n);
      }
    }
    Object out = values.get(output);
    if (out instanceof ChannelsLast c) {
      throw new ModelLoadException("ONNX model " + source + ": its output '" + output + "' is channels-last (NHWC,"
          + " per-example shape " + Arrays.toString(c.dims()) + "); outputs are scored channels-first. Export the"
          + " model with a Transpose to NCHW (perm [0, 3, 1, 2]) at its end, or flatten the output");
    }
    if (!(out instanceof Act a) || a.vertex().equals("input")) {
      throw new ModelLoadException("ONNX model " + source + ": its output '" + output + "' is "
          + (out instanceof Const ? "a constant" : "its input") + "; nothing to sample");
    }
    return build(a);
  }

  /** The nodes the output depends on. */
  private Set<Onnx.NodeProto> live(String output) {
    Map<String, Onnx.NodeProto> producer = new HashMap<>();
    for (Onnx.NodeProto n : graph.getNodeList()) {
      for (String o : n.getOutputList()) {
        producer.put(o, n);
      }
    }
    Set<Onnx.NodeProto> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    Deque<String> todo = new ArrayDeque<>(List.of(output));
    while (!todo.isEmpty()) {
      Onnx.NodeProto n = producer.get(todo.pop());
      if (n != null && live.add(n)) {
        for (String in : n.getInputList()) {
          if (!in.isEmpty()) {
            todo.push(in);
          }
        }
      }
    }
    return live;
  }

  private void readInitializers() {
    for (Onnx.TensorProto t : graph.getInitializerList()) {
      values.put(t.getName(), tensor(t, "initializer '" + t.getName() + "'"));
    }
  }

  private void readInput() {
    List<Onnx.ValueInfoProto> inputs = new ArrayList<>();
    for (Onnx.ValueInfoProto v : graph.getInputList()) {
      if (!values.containsKey(v.getName())) {
        inputs.add(v);
      }
    }
    if (inputs.size() != 1) {
      throw new ModelLoadException("ONNX model " + source + " has " + inputs.size() + " inputs "
          + inputs.stream().map(Onnx.ValueInfoProto::getName).toList() + "; models with one input (the features"
          + " tensor) are scored. Export the model with a single input");
    }
    Onnx.ValueInfoProto in = inputs.get(0);
    inputName = in.getName();
    Onnx.TypeProto.Tensor tt = in.getType().getTensorType();
    if (tt.getElemType() != Onnx.TensorProto.DataType.FLOAT_VALUE) {
      throw new ModelLoadException("ONNX model " + source + ": input '" + inputName + "' has element type "
          + Onnx.TensorProto.DataType.forNumber(tt.getElemType()) + "; float32 features are scored. Export the model"
          + " with a float32 input (model.float())");
    }
    List<Onnx.TensorShapeProto.Dimension> dims = tt.getShape().getDimList();
    if (dims.size() != 2 && dims.size() != 4) {
      throw new ModelLoadException("ONNX model " + source + ": input '" + inputName + "' has rank " + dims.size()
          + " " + describe(dims) + "; inputs of shape [batch, features] or [batch, channels, height, width] are"
          + " read. Export the model with such an input");
    }
    fixedBatch = dims.get(0).hasDimValue() ? dims.get(0).getDimValue() : 0;
    long[] perExample = new long[dims.size() - 1];
    for (int i = 1; i < dims.size(); i++) {
      Onnx.TensorShapeProto.Dimension d = dims.get(i);
      if (!d.hasDimValue() || d.getDimValue() <= 0) {
        throw new ModelLoadException("ONNX model " + source + ": input '" + inputName + "' " + describe(dims)
            + " has a symbolic or empty dimension " + i + "; only the batch dimension (0) may be dynamic. Export"
            + " the model with fixed per-example sizes (dynamic_axes={'" + inputName + "': {0: 'batch'}})");
      }
      perExample[i - 1] = d.getDimValue();
    }
    long size = Arrays.stream(perExample).reduce(1, (x, y) -> x * y);
    inputType = InputType.feedForward(size);
    if (perExample.length == 1) {
      values.put(inputName, new Act("input", perExample, null, false));
      return;
    }
    // examples arrive as flat rows (C order) and become images in the graph, in the layout their first reader says
    values.put(inputName, new RawImages(perExample));
  }

  private Act channelsFirstInput;
  private Act channelsLastInput;

  /** The input as NCHW images: rows of {@code [C, H, W]} in C order, as torch flattens them. */
  private Act channelsFirstInput(RawImages r) {
    if (channelsFirstInput == null) {
      long[] d = r.dims();
      names.add("input_image");
      pending.add(new Pending("input_image", null, new PreprocessorVertex(new FeedForwardToCnnPreProcessor(d[1], d[2],
          d[0])), "input"));
      channelsFirstInput = new Act("input_image", d, null, false);
    }
    return channelsFirstInput;
  }

  /** The input as NHWC images (rows of {@code [H, W, C]}), held by DL4J as channels-first images {@code [C, H, W]}. */
  private Act channelsLastInput(RawImages r) {
    if (channelsLastInput == null) {
      long[] d = r.dims();
      names.add("input_nhwc");
      pending.add(new Pending("input_nhwc", null, new PreprocessorVertex(new ChannelsLastPreProcessor(true, d[0], d[1],
          d[2])), "input"));
      channelsLastInput = new Act("input_nhwc", new long[] {d[2], d[0], d[1]}, null, false);
    }
    return channelsLastInput;
  }

  private static String describe(List<Onnx.TensorShapeProto.Dimension> dims) {
    return dims.stream().map(d -> d.hasDimValue() ? String.valueOf(d.getDimValue())
        : d.getDimParam().isEmpty() ? "?" : d.getDimParam()).toList().toString();
  }

  private static String describe(Onnx.NodeProto n) {
    return "node '" + n.getName() + "' (op " + (n.getDomain().isEmpty() ? "" : n.getDomain() + ".") + n.getOpType() + ")";
  }

  private ModelLoadException refuse(Onnx.NodeProto n, String what) {
    return new ModelLoadException("ONNX model " + source + ": " + describe(n) + " " + what);
  }

  // ---------------------------------------------------------------- translation of one node

  private void translate(Onnx.NodeProto n) {
    switch (n.getOpType()) {
      case "Constant" -> define(n, constantNode(n));
      case "Identity" -> define(n, alias(n, value(n, 0)));
      case "Cast" -> define(n, castNode(n));
      case "Shape" -> define(n, shapeNode(n));
      case "Gather" -> define(n, gatherNode(n));
      case "Unsqueeze", "Squeeze" -> define(n, squeezeNode(n));
      case "Gemm" -> define(n, gemm(n));
      case "MatMul" -> define(n, matMul(n));
      case "Conv" -> define(n, conv(n));
      case "ConvTranspose" -> define(n, convTranspose(n));
      case "BatchNormalization" -> define(n, batchNorm(n));
      case "Dropout" -> define(n, value(n, 0) instanceof ChannelsLast c ? new ChannelsLast(dropout(n, c.images()))
          : dropout(n, act(n, 0)));
      case "MaxPool", "AveragePool" -> define(n, pool(n));
      case "GlobalAveragePool", "GlobalMaxPool" -> define(n, globalPool(n));
      case "Flatten" -> define(n, flatten(n));
      case "Reshape" -> define(n, reshape(n));
      case "Transpose" -> define(n, transpose(n));
      case "Concat" -> define(n, concat(n));
      case "Pad" -> define(n, pad(n));
      case "Add", "Sub", "Mul", "Div" -> define(n, arithmetic(n));
      default -> define(n, value(n, 0) instanceof ChannelsLast c && !n.getOpType().endsWith("Softmax")
          ? new ChannelsLast(activationNode(n, c.images(), -1)) : activationNode(n, act(n, 0), 0));
    }
  }

  /** Output 0 of {@code n} is {@code v}; any other output it has must be unused. */
  private void define(Onnx.NodeProto n, Object v) {
    values.put(n.getOutput(0), v);
    for (int i = 1; i < n.getOutputCount(); i++) {
      String o = n.getOutput(i);
      if (!o.isEmpty() && uses.getOrDefault(o, 0) > 0) {
        throw refuse(n, "has its output " + i + " ('" + o + "') read by the graph; only output 0 of " + n.getOpType()
            + " is computed here (at inference, the extra outputs of BatchNormalization, Dropout and MaxPool are"
            + " training or index outputs). Export the model in eval mode or without reading them");
      }
    }
  }

  private Object value(Onnx.NodeProto n, int i) {
    if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
      return null;
    }
    Object v = values.get(n.getInput(i));
    if (v == null) {
      throw refuse(n, "reads '" + n.getInput(i) + "', which no node, initializer or input defines");
    }
    if (v instanceof RawImages r && !n.getOpType().equals("Transpose") && !n.getOpType().equals("Shape")) {
      return channelsFirstInput(r);
    }
    return v;
  }

  private Act act(Onnx.NodeProto n, int i) {
    Object v = value(n, i);
    if (v instanceof Act a) {
      return a;
    }
    if (v instanceof ChannelsLast c) {
      throw refuse(n, "reads channels-last activations of per-example shape " + Arrays.toString(c.dims()) + " (after a"
          + " Transpose to NHWC); on them only a Transpose back to NCHW, Flatten or a Reshape to [batch, -1],"
          + " element-wise activations and Dropout are supported. Export the model channels-first (tf2onnx:"
          + " --inputs-as-nchw), or transpose back before this node");
    }
    throw refuse(n, "has a constant as input " + i + " ('" + n.getInput(i) + "') where activations were expected;"
        + " this layout of the op is not supported");
  }

  private Const constant(Onnx.NodeProto n, int i, String what) {
    Object v = value(n, i);
    if (v instanceof Const c) {
      return c;
    }
    throw refuse(n, "computes its " + what + " (input " + i + ", '" + (i < n.getInputCount() ? n.getInput(i) : "")
        + "') from the model's input; only constant " + what + "s are supported");
  }

  /** {@code v} under a new name: nothing is computed; exclusive only while nothing else reads {@code from}. */
  private Object alias(Onnx.NodeProto n, Object v) {
    if (v instanceof Act a) {
      return new Act(a.vertex(), a.dims(), a.producer(), a.exclusive() && uses.getOrDefault(n.getInput(0), 0) == 1);
    }
    return v;
  }

  /** Whether a bias or activation may be folded into the layer computing {@code a} (read as input 0 of {@code n}). */
  private boolean foldable(Onnx.NodeProto n, int input, Act a) {
    return a.producer() != null && a.exclusive() && uses.getOrDefault(n.getInput(input), 0) == 1;
  }

  private Map<String, Onnx.AttributeProto> attributes(Onnx.NodeProto n) {
    Map<String, Onnx.AttributeProto> m = new HashMap<>();
    for (Onnx.AttributeProto a : n.getAttributeList()) {
      m.put(a.getName(), a);
    }
    return m;
  }

  private static long intAttr(Map<String, Onnx.AttributeProto> a, String name, long dflt) {
    Onnx.AttributeProto p = a.get(name);
    return p == null ? dflt : p.getI();
  }

  private static double floatAttr(Map<String, Onnx.AttributeProto> a, String name, double dflt) {
    Onnx.AttributeProto p = a.get(name);
    return p == null ? dflt : p.getF();
  }

  private static long[] intsAttr(Map<String, Onnx.AttributeProto> a, String name, long[] dflt) {
    Onnx.AttributeProto p = a.get(name);
    return p == null ? dflt : p.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static String stringAttr(Map<String, Onnx.AttributeProto> a, String name, String dflt) {
    Onnx.AttributeProto p = a.get(name);
    return p == null ? dflt : p.getS().toStringUtf8();
  }

  /** Refuses any attribute of {@code n} outside {@code known}. */
  private void onlyAttributes(Onnx.NodeProto n, String... known) {
    Set<String> k = Set.of(known);
    for (Onnx.AttributeProto a : n.getAttributeList()) {
      if (!k.contains(a.getName())) {
        throw refuse(n, "has the attribute '" + a.getName() + "', which is not supported for " + n.getOpType()
            + " (supported: " + (known.length == 0 ? "none" : String.join(", ", known)) + ")");
      }
    }
  }

  private String vertexName(Onnx.NodeProto n, String suffix) {
    String base = (n.getName().isEmpty() ? n.getOpType() + "_" + n.getOutput(0) : n.getName()) + suffix;
    String name = base;
    for (int i = 2; !names.add(name) || name.equals("input"); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  private Act addLayer(Onnx.NodeProto n, String suffix, Layer layer, long[] dims, String... inputs) {
    Pending p = new Pending(vertexName(n, suffix), layer, null, inputs);
    pending.add(p);
    return new Act(p.name, dims, p, true);
  }

  private Act addVertex(Onnx.NodeProto n, String suffix, GraphVertex vertex, long[] dims, String... inputs) {
    Pending p = new Pending(vertexName(n, suffix), null, vertex, inputs);
    pending.add(p);
    return new Act(p.name, dims, null, true);
  }

  // ---------------------------------------------------------------- constants and shapes

  private Const constantNode(Onnx.NodeProto n) {
    Map<String, Onnx.AttributeProto> a = attributes(n);
    if (a.containsKey("value")) {
      return tensor(a.get("value").getT(), describe(n));
    }
    if (a.containsKey("value_float")) {
      return new Const(new long[0], new double[] {a.get("value_float").getF()});
    }
    if (a.containsKey("value_int")) {
      return new Const(new long[0], new double[] {a.get("value_int").getI()});
    }
    if (a.containsKey("value_floats")) {
      double[] v = a.get("value_floats").getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
      return new Const(new long[] {v.length}, v);
    }
    if (a.containsKey("value_ints")) {
      double[] v = a.get("value_ints").getIntsList().stream().mapToDouble(Long::doubleValue).toArray();
      return new Const(new long[] {v.length}, v);
    }
    throw refuse(n, "holds a kind of constant that is not supported (attributes "
        + n.getAttributeList().stream().map(Onnx.AttributeProto::getName).toList() + ")");
  }

  private Object castNode(Onnx.NodeProto n) {
    Object v = value(n, 0);
    long to = intAttr(attributes(n), "to", Onnx.TensorProto.DataType.FLOAT_VALUE);
    if (v instanceof Act a) {
      if (to != Onnx.TensorProto.DataType.FLOAT_VALUE) {
        throw refuse(n, "casts activations to " + Onnx.TensorProto.DataType.forNumber((int) to) + "; activations"
            + " stay float32 here");
      }
      return alias(n, a);
    }
    Const c = (Const) v;
    double[] out = c.values().clone();
    if (to != Onnx.TensorProto.DataType.FLOAT_VALUE && to != Onnx.TensorProto.DataType.DOUBLE_VALUE) {
      for (int i = 0; i < out.length; i++) {
        out[i] = out[i] == BATCH ? BATCH : (long) out[i];
      }
    }
    return new Const(c.dims(), out);
  }

  private Const shapeNode(Onnx.NodeProto n) {
    Object v = value(n, 0);
    Map<String, Onnx.AttributeProto> a = attributes(n);
    long[] full;
    long[] dims = v instanceof Act act ? act.dims() : v instanceof RawImages r ? r.dims()
        : v instanceof ChannelsLast c ? c.dims() : null;
    if (dims != null) {
      full = new long[dims.length + 1];
      full[0] = BATCH;
      System.arraycopy(dims, 0, full, 1, dims.length);
    } else {
      full = ((Const) v).dims();
    }
    int start = (int) normalise(intAttr(a, "start", 0), full.length, true);
    int end = (int) normalise(intAttr(a, "end", full.length), full.length, true);
    double[] out = new double[Math.max(0, end - start)];
    for (int i = 0; i < out.length; i++) {
      out[i] = full[start + i];
    }
    return new Const(new long[] {out.length}, out);
  }

  private static long normalise(long axis, int rank, boolean clamp) {
    long a = axis < 0 ? axis + rank : axis;
    return clamp ? Math.max(0, Math.min(rank, a)) : a;
  }

  private Const gatherNode(Onnx.NodeProto n) {
    Object data = value(n, 0);
    if (!(data instanceof Const d)) {
      throw refuse(n, "gathers from activations (an embedding lookup or an indexing of features); only gathers"
          + " from constants and shapes are supported");
    }
    Const idx = constant(n, 1, "index");
    long axis = normalise(intAttr(attributes(n), "axis", 0), d.dims().length, false);
    if (d.dims().length != 1 || axis != 0) {
      throw refuse(n, "gathers along axis " + axis + " of a constant of shape " + Arrays.toString(d.dims())
          + "; only gathers from a vector (a shape) are supported");
    }
    double[] out = new double[idx.size()];
    for (int i = 0; i < out.length; i++) {
      int k = (int) normalise((long) idx.values()[i], d.size(), false);
      out[i] = d.values()[k];
    }
    return new Const(idx.dims(), out);
  }

  private Const squeezeNode(Onnx.NodeProto n) {
    Object v = value(n, 0);
    if (!(v instanceof Const c)) {
      throw refuse(n, "changes the rank of activations; only shapes computed from constants may be squeezed or"
          + " unsqueezed. Use Flatten, or reshape to [batch, -1]");
    }
    long[] axes = n.getInputCount() > 1 && !n.getInput(1).isEmpty()
        ? Arrays.stream(constant(n, 1, "axes").values()).mapToLong(x -> (long) x).toArray()
        : intsAttr(attributes(n), "axes", null);
    List<Long> dims = new ArrayList<>();
    for (long d : c.dims()) {
      dims.add(d);
    }
    if (n.getOpType().equals("Unsqueeze")) {
      int rank = dims.size() + axes.length;
      long[] sorted = Arrays.stream(axes).map(x -> normalise(x, rank, false)).sorted().toArray();
      for (long ax : sorted) {
        dims.add((int) ax, 1L);
      }
    } else if (axes == null) {
      dims.removeIf(d -> d == 1);
    } else {
      int rank = dims.size();
      long[] sorted = Arrays.stream(axes).map(x -> normalise(x, rank, false)).sorted().toArray();
      for (int i = sorted.length - 1; i >= 0; i--) {
        dims.remove((int) sorted[i]);
      }
    }
    return new Const(dims.stream().mapToLong(Long::longValue).toArray(), c.values());
  }

  /** A constant tensor's values; refuses types other than float, double and integers. */
  private Const tensor(Onnx.TensorProto t, String what) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    int size = Math.toIntExact(Arrays.stream(dims).reduce(1, (x, y) -> x * y));
    if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
      throw new ModelLoadException("ONNX model " + source + ": " + what + " keeps its values in an external file;"
          + " export the model with its weights inside the .onnx file (the default below 2 GB)");
    }
    double[] v = new double[size];
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean hasRaw = !t.getRawData().isEmpty();
    switch (t.getDataType()) {
      case Onnx.TensorProto.DataType.FLOAT_VALUE -> {
        for (int i = 0; i < size; i++) {
          v[i] = hasRaw ? raw.getFloat(4 * i) : t.getFloatData(i);
        }
      }
      case Onnx.TensorProto.DataType.DOUBLE_VALUE -> {
        for (int i = 0; i < size; i++) {
          v[i] = hasRaw ? raw.getDouble(8 * i) : t.getDoubleData(i);
        }
      }
      case Onnx.TensorProto.DataType.INT64_VALUE -> {
        for (int i = 0; i < size; i++) {
          v[i] = hasRaw ? raw.getLong(8 * i) : t.getInt64Data(i);
        }
      }
      case Onnx.TensorProto.DataType.INT32_VALUE -> {
        for (int i = 0; i < size; i++) {
          v[i] = hasRaw ? raw.getInt(4 * i) : t.getInt32Data(i);
        }
      }
      case Onnx.TensorProto.DataType.BOOL_VALUE -> {
        for (int i = 0; i < size; i++) {
          v[i] = hasRaw ? raw.get(i) : t.getInt32Data(i);
        }
      }
      default -> throw new ModelLoadException("ONNX model " + source + ": " + what + " has element type "
          + Onnx.TensorProto.DataType.forNumber(t.getDataType()) + "; float32, float64 and integer constants are"
          + " read. Export the model in float32 (model.float())");
    }
    return new Const(dims, v);
  }

  // ---------------------------------------------------------------- dense layers

  private Act gemm(Onnx.NodeProto n) {
    onlyAttributes(n, "alpha", "beta", "transA", "transB");
    Map<String, Onnx.AttributeProto> a = attributes(n);
    Act x = act(n, 0);
    Const b = constant(n, 1, "weight");
    Const c = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? constant(n, 2, "bias") : null;
    if (intAttr(a, "transA", 0) != 0) {
      throw refuse(n, "has transA=1, which transposes the batch; export the model without it");
    }
    if (!x.isFlat()) {
      throw refuse(n, "reads activations of per-example shape " + Arrays.toString(x.dims()) + "; Gemm reads"
          + " [batch, features]. Flatten them first");
    }
    if (b.dims().length != 2) {
      throw refuse(n, "has a weight of shape " + Arrays.toString(b.dims()) + "; expected a matrix");
    }
    boolean transB = intAttr(a, "transB", 0) != 0;
    long nIn = transB ? b.dims()[1] : b.dims()[0];
    long nOut = transB ? b.dims()[0] : b.dims()[1];
    if (nIn != x.dims()[0]) {
      throw refuse(n, "multiplies " + x.dims()[0] + " features by a weight of shape " + Arrays.toString(b.dims())
          + (transB ? " (transposed)" : ""));
    }
    double alpha = floatAttr(a, "alpha", 1.0);
    double beta = floatAttr(a, "beta", 1.0);
    float[] w = new float[Math.toIntExact(nIn * nOut)];
    for (long i = 0; i < nIn; i++) {
      for (long j = 0; j < nOut; j++) {
        double bij = transB ? b.values()[(int) (j * nIn + i)] : b.values()[(int) (i * nOut + j)];
        w[(int) (i * nOut + j)] = (float) (alpha * bij);
      }
    }
    float[] bias = new float[(int) nOut];
    if (c != null) {
      if (c.size() != nOut && c.size() != 1) {
        throw refuse(n, "adds a bias of shape " + Arrays.toString(c.dims()) + " to " + nOut + " outputs; only a"
            + " bias per output (or one scalar) is supported");
      }
      for (int j = 0; j < nOut; j++) {
        bias[j] = (float) (beta * c.values()[c.size() == 1 ? 0 : j]);
      }
    }
    return dense(n, x, nIn, nOut, w, bias);
  }

  private Act dense(Onnx.NodeProto n, Act x, long nIn, long nOut, float[] w, float[] bias) {
    DenseLayer layer = new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(new ActivationIdentity()).hasBias(true)
        .build();
    Act out = addLayer(n, "", layer, new long[] {nOut}, x.vertex());
    out.producer().params.put("W", Nd4j.create(w, new long[] {nIn, nOut}, 'c'));
    out.producer().params.put("b", Nd4j.create(bias, new long[] {1, nOut}, 'c'));
    out.producer().takesBias = true;
    out.producer().takesActivation = true;
    return out;
  }

  private Act matMul(Onnx.NodeProto n) {
    onlyAttributes(n);
    Act x = act(n, 0);
    Const b = constant(n, 1, "weight");
    if (!x.isFlat() || b.dims().length != 2 || b.dims()[0] != x.dims()[0]) {
      throw refuse(n, "multiplies activations of per-example shape " + Arrays.toString(x.dims()) + " by a constant"
          + " of shape " + Arrays.toString(b.dims()) + "; only [batch, n] x [n, m] (a dense layer) is supported");
    }
    long nIn = b.dims()[0];
    long nOut = b.dims()[1];
    float[] w = new float[b.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) b.values()[i];
    }
    return dense(n, x, nIn, nOut, w, new float[(int) nOut]);
  }

  // ---------------------------------------------------------------- convolutions and pooling

  /** Per-side pads {@code [top, left, bottom, right]} of a 2D window op, from pads or auto_pad. */
  private long[] pads(Onnx.NodeProto n, Map<String, Onnx.AttributeProto> a, Act x, long[] kernel, long[] stride,
      long[] dilation) {
    String auto = stringAttr(a, "auto_pad", "NOTSET");
    switch (auto) {
      case "NOTSET" -> {
        long[] p = intsAttr(a, "pads", new long[4]);
        if (p.length != 4) {
          throw refuse(n, "has pads " + Arrays.toString(p) + "; expected 4 values for a 2D window");
        }
        return p;
      }
      case "VALID" -> {
        return new long[4];
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        long[] p = new long[4];
        for (int d = 0; d < 2; d++) {
          long in = x.dims()[d + 1];
          long out = (in + stride[d] - 1) / stride[d];
          long total = Math.max(0, (out - 1) * stride[d] + (kernel[d] - 1) * dilation[d] + 1 - in);
          long small = total / 2;
          long large = total - small;
          p[d] = auto.equals("SAME_UPPER") ? small : large;
          p[d + 2] = auto.equals("SAME_UPPER") ? large : small;
        }
        return p;
      }
      default -> throw refuse(n, "has auto_pad '" + auto + "'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    }
  }

  private long[] windowKernel(Onnx.NodeProto n, Map<String, Onnx.AttributeProto> a, long[] fromWeight) {
    long[] k = intsAttr(a, "kernel_shape", fromWeight);
    if (k == null || k.length != 2) {
      throw refuse(n, "has a " + (k == null ? "missing" : k.length + "D") + " kernel; only 2D windows over"
          + " [batch, channels, height, width] are supported");
    }
    return k;
  }

  private static long[] pair(Map<String, Onnx.AttributeProto> a, String name) {
    return intsAttr(a, name, new long[] {1, 1});
  }

  private static int[] ints(long... v) {
    return Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
  }

  private Act requireImage(Onnx.NodeProto n, Act x) {
    if (x.isImage() && isGlobalPool(x)) {
      throw refuse(n, "reads the [C, 1, 1] output of a global pooling as an image; only flattening it (or dense"
          + " layers after Flatten) is supported");
    }
    if (!x.isImage()) {
      throw refuse(n, "reads activations of per-example shape " + Arrays.toString(x.dims()) + "; only 2D images"
          + " [batch, channels, height, width] are supported for " + n.getOpType() + " (1D and 3D windows are not)");
    }
    return x;
  }

  private static long windowOut(long in, long k, long s, long d, long padTotal) {
    return Math.floorDiv(in + padTotal - d * (k - 1) - 1, s) + 1;
  }

  /** Asymmetric pads become a zero-padding layer before the op; symmetric ones stay the op's own. */
  private Act padded(Onnx.NodeProto n, Act x, long[] p) {
    if (p[0] == p[2] && p[1] == p[3]) {
      return x;
    }
    long[] dims = {x.dims()[0], x.dims()[1] + p[0] + p[2], x.dims()[2] + p[1] + p[3]};
    ZeroPaddingLayer pad = new ZeroPaddingLayer.Builder((int) p[0], (int) p[2], (int) p[1], (int) p[3]).build();
    return addLayer(n, "/pad", pad, dims, x.vertex());
  }

  private Act conv(Onnx.NodeProto n) {
    onlyAttributes(n, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    Map<String, Onnx.AttributeProto> a = attributes(n);
    Act x = requireImage(n, act(n, 0));
    Const w = constant(n, 1, "weight");
    Const b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? constant(n, 2, "bias") : null;
    if (w.dims().length != 4) {
      throw refuse(n, "has a weight of shape " + Arrays.toString(w.dims()) + "; expected [out, in/group, kH, kW]");
    }
    long[] kernel = windowKernel(n, a, new long[] {w.dims()[2], w.dims()[3]});
    long[] stride = pair(a, "strides");
    long[] dilation = pair(a, "dilations");
    long[] p = pads(n, a, x, kernel, stride, dilation);
    long group = intAttr(a, "group", 1);
    long c = x.dims()[0];
    long m = w.dims()[0];
    if (w.dims()[1] * group != c) {
      throw refuse(n, "has a weight for " + w.dims()[1] + " x " + group + " input channels, but reads " + c);
    }
    Act in = padded(n, x, p);
    // asymmetric pads on either axis went into the zero-padding layer, both axes' pads with them
    boolean symmetric = p[0] == p[2] && p[1] == p[3];
    long padH = symmetric ? p[0] : 0;
    long padW = symmetric ? p[1] : 0;
    long outH = windowOut(in.dims()[1], kernel[0], stride[0], dilation[0], 2 * padH);
    long outW = windowOut(in.dims()[2], kernel[1], stride[1], dilation[1], 2 * padW);
    if (outH < 1 || outW < 1) {
      throw refuse(n, "turns " + Arrays.toString(x.dims()) + " into an empty output; check the input shape");
    }
    long[] dims = {m, outH, outW};
    Layer layer;
    INDArray weights;
    if (group == 1) {
      layer = new ConvolutionLayer.Builder(ints(kernel)).stride(ints(stride)).padding(ints(padH, padW))
          .dilation(ints(dilation)).nIn(c).nOut(m).convolutionMode(ConvolutionMode.Truncate).hasBias(b != null)
          .activation(new ActivationIdentity()).build();
      weights = Nd4j.create(floats(w), w.dims(), 'c');
    } else if (group == c && m % c == 0) {
      long mult = m / c;
      layer = new DepthwiseConvolution2D.Builder(ints(kernel)).stride(ints(stride)).padding(ints(padH, padW))
          .dilation(ints(dilation)).nIn(c).nOut(m).depthMultiplier((int) mult).convolutionMode(ConvolutionMode.Truncate)
          .hasBias(b != null).activation(new ActivationIdentity()).build();
      // ONNX [c * mult + j, 1, kH, kW] -> DL4J [kH, kW, c, mult]
      weights = Nd4j.create(floats(w), new long[] {c, mult, kernel[0], kernel[1]}, 'c').permute(2, 3, 0, 1).dup('c');
    } else {
      throw refuse(n, "is a grouped convolution (group=" + group + " over " + c + " channels); group=1 and"
          + " depthwise (group = input channels) are supported");
    }
    Act out = addLayer(n, "", layer, dims, in.vertex());
    out.producer().params.put("W", weights);
    if (b != null) {
      out.producer().params.put("b", Nd4j.create(floats(b), new long[] {1, m}, 'c'));
    }
    out.producer().takesActivation = true;
    return out;
  }

  private static float[] floats(Const c) {
    float[] f = new float[c.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) c.values()[i];
    }
    return f;
  }

  private Act convTranspose(Onnx.NodeProto n) {
    onlyAttributes(n, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", "output_padding");
    Map<String, Onnx.AttributeProto> a = attributes(n);
    Act x = requireImage(n, act(n, 0));
    Const w = constant(n, 1, "weight");
    Const b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? constant(n, 2, "bias") : null;
    if (w.dims().length != 4 || w.dims()[0] != x.dims()[0]) {
      throw refuse(n, "has a weight of shape " + Arrays.toString(w.dims()) + " for " + x.dims()[0] + " input"
          + " channels; expected [in, out, kH, kW]");
    }
    if (intAttr(a, "group", 1) != 1) {
      throw refuse(n, "is a grouped transposed convolution (group=" + intAttr(a, "group", 1) + "); only group=1 is"
          + " supported");
    }
    long[] outPad = intsAttr(a, "output_padding", new long[] {0, 0});
    if (Arrays.stream(outPad).anyMatch(v -> v != 0)) {
      throw refuse(n, "has output_padding " + Arrays.toString(outPad) + "; only 0 is supported (PyTorch:"
          + " ConvTranspose2d(..., output_padding=0))");
    }
    if (!stringAttr(a, "auto_pad", "NOTSET").equals("NOTSET") && !stringAttr(a, "auto_pad", "").equals("VALID")) {
      throw refuse(n, "has auto_pad '" + stringAttr(a, "auto_pad", "") + "'; only explicit pads are supported");
    }
    long[] kernel = windowKernel(n, a, new long[] {w.dims()[2], w.dims()[3]});
    long[] stride = pair(a, "strides");
    long[] dilation = pair(a, "dilations");
    long[] p = intsAttr(a, "pads", new long[4]);
    if (p[0] != p[2] || p[1] != p[3]) {
      throw refuse(n, "has asymmetric pads " + Arrays.toString(p) + "; only equal pads on both sides are"
          + " supported");
    }
    long m = w.dims()[1];
    long[] dims = new long[3];
    dims[0] = m;
    for (int d = 0; d < 2; d++) {
      dims[d + 1] = stride[d] * (x.dims()[d + 1] - 1) + (kernel[d] - 1) * dilation[d] + 1 - 2 * p[d];
    }
    Deconvolution2D layer = new Deconvolution2D.Builder(ints(kernel), ints(stride), ints(p[0], p[1]))
        .dilation(ints(dilation)).nIn(x.dims()[0]).nOut(m).convolutionMode(ConvolutionMode.Truncate)
        .hasBias(b != null).activation(new ActivationIdentity()).build();
    Act out = addLayer(n, "", layer, dims, x.vertex());
    out.producer().params.put("W", Nd4j.create(floats(w), w.dims(), 'c'));
    if (b != null) {
      out.producer().params.put("b", Nd4j.create(floats(b), new long[] {1, m}, 'c'));
    }
    out.producer().takesActivation = true;
    return out;
  }

  private Act pool(Onnx.NodeProto n) {
    boolean max = n.getOpType().equals("MaxPool");
    onlyAttributes(n, "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "strides", "storage_order",
        "count_include_pad");
    Map<String, Onnx.AttributeProto> a = attributes(n);
    Act x = requireImage(n, act(n, 0));
    long[] kernel = windowKernel(n, a, null);
    long[] stride = pair(a, "strides");
    long[] dilation = pair(a, "dilations");
    if (dilation[0] != 1 || dilation[1] != 1) {
      throw refuse(n, "has dilations " + Arrays.toString(dilation) + "; only undilated pooling is supported");
    }
    long[] p = pads(n, a, x, kernel, stride, dilation);
    if (p[0] != p[2] || p[1] != p[3]) {
      throw refuse(n, "has asymmetric pads " + Arrays.toString(p) + "; pooling with equal pads on both sides is"
          + " supported");
    }
    long[] dims = new long[3];
    dims[0] = x.dims()[0];
    for (int d = 0; d < 2; d++) {
      long floor = windowOut(x.dims()[d + 1], kernel[d], stride[d], 1, 2 * p[d]);
      if (intAttr(a, "ceil_mode", 0) != 0) {
        long ceil = Math.floorDiv(x.dims()[d + 1] + 2 * p[d] - kernel[d] + stride[d] - 1, stride[d]) + 1;
        if ((ceil - 1) * stride[d] >= x.dims()[d + 1] + p[d]) {
          ceil--; // the last window must start inside the input or its leading padding
        }
        if (ceil != floor) {
          throw refuse(n, "has ceil_mode=1, which here gives " + ceil + " instead of " + floor + " outputs along"
              + " axis " + (d + 2) + "; only windows that tile the input exactly are supported with it. Export"
              + " with ceil_mode=False");
        }
      }
      dims[d + 1] = floor;
    }
    SubsamplingLayer.Builder builder = new SubsamplingLayer.Builder(max ? PoolingType.MAX : PoolingType.AVG)
        .kernelSize(ints(kernel)).stride(ints(stride)).padding(ints(p[0], p[1]));
    builder.convolutionMode(ConvolutionMode.Truncate);
    builder.avgPoolIncludePadInDivisor(intAttr(a, "count_include_pad", 0) != 0);
    return addLayer(n, "", builder.build(), dims, x.vertex());
  }

  private Act globalPool(Onnx.NodeProto n) {
    onlyAttributes(n);
    Act x = requireImage(n, act(n, 0));
    PoolingType type = n.getOpType().equals("GlobalMaxPool") ? PoolingType.MAX : PoolingType.AVG;
    GlobalPoolingLayer layer = new GlobalPoolingLayer.Builder(type).collapseDimensions(true).build();
    Act flat = addLayer(n, "", layer, new long[] {x.dims()[0]}, x.vertex());
    // ONNX keeps [C, 1, 1]; the DL4J layer gives [C], which is the same values: shaped back only if read as images
    return new Act(flat.vertex(), new long[] {x.dims()[0], 1, 1}, null, true);
  }

  // ---------------------------------------------------------------- normalisation and noise

  private Act batchNorm(Onnx.NodeProto n) {
    onlyAttributes(n, "epsilon", "momentum", "training_mode", "spatial");
    Map<String, Onnx.AttributeProto> a = attributes(n);
    Act x = act(n, 0);
    if (intAttr(a, "spatial", 1) != 1) {
      throw refuse(n, "has spatial=0 (statistics per position); only per-channel batch-norm is supported");
    }
    long c = x.dims()[0];
    Const scale = constant(n, 1, "scale");
    Const bias = constant(n, 2, "bias");
    Const mean = constant(n, 3, "running mean");
    Const var = constant(n, 4, "running variance");
    for (Const k : List.of(scale, bias, mean, var)) {
      if (k.size() != c) {
        throw refuse(n, "has statistics of shape " + Arrays.toString(k.dims()) + " for " + c + " channels");
      }
    }
    BatchNormalization layer = new BatchNormalization.Builder().nIn(c).nOut(c).eps(floatAttr(a, "epsilon", 1e-5))
        .useLogStd(false).build();
    Act out = addLayer(n, "", layer, x.dims(), x.vertex());
    out.producer().params.put("gamma", Nd4j.create(floats(scale), new long[] {1, c}, 'c'));
    out.producer().params.put("beta", Nd4j.create(floats(bias), new long[] {1, c}, 'c'));
    out.producer().params.put("mean", Nd4j.create(floats(mean), new long[] {1, c}, 'c'));
    out.producer().params.put("var", Nd4j.create(floats(var), new long[] {1, c}, 'c'));
    return new Act(out.vertex(), out.dims(), null, true);
  }

  private Act dropout(Onnx.NodeProto n, Act x) {
    onlyAttributes(n, "ratio", "seed", "is_test");
    double ratio = opset >= 12
        ? (n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constant(n, 1, "ratio").scalar() : 0.5)
        : floatAttr(attributes(n), "ratio", 0.5);
    if (!(ratio >= 0 && ratio < 1)) {
      throw refuse(n, "has ratio " + ratio + "; expected a drop probability in [0, 1)");
    }
    if (ratio == 0) {
      return (Act) alias(n, x);
    }
    // DL4J's dropout takes the retain probability (DESIGN.md, invariant 3)
    DropoutLayer layer = new DropoutLayer.Builder(1.0 - ratio).build();
    Act out = addLayer(n, "", layer, x.dims(), x.vertex());
    return new Act(out.vertex(), out.dims(), null, true);
  }

  // ---------------------------------------------------------------- layout

  /** Channels-last activations flattened in their own (HWC) order. */
  private Act flatChannelsLast(Onnx.NodeProto n, ChannelsLast c) {
    long[] d = c.dims();
    ChannelsLastPreProcessor pre = new ChannelsLastPreProcessor(false, d[0], d[1], d[2]);
    return addVertex(n, "", new PreprocessorVertex(pre), new long[] {d[0] * d[1] * d[2]}, c.images().vertex());
  }

  private Act flatten(Onnx.NodeProto n) {
    onlyAttributes(n, "axis");
    if (value(n, 0) instanceof ChannelsLast c) {
      if (normalise(intAttr(attributes(n), "axis", 1), 4, false) != 1) {
        throw refuse(n, "flattens channels-last activations from axis " + intAttr(attributes(n), "axis", 1) + "; only"
            + " Flatten(axis=1) is supported");
      }
      return flatChannelsLast(n, c);
    }
    Act x = act(n, 0);
    long axis = normalise(intAttr(attributes(n), "axis", 1), x.dims().length + 1, false);
    if (axis != 1) {
      throw refuse(n, "flattens from axis " + axis + "; only Flatten(axis=1), which keeps the batch, is"
          + " supported");
    }
    return flat(n, x);
  }

  private Act flat(Onnx.NodeProto n, Act x) {
    if (x.isFlat()) {
      return (Act) alias(n, x);
    }
    long size = Arrays.stream(x.dims()).reduce(1, (p, q) -> p * q);
    if (x.isImage() && x.dims()[1] == 1 && x.dims()[2] == 1 && isGlobalPool(x)) {
      return new Act(x.vertex(), new long[] {size}, null, x.exclusive() && uses.getOrDefault(n.getInput(0), 0) == 1);
    }
    CnnToFeedForwardPreProcessor pre = new CnnToFeedForwardPreProcessor(x.dims()[1], x.dims()[2], x.dims()[0]);
    return addVertex(n, "", new PreprocessorVertex(pre), new long[] {size}, x.vertex());
  }

  /** Whether {@code x} is a collapsed global pooling's output, held flat by DL4J though ONNX sees [C, 1, 1]. */
  private boolean isGlobalPool(Act x) {
    return pending.stream().anyMatch(p -> p.name.equals(x.vertex()) && p.layer instanceof GlobalPoolingLayer);
  }

  private Act reshape(Onnx.NodeProto n) {
    onlyAttributes(n, "allowzero");
    if (value(n, 0) instanceof ChannelsLast c) {
      long[] target = Arrays.stream(constant(n, 1, "target shape").values()).mapToLong(v -> (long) v).toArray();
      long size = Arrays.stream(c.dims()).reduce(1, (p, q) -> p * q);
      boolean batchFirst = target.length == 2 && (target[0] == BATCH || target[0] == 0 || target[0] == fixedBatch
          && fixedBatch > 0);
      if (!batchFirst || !(target[1] == -1 || target[1] == size)) {
        throw refuse(n, "reshapes channels-last activations of per-example shape " + Arrays.toString(c.dims())
            + " to " + show(target) + "; only a reshape to [batch, -1] (a flatten) is supported on them");
      }
      return flatChannelsLast(n, c);
    }
    Act x = act(n, 0);
    Const shape = constant(n, 1, "target shape");
    boolean allowZero = intAttr(attributes(n), "allowzero", 0) != 0;
    long[] target = Arrays.stream(shape.values()).mapToLong(v -> (long) v).toArray();
    long size = Arrays.stream(x.dims()).reduce(1, (p, q) -> p * q);
    if (target.length > 0 && fixedBatch > 0 && target[0] == fixedBatch) {
      target[0] = BATCH; // exported without a dynamic batch: the traced batch size is the batch
    }
    if (target.length < 1 || !(target[0] == BATCH || target[0] == -1 || (target[0] == 0 && !allowZero))) {
      throw refuse(n, "reshapes to " + show(target) + ", which does not keep the batch as its first dimension;"
          + " reshape to [batch, ...] (x.view(x.size(0), -1))");
    }
    long[] per = new long[target.length - 1];
    int unknown = -1;
    long known = 1;
    for (int i = 1; i < target.length; i++) {
      long t = target[i] == 0 && !allowZero && i < x.dims().length + 1 ? x.dims()[i - 1] : target[i];
      if (t == -1 && unknown < 0 && target[0] != -1) {
        unknown = i - 1;
      } else if (t <= 0) {
        throw refuse(n, "reshapes to " + show(target) + ", whose dimension " + i + " is not known here; reshape to"
            + " [batch, -1] or to fixed per-example sizes");
      } else {
        known *= t;
      }
      per[i - 1] = t;
    }
    if (unknown >= 0) {
      per[unknown] = size / known;
    }
    if (Arrays.stream(per).reduce(1, (p, q) -> p * q) != size) {
      throw refuse(n, "reshapes " + size + " values per example " + Arrays.toString(x.dims()) + " to "
          + show(target));
    }
    if (Arrays.equals(per, x.dims())) {
      return (Act) alias(n, x);
    }
    if (per.length == 1) {
      return flat(n, x);
    }
    if (per.length == 3 && x.isFlat()) {
      FeedForwardToCnnPreProcessor pre = new FeedForwardToCnnPreProcessor(per[1], per[2], per[0]);
      return addVertex(n, "", new PreprocessorVertex(pre), per, x.vertex());
    }
    throw refuse(n, "reshapes per-example activations " + Arrays.toString(x.dims()) + " to " + Arrays.toString(per)
        + "; supported: flattening to [batch, -1] and a flat vector to [batch, C, H, W]");
  }

  private static String show(long[] shape) {
    return Arrays.stream(shape).mapToObj(v -> v == BATCH ? "batch" : String.valueOf(v)).toList().toString();
  }

  private Object transpose(Onnx.NodeProto n) {
    onlyAttributes(n, "perm");
    Object v = value(n, 0);
    long[] perm = intsAttr(attributes(n), "perm", null);
    boolean toNchw = Arrays.equals(perm, new long[] {0, 3, 1, 2});
    boolean toNhwc = Arrays.equals(perm, new long[] {0, 2, 3, 1});
    if (v instanceof RawImages r) {
      v = toNchw ? null : channelsFirstInput(r);
      if (v == null) {
        return channelsLastInput(r);
      }
    }
    if (v instanceof ChannelsLast c) {
      if (toNchw) {
        return new Act(c.images().vertex(), c.images().dims(), c.images().producer(), false);
      }
      act(n, 0); // refuses, naming what may read channels-last activations
    }
    if (v instanceof Act a && a.isImage() && toNhwc && !isGlobalPool(a)) {
      return new ChannelsLast(new Act(a.vertex(), a.dims(), a.producer(), false));
    }
    int rank = v instanceof Act a ? a.dims().length + 1 : ((Const) v).dims().length;
    boolean identity = perm == null ? rank <= 1 : true;
    if (perm != null) {
      for (int i = 0; i < perm.length; i++) {
        identity &= perm[i] == i;
      }
    }
    if (identity) {
      return alias(n, v);
    }
    if (v instanceof Const c && c.dims().length == 2) {
      long r = c.dims()[0];
      long k = c.dims()[1];
      double[] t = new double[c.size()];
      for (int i = 0; i < r; i++) {
        for (int j = 0; j < k; j++) {
          t[(int) (j * r + i)] = c.values()[(int) (i * k + j)];
        }
      }
      return new Const(new long[] {k, r}, t);
    }
    throw refuse(n, "transposes with perm " + (perm == null ? "(reversed)" : Arrays.toString(perm)) + "; supported:"
        + " transposes that change nothing, of constant matrices, and the layout changes of images between NCHW and"
        + " NHWC (perm [0, 2, 3, 1] and back [0, 3, 1, 2], or [0, 3, 1, 2] on an NHWC input). Export the model in"
        + " NCHW layout (PyTorch's own; tf2onnx: --inputs-as-nchw), or remove the transpose");
  }

  /** Zero padding of the height and width of images (PyTorch writes one before an AveragePool that counts pads). */
  private Object pad(Onnx.NodeProto n) {
    onlyAttributes(n, "mode", "pads", "value");
    Map<String, Onnx.AttributeProto> a = attributes(n);
    Act x = act(n, 0);
    String mode = stringAttr(a, "mode", "constant");
    long[] p = opset >= 11 ? Arrays.stream(constant(n, 1, "pads").values()).mapToLong(v -> (long) v).toArray()
        : intsAttr(a, "pads", new long[0]);
    double fill = opset >= 11 ? (value(n, 2) == null ? 0.0 : constant(n, 2, "fill value").scalar())
        : floatAttr(a, "value", 0.0);
    if (opset >= 18 && value(n, 3) != null) {
      throw refuse(n, "pads only some axes (the axes input); export with opset 17 or lower");
    }
    if (Arrays.stream(p).allMatch(v -> v == 0)) {
      return alias(n, x);
    }
    boolean imagePads = x.isImage() && p.length == 8 && p[0] == 0 && p[1] == 0 && p[4] == 0 && p[5] == 0
        && Arrays.stream(p).allMatch(v -> v >= 0);
    if (!mode.equals("constant") || fill != 0 || !imagePads) {
      throw refuse(n, "pads with mode '" + mode + "', value " + fill + " and pads " + Arrays.toString(p) + " activations"
          + " of per-example shape " + Arrays.toString(x.dims()) + "; only zero padding of the height and width of"
          + " images is supported");
    }
    long[] dims = {x.dims()[0], x.dims()[1] + p[2] + p[6], x.dims()[2] + p[3] + p[7]};
    return addLayer(n, "", new ZeroPaddingLayer.Builder((int) p[2], (int) p[6], (int) p[3], (int) p[7]).build(), dims,
        x.vertex());
  }

  private Object concat(Onnx.NodeProto n) {
    onlyAttributes(n, "axis");
    if (n.getInputList().stream().allMatch(i -> values.get(i) instanceof Const)) {
      return constantConcat(n);
    }
    List<Act> ins = new ArrayList<>();
    for (int i = 0; i < n.getInputCount(); i++) {
      ins.add(act(n, i));
    }
    long[] first = ins.get(0).dims();
    long axis = normalise(intAttr(attributes(n), "axis", 1), first.length + 1, false);
    long channels = 0;
    for (Act a : ins) {
      if (a.dims().length != first.length
          || !Arrays.equals(Arrays.copyOfRange(a.dims(), 1, a.dims().length), Arrays.copyOfRange(first, 1, first.length))) {
        throw refuse(n, "concatenates activations of per-example shapes "
            + ins.stream().map(x -> Arrays.toString(x.dims())).toList() + "; they must agree but for the channels");
      }
      channels += a.dims()[0];
    }
    if (axis != 1) {
      throw refuse(n, "concatenates along axis " + axis + "; only the channel or feature axis (1) is supported");
    }
    long[] dims = first.clone();
    dims[0] = channels;
    return addVertex(n, "", new MergeVertex(), dims, ins.stream().map(Act::vertex).toArray(String[]::new));
  }

  /** Concatenated vectors (shapes being assembled for a Reshape). */
  private Const constantConcat(Onnx.NodeProto n) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n.getInputCount(); i++) {
      Const c = constant(n, i, "part");
      if (c.dims().length != 1) {
        throw refuse(n, "concatenates constants of shape " + Arrays.toString(c.dims()) + "; only vectors (shapes) are"
            + " evaluated");
      }
      for (double v : c.values()) {
        out.add(v);
      }
    }
    return new Const(new long[] {out.size()}, out.stream().mapToDouble(Double::doubleValue).toArray());
  }

  // ---------------------------------------------------------------- arithmetic

  private Object arithmetic(Onnx.NodeProto n) {
    onlyAttributes(n);
    Object l = value(n, 0);
    Object r = value(n, 1);
    String op = n.getOpType();
    if (l instanceof Const a && r instanceof Const b) {
      return constantArithmetic(n, op, a, b);
    }
    if (l instanceof Act a && r instanceof Act b) {
      if (!Arrays.equals(a.dims(), b.dims())) {
        throw refuse(n, "combines activations of per-example shapes " + Arrays.toString(a.dims()) + " and "
            + Arrays.toString(b.dims()) + "; only equal shapes are supported (no broadcasting)");
      }
      ElementWiseVertex.Op e = switch (op) {
        case "Add" -> ElementWiseVertex.Op.Add;
        case "Sub" -> ElementWiseVertex.Op.Subtract;
        case "Mul" -> ElementWiseVertex.Op.Product;
        default -> throw refuse(n, "divides activations by activations; not supported");
      };
      return addVertex(n, "", new ElementWiseVertex(e), a.dims(), a.vertex(), b.vertex());
    }
    boolean constLeft = l instanceof Const;
    Act x = (Act) (constLeft ? r : l);
    Const c = (Const) (constLeft ? l : r);
    int actInput = constLeft ? 1 : 0;
    if (c.size() == 1) {
      double k = c.scalar();
      return switch (op) {
        case "Add" -> shift(n, x, k);
        case "Sub" -> constLeft ? shift(n, scale(n, x, -1.0, "/neg"), k) : shift(n, x, -k);
        case "Mul" -> scale(n, x, k, "");
        default -> {
          if (constLeft) {
            throw refuse(n, "divides a constant by activations; not supported");
          }
          yield scale(n, x, 1.0 / k, "");
        }
      };
    }
    if (op.equals("Add") && foldable(n, actInput, x) && x.producer().takesBias && x.isFlat()
        && c.size() == x.dims()[0] && (c.dims().length == 1 || c.dims().length == 2 && c.dims()[0] == 1)) {
      INDArray b = x.producer().params.get("b");
      b.addi(Nd4j.create(floats(c), b.shape(), 'c'));
      return new Act(x.vertex(), x.dims(), x.producer(), true);
    }
    double[] perChannel = perChannel(x, c);
    if (perChannel != null && !(op.equals("Div") && constLeft)) {
      return channelAffine(n, op, constLeft, x, perChannel);
    }
    throw refuse(n, "combines activations of per-example shape " + Arrays.toString(x.dims()) + " with a constant"
        + " of shape " + Arrays.toString(c.dims()) + "; supported: a scalar, one value per channel or feature"
        + " (shape [C, 1, 1] on images, [n] on features), or a bias added right after a dense layer (MatMul)");
  }

  /** The constant's one value per channel (images, shape [C, 1, 1]) or per feature ([n]), or null. */
  private static double[] perChannel(Act x, Const c) {
    long[] d = c.dims();
    int lead = 0;
    while (lead < d.length && d[lead] == 1 && d.length - lead > (x.isImage() ? 3 : 1)) {
      lead++; // leading ones (a batch axis of 1) broadcast over the batch
    }
    long[] rest = Arrays.copyOfRange(d, lead, d.length);
    long channels = x.dims()[0];
    boolean match = x.isImage() ? Arrays.equals(rest, new long[] {channels, 1, 1})
        : x.isFlat() && Arrays.equals(rest, new long[] {channels});
    return match ? c.values() : null;
  }

  /**
   * {@code x op v} with one value per channel, as a batch-norm layer whose statistics make it exactly
   * {@code gamma * x + beta}: mean 0, variance 1 and epsilon 0, so the plan's folded batch-norm
   * kernel multiplies by {@code gamma} and adds {@code beta} and nothing else.
   */
  private Act channelAffine(Onnx.NodeProto n, String op, boolean constLeft, Act x, double[] v) {
    int c = v.length;
    float[] gamma = new float[c];
    float[] beta = new float[c];
    for (int i = 0; i < c; i++) {
      switch (op) {
        case "Add" -> {
          gamma[i] = 1;
          beta[i] = (float) v[i];
        }
        case "Sub" -> {
          gamma[i] = constLeft ? -1 : 1;
          beta[i] = (float) (constLeft ? v[i] : -v[i]);
        }
        case "Mul" -> gamma[i] = (float) v[i];
        default -> gamma[i] = (float) (1.0 / v[i]);
      }
    }
    float[] zeros = new float[c];
    float[] ones = new float[c];
    Arrays.fill(ones, 1f);
    BatchNormalization layer = new BatchNormalization.Builder().nIn(c).nOut(c).eps(0.0).useLogStd(false).build();
    Act out = addLayer(n, "", layer, x.dims(), x.vertex());
    out.producer().params.put("gamma", Nd4j.create(gamma, new long[] {1, c}, 'c'));
    out.producer().params.put("beta", Nd4j.create(beta, new long[] {1, c}, 'c'));
    out.producer().params.put("mean", Nd4j.create(zeros, new long[] {1, c}, 'c'));
    out.producer().params.put("var", Nd4j.create(ones, new long[] {1, c}, 'c'));
    return new Act(out.vertex(), out.dims(), null, true);
  }

  private Act shift(Onnx.NodeProto n, Act x, double k) {
    return k == 0 ? x : addVertex(n, "", new ShiftVertex(k), x.dims(), x.vertex());
  }

  private Act scale(Onnx.NodeProto n, Act x, double k, String suffix) {
    return k == 1 ? x : addVertex(n, suffix, new ScaleVertex(k), x.dims(), x.vertex());
  }

  private Const constantArithmetic(Onnx.NodeProto n, String op, Const a, Const b) {
    boolean same = Arrays.equals(a.dims(), b.dims());
    if (!same && a.size() != 1 && b.size() != 1) {
      throw refuse(n, "combines constants of shapes " + Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims())
          + "; only equal shapes or a scalar are evaluated");
    }
    Const big = a.size() >= b.size() ? a : b;
    double[] out = new double[big.size()];
    for (int i = 0; i < out.length; i++) {
      double x = a.values()[a.size() == 1 ? 0 : i];
      double y = b.values()[b.size() == 1 ? 0 : i];
      if (x == BATCH || y == BATCH) {
        out[i] = op.equals("Mul") && (x == 1 || y == 1) ? BATCH : throwSymbolic(n);
        continue;
      }
      out[i] = switch (op) {
        case "Add" -> x + y;
        case "Sub" -> x - y;
        case "Mul" -> x * y;
        default -> x / y;
      };
    }
    return new Const(big.dims(), out);
  }

  private double throwSymbolic(Onnx.NodeProto n) {
    throw refuse(n, "computes with the batch size; only reshapes that keep the batch as it is are supported");
  }

  // ---------------------------------------------------------------- activations

  /** The activation node {@code n} on {@code x}; {@code input} is x's input index for folding, or -1: never fold. */
  private Act activationNode(Onnx.NodeProto n, Act x, int input) {
    Map<String, Onnx.AttributeProto> a = attributes(n);
    IActivation f = switch (n.getOpType()) {
      case "Relu" -> {
        onlyAttributes(n);
        yield new ActivationReLU();
      }
      case "LeakyRelu" -> {
        onlyAttributes(n, "alpha");
        yield new ActivationLReLU(floatAttr(a, "alpha", 0.01));
      }
      case "Elu" -> {
        onlyAttributes(n, "alpha");
        yield new ActivationELU(floatAttr(a, "alpha", 1.0));
      }
      case "Selu" -> {
        onlyAttributes(n, "alpha", "gamma");
        double alpha = floatAttr(a, "alpha", 1.67326319217681884765625);
        double gamma = floatAttr(a, "gamma", 1.05070102214813232421875);
        if (Math.abs(alpha - 1.6732632423543772) > 1e-6 || Math.abs(gamma - 1.0507009873554805) > 1e-6) {
          throw refuse(n, "has alpha " + alpha + " and gamma " + gamma + "; only the standard SELU constants are"
              + " supported");
        }
        yield new ActivationSELU();
      }
      case "Sigmoid" -> {
        onlyAttributes(n);
        yield new ActivationSigmoid();
      }
      case "Tanh" -> {
        onlyAttributes(n);
        yield new ActivationTanH();
      }
      case "Softmax", "LogSoftmax" -> {
        onlyAttributes(n, "axis");
        long axis = normalise(intAttr(a, "axis", opset >= 13 ? -1 : 1), x.dims().length + 1, false);
        if (!x.isFlat() || axis != 1) {
          throw refuse(n, "normalises along axis " + axis + " of activations of per-example shape "
              + Arrays.toString(x.dims()) + "; only " + n.getOpType() + " over the features of [batch, features]"
              + " is supported");
        }
        yield n.getOpType().equals("Softmax") ? new ActivationSoftmax() : new OnnxActivations.LogSoftmax();
      }
      case "Erf" -> {
        onlyAttributes(n);
        yield new OnnxActivations.ErfFunction();
      }
      case "HardSigmoid" -> {
        onlyAttributes(n, "alpha", "beta");
        yield new OnnxActivations.HardSigmoid(floatAttr(a, "alpha", 0.2), floatAttr(a, "beta", 0.5));
      }
      case "Clip" -> {
        onlyAttributes(n, "min", "max");
        double lo = opset >= 11 ? (value(n, 1) == null ? Double.NEGATIVE_INFINITY : constant(n, 1, "bound").scalar())
            : floatAttr(a, "min", -Float.MAX_VALUE);
        double hi = opset >= 11 ? (value(n, 2) == null ? Double.POSITIVE_INFINITY : constant(n, 2, "bound").scalar())
            : floatAttr(a, "max", Float.MAX_VALUE);
        yield new OnnxActivations.Clip(lo, hi);
      }
      default -> throw new AssertionError("unsupported ops are refused before translation: " + n.getOpType());
    };
    if (input >= 0 && foldable(n, input, x) && x.producer().takesActivation) {
      ((BaseLayer) x.producer().layer).setActivationFn(f);
      x.producer().takesActivation = false;
      x.producer().takesBias = false;
      return new Act(x.vertex(), x.dims(), x.producer(), true);
    }
    Act out = addLayer(n, "", new ActivationLayer.Builder().activation(f).build(), x.dims(), x.vertex());
    return new Act(out.vertex(), out.dims(), null, true);
  }

  // ---------------------------------------------------------------- the DL4J graph

  private Network build(Act output) {
    // DL4J's workspaces are off for inference: its own output() fails (a workspace not open) on a
    // graph that ends in a batch-norm over features, which ONNX models do; the plan does not use them
    ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
        .inferenceWorkspaceMode(org.deeplearning4j.nn.conf.WorkspaceMode.NONE).graphBuilder().addInputs("input");
    for (Pending p : pending) {
      if (p.layer != null) {
        b.addLayer(p.name, p.layer, p.inputs);
      } else {
        b.addVertex(p.name, p.vertex, p.inputs);
      }
    }
    b.setOutputs(output.vertex()).setInputTypes(inputType).validateOutputLayerConfig(false).allowNoOutput(false);
    ComputationGraph g;
    try {
      g = new ComputationGraph(b.build());
      g.init();
    } catch (RuntimeException e) {
      throw new ModelLoadException("ONNX model " + source + " translates into a DL4J graph that DL4J refuses ("
          + e.getMessage() + "); please report it with the model", e);
    }
    for (Pending p : pending) {
      for (Map.Entry<String, INDArray> e : p.params.entrySet()) {
        INDArray param = g.getLayer(p.name).getParam(e.getKey());
        if (param == null || param.length() != e.getValue().length()) {
          throw new ModelLoadException("ONNX model " + source + ": the DL4J layer '" + p.name + "' has parameter '"
              + e.getKey() + "' of shape " + (param == null ? "none" : Arrays.toString(param.shape())) + " for "
              + Arrays.toString(e.getValue().shape()) + " values; please report it with the model");
        }
        param.assign(e.getValue().reshape('c', param.shape()).castTo(param.dataType()));
      }
    }
    return Network.recorded(g, new int[] {Math.toIntExact(((InputType.InputTypeFeedForward) inputType).getSize())});
  }

  @Override
  public String toString() {
    return "ONNX model " + source + " (opset " + opset + ", " + graph.getNodeCount() + " nodes, producer "
        + model.getProducerName().toLowerCase(Locale.ROOT) + ")";
  }
}
