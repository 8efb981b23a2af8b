package org.mcposterior.forward;

import org.mcposterior.platform.NativeFloats;

/**
 * One node's computation: reads its inputs' rows, writes its output rows.
 *
 * <p>Kernels are immutable and shared by every thread that runs the plan; all mutable state lives
 * in the {@link PlanRunner} passed in.
 */
public interface Kernel {

  /**
   * Computes the output.
   *
   * @param in the inputs' buffers
   * @param inRows rows held by each input: either {@code rows}, or, for kernels that
   *     {@link #expandsRows() expand rows}, possibly the chunk's example count
   * @param out the output buffer, with room for {@code rows} rows
   * @param rows output rows: the chunk's examples (prefix) or examples x iterations (samples)
   */
  void forward(PlanRunner runner, Chunk chunk, NativeFloats[] in, int[] inRows, NativeFloats out, int rows);

  /** Whether this kernel draws random numbers (a stochastic site). */
  default boolean isStochastic() {
    return false;
  }

  /**
   * Whether the kernel turns per-example input rows into per-sample output rows by itself
   * (stochastic kernels do; others get inputs already replicated to their row count).
   */
  default boolean expandsRows() {
    return isStochastic();
  }

  /** Whether the kernel drops weights (DropConnect): it then caches masked weights per iteration. */
  default boolean dropsWeights() {
    return false;
  }

  /** Native scratch floats the kernel needs for {@code rows} output rows (shared between nodes). */
  default long scratchFloats(int rows) {
    return 0;
  }

  /** A short description for logs and errors, e.g. {@code dense 784->512 relu}. */
  String describe();
}
