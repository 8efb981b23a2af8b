package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/**
 * Global pooling of images over height and width, DL4J's {@code GlobalPoolingLayer} at inference
 * for NCHW-typed image input with {@code collapseDimensions = true}: one value per channel, the
 * max, mean, sum or p-norm {@code (sum |x|^p)^(1/p)} of its {@code h * w} cells. Input is
 * channels-last; sums run in double precision.
 *
 * <p>Immutable; scratch comes from the runner.
 */
final class GlobalPoolKernel implements Kernel {
  /** The reductions implemented; DL4J's {@code PoolingType} values of the same names. */
  enum Reduction { MAX, AVG, SUM, PNORM }

  private final String layer;
  private final Reduction reduction;
  private final int pnorm;
  private final int c;
  private final int pixels;

  GlobalPoolKernel(String layer, Reduction reduction, int pnorm, int channels, int pixels) {
    this.layer = layer;
    this.reduction = reduction;
    this.pnorm = pnorm;
    this.c = channels;
    this.pixels = pixels;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int inSize = pixels * c;
    float[] image = runner.floats(1, inSize);
    float[] res = runner.floats(2, c);
    double[] acc = new double[c];
    for (int r = 0; r < rows; r++) {
      in[0].copyTo(r * inSize, image, 0, inSize);
      java.util.Arrays.fill(acc, reduction == Reduction.MAX ? Double.NEGATIVE_INFINITY : 0);
      for (int p = 0; p < pixels; p++) {
        int base = p * c;
        switch (reduction) {
          case MAX -> {
            for (int ch = 0; ch < c; ch++) {
              acc[ch] = Math.max(acc[ch], image[base + ch]);
            }
          }
          case PNORM -> {
            for (int ch = 0; ch < c; ch++) {
              acc[ch] += Math.pow(Math.abs(image[base + ch]), pnorm);
            }
          }
          default -> {
            for (int ch = 0; ch < c; ch++) {
              acc[ch] += image[base + ch];
            }
          }
        }
      }
      for (int ch = 0; ch < c; ch++) {
        res[ch] = (float) switch (reduction) {
          case AVG -> acc[ch] / pixels;
          case PNORM -> Math.pow(acc[ch], 1.0 / pnorm);
          default -> acc[ch];
        };
      }
      out.copyFrom(r * c, res, 0, c);
    }
  }

  @Override
  public String describe() {
    return "global " + reduction.name().toLowerCase(java.util.Locale.ROOT) + " pooling"
        + (reduction == Reduction.PNORM ? " p=" + pnorm : "");
  }
}
