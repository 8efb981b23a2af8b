package org.mcposterior.forward;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.mcposterior.platform.NativeFloats;

/** DL4J's ElementWiseVertex: add, subtract, product, average or max of same-shaped inputs. */
final class ElementWiseKernel implements Kernel {
  private final String name;
  private final ElementWiseVertex.Op op;
  private final int size;

  ElementWiseKernel(String name, ElementWiseVertex.Op op, int size) {
    this.name = name;
    this.op = op;
    this.size = size;
  }

  @Override
  public void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows) {
    int slabRows = Math.max(1, Rows.SLAB / size);
    float[] acc = runner.floats(0, slabRows * size);
    float[] x = runner.floats(1, slabRows * size);
    for (int r0 = 0; r0 < rows; r0 += slabRows) {
      int len = Math.min(slabRows, rows - r0) * size;
      int off = r0 * size;
      in[0].copyTo(off, acc, 0, len);
      for (int i = 1; i < in.length; i++) {
        in[i].copyTo(off, x, 0, len);
        combine(acc, x, len);
      }
      if (op == ElementWiseVertex.Op.Average) {
        float inv = 1f / in.length;
        for (int j = 0; j < len; j++) {
          acc[j] *= inv;
        }
      }
      out.copyFrom(off, acc, 0, len);
    }
  }

  private void combine(float[] acc, float[] x, int len) {
    switch (op) {
      case Add, Average -> {
        for (int j = 0; j < len; j++) {
          acc[j] += x[j];
        }
      }
      case Subtract -> {
        for (int j = 0; j < len; j++) {
          acc[j] -= x[j];
        }
      }
      case Product -> {
        for (int j = 0; j < len; j++) {
          acc[j] *= x[j];
        }
      }
      case Max -> {
        for (int j = 0; j < len; j++) {
          acc[j] = Math.max(acc[j], x[j]);
        }
      }
      default -> throw new IllegalStateException("unsupported element-wise op " + op);
    }
  }

  @Override
  public String describe() {
    return op + " (vertex " + name + ")";
  }
}
