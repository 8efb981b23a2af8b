package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/** DL4J's ActivationLayer: an activation on its own. */
final class ActivationKernel implements Kernel {
  private final String layer;
  private final Activation activation;
  private final int size;

  ActivationKernel(String layer, Activation activation, int size) {
    this.layer = layer;
    this.activation = activation;
    this.size = size;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    if (in[0] != out) {
      out.copyFrom(0, in[0], 0, rows * size);
    }
    Rows.biasAndActivate(runner, out, 0, rows, size, null, activation);
  }

  @Override
  public String describe() {
    return activation.name();
  }
}
