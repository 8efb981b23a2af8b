package org.mcposterior.spark;

import java.io.IOException;
import java.io.Serializable;

/**
 * Points of a scoring run where a caller may act: each task's start (on the executor that runs it)
 * and the moment before the run's output is committed (on the driver). The runs themselves never
 * need one: {@link #NONE}, which does nothing, is what the command line passes. Tests pass their
 * own to act at a known point (kill the executor that is certainly inside a task, start a second
 * run or SIGKILL the driver while the whole output is written but not yet swapped in), from a
 * test-only entry point ({@code Main.runAndExit(observer, args)}) rather than through system
 * properties read by production code.
 *
 * <p>An observer travels with the tasks to the executors, so it is {@link Serializable} and its
 * class must be on the executors' class path. Its methods run on the run's own threads: what they
 * do delays the run, and what they throw fails it, as any other failure at that point would.
 */
public interface RunObserver extends Serializable {
  /** Observes nothing. */
  RunObserver NONE = new None();

  /** On an executor, as a scoring task has its sampler and is about to sample its first example. */
  default void taskStarted() {}

  /**
   * On the driver, when the run has written its whole output and manifest into its temporary
   * folder and holds its claim, just before it checks {@code --out} again and swaps the output in.
   *
   * @throws IOException to fail the run here, as a failed write would
   */
  default void beforeCommit() throws IOException {}

  /** {@link #NONE}'s class: a named, serializable no-op. */
  final class None implements RunObserver {
    private static final long serialVersionUID = 1L;

    private None() {}

    private Object readResolve() {
      return NONE;
    }
  }
}
