package org.mcposterior.models;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layout changes of a channels-last (NHWC) ONNX model, such as a Keras model exported with
 * tf2onnx, between its flat rows and DL4J's channels-first images: {@code toImages} turns rows of
 * {@code H x W x C} values in HWC order (the model's NHWC input, flattened) into {@code [batch, C,
 * H, W]} images; otherwise images {@code [batch, C, H, W]} become rows in HWC order, which is what a
 * {@code Transpose(perm=[0, 2, 3, 1])} followed by a flatten computes. Inference only: {@code
 * backprop} is refused. DL4J's JSON writes and reads it by class name and fields.
 */
public final class ChannelsLastPreProcessor implements InputPreProcessor {
  private static final long serialVersionUID = 1L;
  private boolean toImages;
  private long height;
  private long width;
  private long channels;

  /** For DL4J's JSON reader. */
  public ChannelsLastPreProcessor() {}

  public ChannelsLastPreProcessor(boolean toImages, long height, long width, long channels) {
    this.toImages = toImages;
    this.height = height;
    this.width = width;
    this.channels = channels;
  }

  public boolean isToImages() {
    return toImages;
  }

  public long getHeight() {
    return height;
  }

  public long getWidth() {
    return width;
  }

  public long getChannels() {
    return channels;
  }

  @Override
  public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    long n = input.size(0);
    if (toImages) {
      INDArray hwc = input.reshape('c', n, height, width, channels);
      return workspaceMgr.dup(ArrayType.ACTIVATIONS, hwc.permute(0, 3, 1, 2), 'c');
    }
    INDArray chw = input.reshape('c', n, channels, height, width);
    return workspaceMgr.dup(ArrayType.ACTIVATIONS, chw.permute(0, 2, 3, 1), 'c').reshape('c', n,
        height * width * channels);
  }

  @Override
  public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
    throw new UnsupportedOperationException("the channels-last layout change of an imported ONNX model runs at"
        + " inference only; ONNX models are scored, never trained here");
  }

  @Override
  public InputPreProcessor clone() {
    return new ChannelsLastPreProcessor(toImages, height, width, channels);
  }

  @Override
  public InputType getOutputType(InputType inputType) {
    return toImages ? InputType.convolutional(height, width, channels) : InputType.feedForward(height * width * channels);
  }

  @Override
  public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
    return new Pair<>(maskArray, currentMaskState);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelsLastPreProcessor p && p.toImages == toImages && p.height == height && p.width == width
        && p.channels == channels;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(toImages, height, width, channels);
  }

  @Override
  public String toString() {
    return "ChannelsLastPreProcessor(" + (toImages ? "HWC rows to CHW images" : "CHW images to HWC rows") + ", h="
        + height + ", w=" + width + ", c=" + channels + ")";
  }
}
