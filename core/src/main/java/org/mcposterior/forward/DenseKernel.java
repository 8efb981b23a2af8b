package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;
import org.mcposterior.platform.NativeGemm;
import org.mcposterior.randomness.KeyedRandom;

/**
 * A dense (fully connected) layer, DL4J's DenseLayer or OutputLayer at inference:
 * {@code act(x W + b)}, one sgemm over all rows, bias and activation in one pass after it.
 *
 * <p>With DropConnect, iteration {@code t} uses {@code W * M_t / (1 - p)} with {@code M_t} the
 * keyed mask of {@code (seed, t, site)}: one sgemm per iteration over that iteration's rows, so
 * iterations batched together still get independent weight masks (DESIGN.md, invariant 4).
 */
final class DenseKernel implements Kernel {
  private final String layer;
  private final int nIn;
  private final int nOut;
  private final float[] weights; // [nIn x nOut] row-major, DL4J's W
  private final NativeFloats w;
  private final float[] bias;
  private final Activation activation;
  private final double weightDropout; // NaN without DropConnect
  private final int site;
  private final int[] weightIndex;
  private final int nodeId;

  DenseKernel(int nodeId, String layer, int nIn, int nOut, float[] weights, float[] bias, Activation activation,
      double weightDropout, int site) {
    this.nodeId = nodeId;
    this.layer = layer;
    this.nIn = nIn;
    this.nOut = nOut;
    this.weights = weights;
    this.w = NativeFloats.of(weights);
    this.bias = bias;
    this.activation = activation;
    this.weightDropout = weightDropout;
    this.site = site;
    this.weightIndex = Double.isNaN(weightDropout) ? null : KeyedRandom.indexTable(nIn * nOut);
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    if (weightIndex == null) {
      NativeGemm.sgemm(false, false, rows, nOut, nIn, 1f, in[0], 0, nIn, w, 0, nOut, 0f, out, 0, nOut);
    } else {
      int nb = chunk.examples;
      boolean perExample = inRows[0] != rows;
      for (int t = 0; t < chunk.iterations; t++) {
        NativeFloats wt = Rows.dropConnectWeights(runner, nodeId, chunk, t, site, weights, weightIndex, weightDropout);
        int inOff = perExample ? 0 : t * nb * nIn;
        NativeGemm.sgemm(false, false, nb, nOut, nIn, 1f, in[0], inOff, nIn, wt, 0, nOut, 0f, out, t * nb * nOut, nOut);
      }
    }
    Rows.biasAndActivate(runner, out, 0, rows, nOut, bias, activation);
  }

  @Override
  public boolean isStochastic() {
    return weightIndex != null;
  }

  @Override
  public boolean dropsWeights() {
    return weightIndex != null;
  }

  /** Multiply-adds per row, for FLOP counts. */
  long flopsPerRow() {
    return 2L * nIn * nOut;
  }

  @Override
  public String describe() {
    return "dense " + nIn + "->" + nOut + " " + activation.name() + (weightIndex == null ? "" : " dropconnect p=" + weightDropout)
       ;
  }
}
