package org.mcposterior.forward;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.util.ConvolutionUtils;
import org.mcposterior.models.InputShapeException;

/**
 * Where a 2D sliding window (convolution or pooling) reads: input and output size, kernel, stride,
 * top-left padding and dilation, with DL4J's output-size and Same-mode padding rules.
 */
record Window(int inH, int inW, int outH, int outW, int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW) {

  /**
   * The window DL4J uses for a layer with these settings on {@code h x w} inputs.
   *
   * @throws InputShapeException when the (dilated) kernel does not fit the padded input
   */
  static Window of(String layer, int h, int w, int[] kernel, int[] stride, int[] pad, int[] dilation, ConvolutionMode mode) {
    int[] out;
    int[] p = pad;
    if (mode == ConvolutionMode.Same) {
      out = new int[] {(h + stride[0] - 1) / stride[0], (w + stride[1] - 1) / stride[1]};
      p = ConvolutionUtils.getSameModeTopLeftPadding(out, new int[] {h, w}, kernel, stride, dilation);
    } else {
      int ekh = kernel[0] + (kernel[0] - 1) * (dilation[0] - 1);
      int ekw = kernel[1] + (kernel[1] - 1) * (dilation[1] - 1);
      int oh = (h - ekh + 2 * pad[0]) / stride[0] + 1;
      int ow = (w - ekw + 2 * pad[1]) / stride[1] + 1;
      if (ekh > h + 2 * pad[0] || ekw > w + 2 * pad[1] || oh <= 0 || ow <= 0) {
        throw new InputShapeException(layer + " has a " + kernel[0] + "x" + kernel[1] + " kernel that does not fit input"
            + " images of " + h + "x" + w + " (padding " + pad[0] + "x" + pad[1] + "); pass larger images");
      }
      out = new int[] {oh, ow};
    }
    return new Window(h, w, out[0], out[1], kernel[0], kernel[1], stride[0], stride[1], p[0], p[1], dilation[0], dilation[1]);
  }

  int pixels() {
    return outH * outW;
  }

  @Override
  public String toString() {
    return kH + "x" + kW + " stride " + sH + "x" + sW + " pad " + pH + "x" + pW + " dilation " + dH + "x" + dW;
  }
}
