package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/**
 * DL4J's MergeVertex: concatenation along the feature or channel dimension. For channels-last
 * images that is a per-pixel concatenation; for flat or channels-first activations, per example.
 */
final class MergeKernel implements Kernel {
  private final String name;
  private final int[] blockSizes; // floats each input contributes per block
  private final int blocks; // pixels for channels-last images, else 1
  private final int outSize;

  MergeKernel(String name, Geometry[] inputs, Geometry output) {
    this.name = name;
    boolean channelsLast = output.memory() == Geometry.Memory.HWC;
    this.blocks = channelsLast ? output.height() * output.width() : 1;
    this.blockSizes = new int[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      blockSizes[i] = inputs[i].size() / blocks;
    }
    this.outSize = output.size();
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    for (int r = 0; r < rows; r++) {
      int dst = r * outSize;
      for (int b = 0; b < blocks; b++) {
        for (int i = 0; i < in.length; i++) {
          int len = blockSizes[i];
          out.copyFrom(dst, in[i], (r * blocks + b) * len, len);
          dst += len;
        }
      }
    }
  }

  @Override
  public String describe() {
    return "merge (vertex " + name + ")";
  }
}
