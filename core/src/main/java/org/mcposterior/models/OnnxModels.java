package org.mcposterior.models;

import onnx.Onnx;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Models exported to ONNX (from PyTorch with {@code torch.onnx.export}, from Keras or TensorFlow
 * with tf2onnx), read into the same DL4J {@link Network} every other part of the library samples.
 *
 * <p>The ONNX graph is translated node by node into an equivalent DL4J {@code ComputationGraph}:
 * {@code Gemm} and {@code MatMul} (with a following {@code Add} of a bias) become dense layers,
 * {@code Conv} a convolution (or a depthwise one, for {@code group} equal to the input channels),
 * {@code ConvTranspose} a deconvolution, {@code BatchNormalization} a batch-norm layer with the
 * exported running statistics (always in inference mode, also when exported in its training form
 * with five outputs), pooling and activations their DL4J layers, {@code Add}/{@code Sub}/{@code Mul}
 * of two tensors an element-wise vertex, {@code Concat} on channels a merge vertex, {@code Flatten}
 * and {@code Reshape} to {@code [batch, -1]} a flattening preprocessor, and every {@code Dropout}
 * node a DL4J {@code DropoutLayer} with the node's ratio, which the sampler treats as an MC dropout
 * site exactly as for a DL4J model. Constants and shape arithmetic ({@code Shape}, {@code Gather},
 * {@code Unsqueeze}, {@code Concat} of shapes, {@code Cast}) are evaluated here, with a symbolic
 * batch size. The compiled forward plan then runs the DL4J graph with its native kernels, so an
 * ONNX model runs at the speed of the same network built in DL4J.
 *
 * <p>Right or refused (DESIGN.md, invariant 9): an op, attribute or shape that the translation
 * does not reproduce exactly is refused before any work with a {@link ModelLoadException} naming
 * the node, its op and what to do. Stateless.
 */
public final class OnnxModels {
  /** The ONNX default-domain opsets read here; the ops' semantics are those of each opset. */
  public static final int MIN_OPSET = 7;

  public static final int MAX_OPSET = 20;

  private OnnxModels() {}

  /**
   * Whether {@code bytes} are an ONNX model rather than a DL4J zip, by content: a zip starts with
   * {@code PK}; an ONNX file is a protobuf {@code ModelProto} that parses and holds a graph with at
   * least one node.
   */
  public static boolean isOnnx(byte[] bytes) {
    if (bytes == null || bytes.length < 4 || (bytes[0] == 'P' && bytes[1] == 'K')) {
      return false;
    }
    try {
      Onnx.ModelProto m = Onnx.ModelProto.parseFrom(bytes);
      return m.hasGraph() && m.getGraph().getNodeCount() > 0;
    } catch (InvalidProtocolBufferException e) {
      return false; // not a protobuf: the caller reports what the bytes are not
    }
  }

  /**
   * Reads an ONNX model into a DL4J network.
   *
   * @param bytes the {@code .onnx} file's bytes
   * @param source names the model in messages (a path or "in-memory model")
   * @throws ModelLoadException when the bytes are not an ONNX model, or the model uses an op,
   *     attribute or shape that cannot be run exactly; the message names the node and the fix
   */
  public static Network read(byte[] bytes, String source) {
    Onnx.ModelProto model;
    try {
      model = Onnx.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException("model " + source + " is not an ONNX model (" + e.getMessage() + "); expected a"
          + " file written by torch.onnx.export or tf2onnx, or a DL4J model zip", e);
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new ModelLoadException("model " + source + " is an ONNX file without a graph; expected a model written"
          + " by torch.onnx.export or tf2onnx");
    }
    return new OnnxConverter(model, source).convert();
  }
}
