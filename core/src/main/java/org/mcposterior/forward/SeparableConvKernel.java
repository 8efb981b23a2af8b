package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;
import org.mcposterior.platform.NativeGemm;

/**
 * A depthwise-separable 2D convolution, DL4J's SeparableConvolution2D at inference, channels-last:
 * a depthwise convolution (each input channel {@code c} convolved with its own {@code m} kernels,
 * {@code m} the depth multiplier) as a direct loop, then the pointwise 1x1 convolution as one sgemm,
 * then bias and activation.
 *
 * <p>DL4J's parameters: depthwise {@code W} of shape {@code [m, inC, kH, kW]}, pointwise {@code pW}
 * of shape {@code [outC, inC * m, 1, 1]}, bias {@code b} of {@code outC}. The depthwise output
 * channel of input channel {@code c} and multiplier index {@code j} is {@code c * m + j}, as in
 * DL4J's {@code sconv2d}. Padding (explicit or Same mode, top-left), stride and dilation are
 * those of {@link Window}; padded cells are zeros. No DropConnect: the plan compiler refuses it on
 * this layer before building the kernel.
 *
 * <p>Cost per output pixel: {@code kH kW inC m} multiply-adds in the direct loop (vectorised by the
 * JIT over the contiguous channels) plus {@code inC m outC} in the sgemm; DL4J's own kernel runs the
 * same arithmetic several times slower (Xception in {@code bench zoo}).
 */
final class SeparableConvKernel implements Kernel {
  /** Cap on the depthwise output held for one sgemm, in floats (as {@link ConvKernel#COL_CAP}). */
  static final int MID_CAP = 1 << 19;

  private final String layer;
  private final int inC, mult, mid, outC;
  private final Window win;
  private final float[] depthwise; // [kH][kW][inC * m], channel c * m + j
  private final NativeFloats pointwise; // [inC * m x outC] row-major
  private final float[] bias;
  private final Activation activation;

  SeparableConvKernel(String layer, int inC, int mult, int outC, Window win, float[] dl4jDepthwise,
      float[] dl4jPointwise, float[] bias, Activation activation) {
    this.layer = layer;
    this.inC = inC;
    this.mult = mult;
    this.mid = inC * mult;
    this.outC = outC;
    this.win = win;
    int kH = win.kH(), kW = win.kW();
    this.depthwise = new float[kH * kW * mid];
    for (int j = 0; j < mult; j++) {
      for (int c = 0; c < inC; c++) {
        for (int a = 0; a < kH; a++) {
          for (int b = 0; b < kW; b++) {
            depthwise[(a * kW + b) * mid + c * mult + j] = dl4jDepthwise[((j * inC + c) * kH + a) * kW + b];
          }
        }
      }
    }
    float[] pw = new float[mid * outC];
    for (int o = 0; o < outC; o++) {
      for (int i = 0; i < mid; i++) {
        pw[i * outC + o] = dl4jPointwise[o * mid + i];
      }
    }
    this.pointwise = NativeFloats.of(pw);
    this.bias = bias;
    this.activation = activation;
  }

  private int midPerRow() {
    return win.pixels() * mid;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int inSize = win.inH() * win.inW() * inC;
    int perRow = midPerRow();
    int block = (int) Math.max(1, Math.min(MID_CAP, runner.scratchLimit()) / perRow);
    NativeFloats midBuf = runner.scratch((long) Math.min(block, rows) * perRow);
    float[] image = runner.floats(1, inSize);
    float[] acc = runner.floats(2, perRow);
    int p = win.pixels();
    for (int r0 = 0; r0 < rows; r0 += block) {
      int n = Math.min(block, rows - r0);
      for (int r = 0; r < n; r++) {
        in[0].copyTo((r0 + r) * inSize, image, 0, inSize);
        depthwise(image, acc);
        midBuf.copyFrom(r * perRow, acc, 0, perRow);
      }
      NativeGemm.sgemm(false, false, n * p, outC, mid, 1f, midBuf, 0, mid, pointwise, 0, outC, 0f, out,
          r0 * p * outC, outC);
    }
    Rows.biasAndActivate(runner, out, 0, rows * p, outC, bias, activation);
  }

  /** The depthwise convolution of one channels-last image into {@code acc} ({@code [outH, outW, inC * m]}). */
  void depthwise(float[] image, float[] acc) {
    int kW = win.kW();
    java.util.Arrays.fill(acc, 0, midPerRow(), 0f);
    for (int oy = 0; oy < win.outH(); oy++) {
      int iy0 = oy * win.sH() - win.pH();
      for (int ox = 0; ox < win.outW(); ox++) {
        int ix0 = ox * win.sW() - win.pW();
        int dst = (oy * win.outW() + ox) * mid;
        for (int a = 0; a < win.kH(); a++) {
          int iy = iy0 + a * win.dH();
          if (iy < 0 || iy >= win.inH()) {
            continue;
          }
          for (int b = 0; b < kW; b++) {
            int ix = ix0 + b * win.dW();
            if (ix < 0 || ix >= win.inW()) {
              continue;
            }
            int src = (iy * win.inW() + ix) * inC;
            int w = (a * kW + b) * mid;
            if (mult == 1) {
              for (int c = 0; c < inC; c++) {
                acc[dst + c] += image[src + c] * depthwise[w + c];
              }
            } else {
              for (int c = 0; c < inC; c++) {
                float x = image[src + c];
                int o = c * mult;
                for (int j = 0; j < mult; j++) {
                  acc[dst + o + j] += x * depthwise[w + o + j];
                }
              }
            }
          }
        }
      }
    }
  }

  @Override
  public long scratchFloats(int rows) {
    long perRow = midPerRow();
    long block = Math.max(1, MID_CAP / perRow);
    return Math.min(block, Math.max(1, rows)) * perRow;
  }

  /** Multiply-adds x 2 per row, for FLOP counts: the depthwise loop and the pointwise sgemm. */
  long flopsPerRow() {
    return 2L * win.pixels() * ((long) win.kH() * win.kW() * mid + (long) mid * outC);
  }

  @Override
  public String describe() {
    return "separable conv " + inC + "->" + outC + (mult == 1 ? "" : " depth multiplier " + mult) + " " + win + " "
        + activation.name();
  }
}
