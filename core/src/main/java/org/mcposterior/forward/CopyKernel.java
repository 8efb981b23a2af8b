package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/** Passes activations through unchanged (a deterministic dropout layer, a reshape that keeps memory order). */
final class CopyKernel implements Kernel {
  private final String what;
  private final int size;

  CopyKernel(String what, int size) {
    this.what = what;
    this.size = size;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    out.copyFrom(0, in[0], 0, rows * size);
  }

  @Override
  public String describe() {
    return what;
  }
}
