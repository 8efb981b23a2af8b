package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/**
 * Copies each example's row once per iteration: the uncached path, where everything after the
 * network input runs per sample (as baal does), used to check the cached prefix and to measure it.
 */
final class ReplicateKernel implements Kernel {
  private final int size;

  ReplicateKernel(int size) {
    this.size = size;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int block = chunk.examples * size;
    for (int t = 0; t < chunk.iterations; t++) {
      out.copyFrom(t * block, in[0], 0, block);
    }
  }

  @Override
  public boolean expandsRows() {
    return true;
  }

  @Override
  public String describe() {
    return "replicate per iteration";
  }
}
