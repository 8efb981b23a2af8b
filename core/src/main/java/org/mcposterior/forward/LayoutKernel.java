package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/** Converts images between channels-first and channels-last memory order. */
final class LayoutKernel implements Kernel {
  private final int c, h, w;
  private final boolean toChannelsLast;

  LayoutKernel(Geometry in, boolean toChannelsLast) {
    this.c = in.channels();
    this.h = in.height();
    this.w = in.width();
    this.toChannelsLast = toChannelsLast;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int size = c * h * w;
    float[] a = runner.floats(1, size);
    float[] b = runner.floats(2, size);
    int hw = h * w;
    for (int r = 0; r < rows; r++) {
      in[0].copyTo(r * size, a, 0, size);
      if (toChannelsLast) {
        for (int ch = 0; ch < c; ch++) {
          for (int p = 0; p < hw; p++) {
            b[p * c + ch] = a[ch * hw + p];
          }
        }
      } else {
        for (int p = 0; p < hw; p++) {
          for (int ch = 0; ch < c; ch++) {
            b[ch * hw + p] = a[p * c + ch];
          }
        }
      }
      out.copyFrom(r * size, b, 0, size);
    }
  }

  @Override
  public String describe() {
    return toChannelsLast ? "to channels-last" : "to channels-first";
  }
}
