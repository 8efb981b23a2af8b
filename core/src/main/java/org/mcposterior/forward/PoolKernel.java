package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/**
 * 2D max or average pooling, DL4J's SubsamplingLayer at inference, channels-last. Padded cells
 * never win a max; for averages they count in the divisor only when {@code divideByKernel}.
 */
final class PoolKernel implements Kernel {
  private final String layer;
  private final boolean max;
  private final boolean divideByKernel;
  private final int c;
  private final Window win;

  PoolKernel(String layer, boolean max, boolean divideByKernel, int c, Window win) {
    this.layer = layer;
    this.max = max;
    this.divideByKernel = divideByKernel;
    this.c = c;
    this.win = win;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int inSize = win.inH() * win.inW() * c;
    int outSize = win.outH() * win.outW() * c;
    float[] image = runner.floats(1, inSize);
    float[] res = runner.floats(2, outSize);
    float[] acc = runner.floats(3, c);
    for (int r = 0; r < rows; r++) {
      in[0].copyTo(r * inSize, image, 0, inSize);
      pool(image, res, acc);
      out.copyFrom(r * outSize, res, 0, outSize);
    }
  }

  private void pool(float[] image, float[] res, float[] acc) {
    for (int oy = 0; oy < win.outH(); oy++) {
      for (int ox = 0; ox < win.outW(); ox++) {
        java.util.Arrays.fill(acc, 0, c, max ? Float.NEGATIVE_INFINITY : 0f);
        int count = 0;
        for (int a = 0; a < win.kH(); a++) {
          int iy = oy * win.sH() - win.pH() + a * win.dH();
          if (iy < 0 || iy >= win.inH()) {
            continue;
          }
          for (int b = 0; b < win.kW(); b++) {
            int ix = ox * win.sW() - win.pW() + b * win.dW();
            if (ix < 0 || ix >= win.inW()) {
              continue;
            }
            int src = (iy * win.inW() + ix) * c;
            if (max) {
              for (int ch = 0; ch < c; ch++) {
                acc[ch] = Math.max(acc[ch], image[src + ch]);
              }
            } else {
              for (int ch = 0; ch < c; ch++) {
                acc[ch] += image[src + ch];
              }
            }
            count++;
          }
        }
        int dst = (oy * win.outW() + ox) * c;
        if (max) {
          System.arraycopy(acc, 0, res, dst, c);
        } else {
          float inv = 1f / (divideByKernel ? win.kH() * win.kW() : Math.max(1, count));
          for (int ch = 0; ch < c; ch++) {
            res[dst + ch] = acc[ch] * inv;
          }
        }
      }
    }
  }

  @Override
  public String describe() {
    return (max ? "max" : "avg") + "pool " + win;
  }
}
