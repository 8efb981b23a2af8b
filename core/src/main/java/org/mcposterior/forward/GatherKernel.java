package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/**
 * A layer that only moves values: every output value of an example is one of its input values or
 * zero (padding, cropping, nearest-neighbour upsampling, space-to-depth). The map is read off
 * DL4J's own layer when the plan is compiled (see {@code PlanCompiler}), so it is the layer's
 * exact semantics for its flags, formats included.
 *
 * <p>Immutable; scratch comes from the runner.
 */
final class GatherKernel implements Kernel {
  private final String what;
  private final int[] source; // per output value: the input value's index, or -1 for zero
  private final int inSize;

  GatherKernel(String what, int[] source, int inSize) {
    this.what = what;
    this.source = source.clone();
    this.inSize = inSize;
  }

  /** Gathers one example: {@code out[j] = in[source[j]]}, or zero. */
  void gather(float[] in, int inOff, float[] out, int outOff) {
    for (int j = 0; j < source.length; j++) {
      int s = source[j];
      out[outOff + j] = s < 0 ? 0f : in[inOff + s];
    }
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int outSize = source.length;
    float[] x = runner.floats(1, inSize);
    float[] y = runner.floats(2, outSize);
    for (int r = 0; r < rows; r++) {
      in[0].copyTo(r * inSize, x, 0, inSize);
      gather(x, 0, y, 0);
      out.copyFrom(r * outSize, y, 0, outSize);
    }
  }

  @Override
  public String describe() {
    return "gather (" + what + ", map read off DL4J's layer)";
  }
}
