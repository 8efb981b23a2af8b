package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/**
 * {@code y = x * scale + shift} with one scale and shift per element: batch normalisation at
 * inference (global mean and variance folded in), and any other per-channel affine map.
 */
final class AffineKernel implements Kernel {
  private final String layer;
  private final float[] scale;
  private final float[] shift;

  AffineKernel(String layer, float[] scale, float[] shift) {
    this.layer = layer;
    this.scale = scale;
    this.shift = shift;
  }

  /** Per-element scale and shift from per-channel ones, for activations of geometry {@code g}. */
  static AffineKernel perChannel(String layer, Geometry g, float[] channelScale, float[] channelShift) {
    int size = g.size();
    float[] s = new float[size];
    float[] b = new float[size];
    int c = g.dims()[0];
    int perChannel = size / c;
    for (int j = 0; j < size; j++) {
      int ch = g.memory() == Geometry.Memory.HWC ? j % c : j / perChannel;
      s[j] = channelScale[ch];
      b[j] = channelShift[ch];
    }
    return new AffineKernel(layer, s, b);
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int size = scale.length;
    int slabRows = Math.max(1, Rows.SLAB / size);
    float[] x = runner.floats(0, slabRows * size);
    for (int r0 = 0; r0 < rows; r0 += slabRows) {
      int n = Math.min(slabRows, rows - r0);
      in[0].copyTo(r0 * size, x, 0, n * size);
      for (int r = 0; r < n; r++) {
        affine(x, r * size);
      }
      out.copyFrom(r0 * size, x, 0, n * size);
    }
  }

  private void affine(float[] x, int off) {
    for (int j = 0; j < scale.length; j++) {
      x[off + j] = x[off + j] * scale[j] + shift[j];
    }
  }

  @Override
  public String describe() {
    return "affine (batch-norm at inference)";
  }
}
