package org.mcposterior.jobs.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes a DL4J {@code MultiLayerNetwork} as the equivalent ONNX model, the way PyTorch's exporter
 * would write the same network in training form: benchmark tooling (the ONNX side of {@code bench
 * onnx}, which needs the same network once built in DL4J and once read from ONNX), not product API.
 * It writes exactly the layers of the project's reference networks and refuses any other.
 *
 * <p>The model: IR version {@value #IR_VERSION}, default-domain opset {@value #OPSET}, producer
 * {@value #PRODUCER}; one float input {@code "input"} of shape {@code [batch, features]} (a dense
 * first layer) or {@code [batch, c, h, w]} (a first layer behind DL4J's feed-forward-to-CNN
 * preprocessor, which takes the same flat rows in C order), with the symbolic batch dimension
 * {@code "batch"}; one output {@code "output"}. Every initializer is float32 (bool for a dropout's
 * training mode) in little-endian {@code raw_data}. The mapping, layer by layer:
 *
 * <ul>
 *   <li>a layer's dropout ({@code dropOut(x)}: DL4J's {@code x} is the <em>retain</em> probability,
 *       applied to the layer's input) becomes a {@code Dropout} node before the layer, with its
 *       {@code ratio} input the drop probability {@code 1 - x} as a scalar initializer and its
 *       {@code training_mode} input a scalar {@code true} (as a training-mode export writes it);
 *   <li>{@code DenseLayer} and {@code OutputLayer} become {@code Gemm} (B = DL4J's {@code W}, which
 *       is {@code [nIn, nOut]}, with {@code transB = 0}; C = the bias) followed by the activation;
 *   <li>{@code ConvolutionLayer} (NCHW, {@code Truncate} or {@code Strict} mode, which both floor the
 *       output size as ONNX does) becomes {@code Conv} (W is {@code [out, in, kH, kW]} in both) with
 *       its strides, symmetric pads and dilations, followed by the activation;
 *   <li>{@code SubsamplingLayer} with max pooling becomes {@code MaxPool};
 *   <li>DL4J's CNN-to-feed-forward preprocessor becomes {@code Flatten(axis = 1)}: both flatten
 *       {@code [c, h, w]} in C order;
 *   <li>activations: ReLU becomes {@code Relu}, softmax {@code Softmax(axis = 1)} over the features,
 *       identity nothing.
 * </ul>
 *
 * <p>Right or refused: any other layer, preprocessor, activation or dropout kind (and weight noise)
 * is refused with an {@link IllegalArgumentException} naming the layer, before anything is written.
 * Stateless; a write reads the network's parameters and does not change them.
 */
public final class OnnxModelWriter {
  /** The ONNX IR version written (ONNX 1.10 to 1.12 write it). */
  public static final long IR_VERSION = 8;

  /**
   * The default-domain opset written (Dropout takes its ratio as an input from opset 12; Softmax's
   * axis is written explicitly, its default changed in 13).
   */
  public static final long OPSET = 13;

  /** The model's {@code producer_name}. */
  public static final String PRODUCER = "mcposterior bench";

  private final List<Onnx.NodeProto> nodes = new ArrayList<>();
  private final List<Onnx.TensorProto> initializers = new ArrayList<>();
  /** The name of the current value and its per-example shape ({@code [n]} or {@code [c, h, w]}). */
  private String value = "input";
  private long[] dims;

  private OnnxModelWriter() {}

  /**
   * The ONNX model of {@code net}, serialised.
   *
   * @param name the graph's name
   * @throws IllegalArgumentException when a layer (or its activation, dropout or preprocessor) has
   *     no exact ONNX form here; the message names the layer, what is written and what to do
   */
  public static byte[] write(MultiLayerNetwork net, String name) {
    return new OnnxModelWriter().model(net, name).toByteArray();
  }

  private Onnx.ModelProto model(MultiLayerNetwork net, String name) {
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    int n = conf.getConfs().size();
    for (int i = 0; i < n; i++) {
      check(conf, i); // every layer first: refused before anything is written
    }
    long[] input = inputDims(conf);
    dims = input;
    for (int i = 0; i < n; i++) {
      layer(net, conf, i);
    }
    // the last node's output is renamed "output": one output, as the reader expects
    Onnx.NodeProto last = nodes.remove(nodes.size() - 1);
    nodes.add(last.toBuilder().setOutput(0, "output").build());
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName(name).addAllNode(nodes)
        .addAllInitializer(initializers).addInput(valueInfo("input", input)).addOutput(valueInfo("output", dims));
    return Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName(PRODUCER)
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g).build();
  }

  // ---------------------------------------------------------------- what is written, checked first

  private static void check(MultiLayerConfiguration conf, int i) {
    Layer l = conf.getConf(i).getLayer();
    InputPreProcessor pre = conf.getInputPreProcess(i);
    if (pre != null && !(i == 0 && pre instanceof FeedForwardToCnnPreProcessor)
        && !(i > 0 && pre instanceof CnnToFeedForwardPreProcessor)) {
      throw refuse(i, l, "has the input preprocessor " + pre.getClass().getSimpleName() + ", which has no ONNX"
          + " form here (a feed-forward-to-CNN preprocessor on the first layer and a CNN-to-feed-forward one on a"
          + " later layer are written)");
    }
    if (i == 0 && pre == null && !isDense(l)) {
      throw refuse(i, l, "is the first layer without a feed-forward-to-CNN preprocessor; the input shape is taken"
          + " from a dense first layer's nIn or from that preprocessor (InputType.convolutionalFlat)");
    }
    IDropout d = l.getIDropout();
    if (d != null && (d.getClass() != Dropout.class || ((Dropout) d).getPSchedule() != null)) {
      throw refuse(i, l, "has the dropout " + d + "; plain dropout with a fixed retain probability (dropOut(x)) is"
          + " written as an ONNX Dropout node");
    }
    if (l instanceof BaseLayer b && b.getWeightNoise() != null) {
      throw refuse(i, l, "has the weight noise " + b.getWeightNoise() + ", which ONNX has no node for");
    }
    if (isDense(l)) {
      activation(i, l, ((BaseLayer) l).getActivationFn());
    } else if (l.getClass() == ConvolutionLayer.class) {
      ConvolutionLayer c = (ConvolutionLayer) l;
      windowed(i, l, c.getCnn2dDataFormat(), c.getConvolutionMode());
      activation(i, l, c.getActivationFn());
    } else if (l.getClass() == SubsamplingLayer.class) {
      SubsamplingLayer s = (SubsamplingLayer) l;
      windowed(i, l, s.getCnn2dDataFormat(), s.getConvolutionMode());
      if (s.getPoolingType() != PoolingType.MAX) {
        throw refuse(i, l, "pools with " + s.getPoolingType() + "; max pooling is written (as MaxPool)");
      }
      if (s.getDilation()[0] != 1 || s.getDilation()[1] != 1) {
        throw refuse(i, l, "has the dilation " + Arrays.toString(s.getDilation()) + "; undilated pooling is written");
      }
    } else {
      throw refuse(i, l, "has no ONNX form in this writer, which writes DenseLayer, OutputLayer, ConvolutionLayer and"
          + " SubsamplingLayer (max)");
    }
  }

  private static boolean isDense(Layer l) {
    return l.getClass() == DenseLayer.class || l.getClass() == OutputLayer.class;
  }

  private static void windowed(int i, Layer l, CNN2DFormat format, ConvolutionMode mode) {
    if (format != CNN2DFormat.NCHW) {
      throw refuse(i, l, "has the data format " + format + "; NCHW (ONNX's layout) is written");
    }
    if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Strict) {
      throw refuse(i, l, "has the convolution mode " + mode + "; Truncate and Strict (explicit padding, output size"
          + " floored, as ONNX computes it) are written");
    }
  }

  /** The ONNX op of an activation, or null for identity. */
  private static String activation(int i, Layer l, IActivation f) {
    if (f instanceof ActivationIdentity) {
      return null;
    }
    if (f instanceof ActivationSoftmax) {
      return "Softmax";
    }
    if (f instanceof ActivationReLU r && r.equals(new ActivationReLU())) {
      return "Relu";
    }
    throw refuse(i, l, "has the activation " + f + "; ReLU (plain), softmax and identity are written");
  }

  private static IllegalArgumentException refuse(int i, Layer l, String what) {
    return new IllegalArgumentException(String.format(Locale.ROOT, "layer %d ('%s', %s) %s. The ONNX writer of the"
        + " benchmarks writes the project's reference networks only; benchmark a network of the layers it writes,"
        + " or export the model from its own framework instead", i, l.getLayerName(), l.getClass().getSimpleName(),
        what));
  }

  private static long[] inputDims(MultiLayerConfiguration conf) {
    if (conf.getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor p) {
      return new long[] {p.getNumChannels(), p.getInputHeight(), p.getInputWidth()};
    }
    return new long[] {((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf.getConf(0).getLayer()).getNIn()};
  }

  // ---------------------------------------------------------------- writing, layer by layer

  private void layer(MultiLayerNetwork net, MultiLayerConfiguration conf, int i) {
    Layer l = conf.getConf(i).getLayer();
    String prefix = "layer" + i;
    if (i > 0 && conf.getInputPreProcess(i) instanceof CnnToFeedForwardPreProcessor) {
      node("Flatten", prefix + "/flatten", List.of(value), attr("axis", 1));
      dims = new long[] {Arrays.stream(dims).reduce(1, (p, q) -> p * q)};
    }
    if (l.getIDropout() instanceof Dropout d) {
      String ratio = initializer(prefix + "/dropout.ratio", new long[0], new float[] {(float) (1 - d.getP())});
      String training = boolInitializer(prefix + "/dropout.training_mode", true);
      node("Dropout", prefix + "/dropout", List.of(value, ratio, training));
    }
    org.deeplearning4j.nn.api.Layer impl = net.getLayer(i);
    if (isDense(l)) {
      INDArray w = impl.getParam("W");
      if (dims.length != 1 || dims[0] != w.size(0)) {
        throw refuse(i, l, "reads " + Arrays.toString(dims) + " per example but has a weight of shape "
            + Arrays.toString(w.shape()));
      }
      List<String> in = new ArrayList<>(List.of(value, initializer(prefix + ".W", w.shape(), floats(w))));
      boolean hasBias = l instanceof DenseLayer d ? d.hasBias() : ((OutputLayer) l).hasBias();
      INDArray b = hasBias ? impl.getParam("b") : null;
      if (b != null) {
        in.add(initializer(prefix + ".b", new long[] {b.length()}, floats(b)));
      }
      node("Gemm", prefix + "/gemm", in, attr("transB", 0));
      dims = new long[] {w.size(1)};
      activationNode(i, l, ((BaseLayer) l).getActivationFn(), prefix);
    } else if (l instanceof ConvolutionLayer c) {
      INDArray w = impl.getParam("W");
      if (dims.length != 3 || dims[0] != w.size(1)) {
        throw refuse(i, l, "reads " + Arrays.toString(dims) + " per example but has a weight of shape "
            + Arrays.toString(w.shape()));
      }
      List<String> in = new ArrayList<>(List.of(value, initializer(prefix + ".W", w.shape(), floats(w))));
      if (c.hasBias()) {
        INDArray b = impl.getParam("b");
        in.add(initializer(prefix + ".b", new long[] {b.length()}, floats(b)));
      }
      int[] k = c.getKernelSize();
      node("Conv", prefix + "/conv", in, window(k, c.getStride(), c.getPadding(), c.getDilation()));
      dims = new long[] {w.size(0), out(dims[1], k[0], c.getStride()[0], c.getPadding()[0], c.getDilation()[0]),
          out(dims[2], k[1], c.getStride()[1], c.getPadding()[1], c.getDilation()[1])};
      activationNode(i, l, c.getActivationFn(), prefix);
    } else {
      SubsamplingLayer s = (SubsamplingLayer) l;
      int[] k = s.getKernelSize();
      List<Onnx.AttributeProto> a = window(k, s.getStride(), s.getPadding(), null);
      node("MaxPool", prefix + "/maxpool", List.of(value), a.toArray(Onnx.AttributeProto[]::new));
      dims = new long[] {dims[0], out(dims[1], k[0], s.getStride()[0], s.getPadding()[0], 1),
          out(dims[2], k[1], s.getStride()[1], s.getPadding()[1], 1)};
    }
  }

  private void activationNode(int i, Layer l, IActivation f, String prefix) {
    String op = activation(i, l, f);
    if (op == null) {
      return;
    }
    if (op.equals("Softmax")) {
      if (dims.length != 1) {
        throw refuse(i, l, "applies softmax to images " + Arrays.toString(dims) + "; softmax over features is written");
      }
      node(op, prefix + "/softmax", List.of(value), attr("axis", 1));
    } else {
      node(op, prefix + "/" + op.toLowerCase(Locale.ROOT), List.of(value));
    }
  }

  /** Output size of a floored 2D window (Truncate mode, ONNX's default). */
  private static long out(long in, int k, int s, int p, int d) {
    return Math.floorDiv(in + 2L * p - (long) d * (k - 1) - 1, s) + 1;
  }

  private static List<Onnx.AttributeProto> window(int[] kernel, int[] stride, int[] pad, int[] dilation) {
    List<Onnx.AttributeProto> a = new ArrayList<>();
    a.add(ints("kernel_shape", kernel[0], kernel[1]));
    a.add(ints("strides", stride[0], stride[1]));
    a.add(ints("pads", pad[0], pad[1], pad[0], pad[1]));
    if (dilation != null) {
      a.add(ints("dilations", dilation[0], dilation[1]));
    }
    return a;
  }

  private void node(String op, String name, List<String> inputs, List<Onnx.AttributeProto> attributes) {
    node(op, name, inputs, attributes.toArray(Onnx.AttributeProto[]::new));
  }

  /** Appends a node reading {@code inputs}; its one output (named after it) becomes the current value. */
  private void node(String op, String name, List<String> inputs, Onnx.AttributeProto... attributes) {
    String output = name + ":0";
    nodes.add(Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output)
        .addAllAttribute(Arrays.asList(attributes)).build());
    value = output;
  }

  private static Onnx.AttributeProto attr(String name, long v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v)
        .build();
  }

  private static Onnx.AttributeProto ints(String name, long... v) {
    Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      b.addInts(x);
    }
    return b.build();
  }

  /** The values of {@code a} in C order, as float32. */
  private static float[] floats(INDArray a) {
    return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  private String initializer(String name, long[] shape, float[] values) {
    long size = Arrays.stream(shape).reduce(1, (p, q) -> p * q);
    if (size != values.length) {
      throw new IllegalStateException("initializer " + name + ": " + values.length + " values for shape "
          + Arrays.toString(shape));
    }
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    raw.flip();
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw));
    for (long d : shape) {
      t.addDims(d);
    }
    initializers.add(t.build());
    return name;
  }

  private String boolInitializer(String name, boolean v) {
    initializers.add(Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.BOOL_VALUE)
        .setRawData(ByteString.copyFrom(new byte[] {(byte) (v ? 1 : 0)})).build());
    return name;
  }

  private static Onnx.ValueInfoProto valueInfo(String name, long[] perExample) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    for (long d : perExample) {
      shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)
            .setShape(shape))).build();
  }
}
