package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/**
 * Local response normalisation across channels, DL4J's {@code LocalResponseNormalization} layer at
 * inference, channels-last (Krizhevsky, Sutskever and Hinton 2012, "ImageNet classification with
 * deep convolutional neural networks", section 3.3):
 *
 * <pre>
 *   y[c] = x[c] / (k + alpha * sum_{j = max(0, c - h)}^{min(C - 1, c + h)} x[j]^2)^beta,   h = floor(n / 2)
 * </pre>
 *
 * at every pixel, with alpha not divided by n (DL4J's convention; checked against DL4J's layer).
 * The sum runs in double precision as a sliding window over the channels of one pixel, so a pixel
 * costs O(C) whatever n is. {@code beta = 0.75} (AlexNet's, and DL4J's default) takes a square
 * root and a fourth root instead of a general power.
 *
 * <p>Immutable; scratch comes from the runner.
 */
final class LrnKernel implements Kernel {
  private final String layer;
  private final int c;
  private final int pixels;
  private final int half;
  private final double k, alpha, beta;

  LrnKernel(String layer, int channels, int pixels, int n, double k, double alpha, double beta) {
    this.layer = layer;
    this.c = channels;
    this.pixels = pixels;
    this.half = n / 2;
    this.k = k;
    this.alpha = alpha;
    this.beta = beta;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int total = rows * pixels;
    int slabPixels = Math.max(1, Rows.SLAB / c);
    float[] x = runner.floats(1, slabPixels * c);
    float[] y = runner.floats(2, slabPixels * c);
    double[] sq = new double[c];
    boolean threeQuarters = beta == 0.75;
    for (int p0 = 0; p0 < total; p0 += slabPixels) {
      int n = Math.min(slabPixels, total - p0);
      int off = p0 * c;
      in[0].copyTo(off, x, 0, n * c);
      for (int p = 0; p < n; p++) {
        int base = p * c;
        for (int j = 0; j < c; j++) {
          double v = x[base + j];
          sq[j] = v * v;
        }
        double window = 0;
        for (int j = 0; j < Math.min(half, c); j++) {
          window += sq[j];
        }
        for (int j = 0; j < c; j++) {
          int enter = j + half;
          if (enter < c) {
            window += sq[enter];
          }
          int leave = j - half - 1;
          if (leave >= 0) {
            window -= sq[leave];
          }
          double u = k + alpha * Math.max(0, window);
          double scale = threeQuarters ? 1 / (Math.sqrt(u) * Math.sqrt(Math.sqrt(u))) : Math.pow(u, -beta);
          y[base + j] = (float) (x[base + j] * scale);
        }
      }
      out.copyFrom(off, y, 0, n * c);
    }
  }

  @Override
  public String describe() {
    return "local response normalisation n=" + (2 * half + 1) + " k=" + k + " alpha=" + alpha + " beta=" + beta;
  }
}
