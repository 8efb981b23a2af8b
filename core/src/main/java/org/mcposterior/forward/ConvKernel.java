package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;
import org.mcposterior.platform.NativeGemm;
import org.mcposterior.randomness.KeyedRandom;

/**
 * A 2D convolution, DL4J's ConvolutionLayer at inference, as im2col + one sgemm, channels-last.
 *
 * <p>Input and output are channels-last ({@code [h, w, c]} per example). For each output pixel,
 * the patch is gathered in {@code (kh, kw, c)} order, so each kernel row is one contiguous copy of
 * {@code kW * c} floats when the window is inside the image; the weights are rearranged once to
 * {@code [kH*kW*inC, outC]}. Padding (explicit or DL4J's Same mode, top-left), stride and dilation
 * are honoured; padded cells are zeros. DropConnect works as in {@link DenseKernel}, per
 * iteration, with mask elements indexed in DL4J's weight order {@code [outC, inC, kH, kW]}.
 */
final class ConvKernel implements Kernel {
  /** Cap on the im2col scratch per sgemm, in floats (2 MB: small enough to stay in cache, measured best). */
  static final int COL_CAP = 1 << 19;

  private final int nodeId;
  private final String layer;
  private final int inC, outC;
  private final Window win;
  private final int k; // kH * kW * inC
  private final float[] weights; // [k x outC]
  private final NativeFloats w;
  private final float[] bias;
  private final Activation activation;
  private final double weightDropout;
  private final int site;
  private final int[] weightIndex;

  ConvKernel(int nodeId, String layer, int inC, int outC, Window win, float[] dl4jWeights, float[] bias,
      Activation activation, double weightDropout, int site) {
    this.nodeId = nodeId;
    this.layer = layer;
    this.inC = inC;
    this.outC = outC;
    this.win = win;
    int kH = win.kH(), kW = win.kW();
    this.k = kH * kW * inC;
    this.weights = new float[k * outC];
    int[] canonical = new int[k * outC];
    for (int o = 0; o < outC; o++) {
      for (int c = 0; c < inC; c++) {
        for (int a = 0; a < kH; a++) {
          for (int b = 0; b < kW; b++) {
            int src = ((o * inC + c) * kH + a) * kW + b;
            int row = (a * kW + b) * inC + c;
            weights[row * outC + o] = dl4jWeights[src];
            canonical[row * outC + o] = src;
          }
        }
      }
    }
    this.w = NativeFloats.of(weights);
    this.bias = bias;
    this.activation = activation;
    this.weightDropout = weightDropout;
    this.site = site;
    this.weightIndex = Double.isNaN(weightDropout) ? null : KeyedRandom.indexTable(canonical);
  }

  private int pixels() {
    return win.outH() * win.outW();
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int inSize = win.inH() * win.inW() * inC;
    int outSize = pixels() * outC;
    int colPerRow = pixels() * k;
    int block = (int) Math.max(1, Math.min(COL_CAP, runner.scratchLimit()) / colPerRow);
    if (weightIndex == null) {
      convolve(runner, in[0], 0, rows, w, out, 0, block);
    } else {
      int nb = chunk.examples;
      boolean perExample = inRows[0] != rows;
      for (int t = 0; t < chunk.iterations; t++) {
        NativeFloats wt = Rows.dropConnectWeights(runner, nodeId, chunk, t, site, weights, weightIndex, weightDropout);
        convolve(runner, in[0], perExample ? 0 : t * nb * inSize, nb, wt, out, t * nb * outSize, block);
      }
    }
    Rows.biasAndActivate(runner, out, 0, rows * pixels(), outC, bias, activation);
  }

  /** out[outOff..] = conv(in[inOff..]) for {@code rows} examples, {@code block} examples per sgemm. */
  private void convolve(PlanRunner runner, NativeFloats in, int inOff, int rows, NativeFloats weights,
      NativeFloats out, int outOff, int block) {
    int inSize = win.inH() * win.inW() * inC;
    int p = pixels();
    if (win.kH() == 1 && win.kW() == 1 && win.sH() == 1 && win.sW() == 1 && win.pH() == 0 && win.pW() == 0 && win.outH() == win.inH() && win.outW() == win.inW()) {
      NativeGemm.sgemm(false, false, rows * p, outC, k, 1f, in, inOff, k, weights, 0, outC, 0f, out, outOff, outC);
      return;
    }
    NativeFloats col = runner.scratch((long) Math.min(block, rows) * p * k);
    float[] image = runner.floats(1, inSize);
    float[] zeros = runner.floats(2, Math.max(win.kW() * inC, 1));
    java.util.Arrays.fill(zeros, 0, win.kW() * inC, 0f);
    for (int r0 = 0; r0 < rows; r0 += block) {
      int n = Math.min(block, rows - r0);
      for (int r = 0; r < n; r++) {
        in.copyTo(inOff + (r0 + r) * inSize, image, 0, inSize);
        im2col(image, zeros, col, r * p * k);
      }
      NativeGemm.sgemm(false, false, n * p, outC, k, 1f, col, 0, k, weights, 0, outC, 0f, out,
          outOff + r0 * p * outC, outC);
    }
  }

  /**
   * Gathers the patches of one channels-last image straight into native rows of
   * {@code (kh, kw, c)} at {@code dst}: one bulk copy per kernel row inside the image.
   */
  void im2col(float[] image, float[] zeros, NativeFloats col, int dst) {
    int rowLen = win.kW() * inC;
    for (int oy = 0; oy < win.outH(); oy++) {
      int iy0 = oy * win.sH() - win.pH();
      for (int ox = 0; ox < win.outW(); ox++) {
        int ix0 = ox * win.sW() - win.pW();
        boolean inside = win.dW() == 1 && ix0 >= 0 && ix0 + win.kW() <= win.inW();
        for (int a = 0; a < win.kH(); a++) {
          int iy = iy0 + a * win.dH();
          if (iy < 0 || iy >= win.inH()) {
            col.copyFrom(dst, zeros, 0, rowLen);
          } else if (inside) {
            col.copyFrom(dst, image, (iy * win.inW() + ix0) * inC, rowLen);
          } else {
            for (int b = 0; b < win.kW(); b++) {
              int ix = ix0 + b * win.dW();
              if (ix < 0 || ix >= win.inW()) {
                col.copyFrom(dst + b * inC, zeros, 0, inC);
              } else {
                col.copyFrom(dst + b * inC, image, (iy * win.inW() + ix) * inC, inC);
              }
            }
          }
          dst += rowLen;
        }
      }
    }
  }

  @Override
  public long scratchFloats(int rows) {
    long colPerRow = (long) pixels() * k;
    long block = Math.max(1, COL_CAP / colPerRow);
    return Math.min(block, Math.max(1, rows)) * colPerRow;
  }

  @Override
  public boolean isStochastic() {
    return weightIndex != null;
  }

  @Override
  public boolean dropsWeights() {
    return weightIndex != null;
  }

  long flopsPerRow() {
    return 2L * pixels() * k * outC;
  }

  @Override
  public String describe() {
    return "conv " + inC + "->" + outC + " " + win + " " + activation.name()
        + (weightIndex == null ? "" : " dropconnect p=" + weightDropout);
  }
}
