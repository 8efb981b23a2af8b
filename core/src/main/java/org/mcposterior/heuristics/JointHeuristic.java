package org.mcposterior.heuristics;

import java.util.function.IntConsumer;
import org.mcposterior.stats.Samples;

/**
 * A heuristic that picks a batch jointly by comparing examples under the same network samples
 * (BatchBALD, EPIG): its selection needs the pool sampled with consistent masks, one network
 * sample per iteration shared by every example (DESIGN.md, invariant 4), and says so through the
 * {@link MaskProvenance} given with the samples. {@link Heuristic#joint} builds one by its name.
 */
public interface JointHeuristic extends AcquisitionHeuristic {

  /**
   * The {@code k} examples of {@code pool} this heuristic picks, in pick order, telling {@code
   * progress} how many are picked so far (after each greedy step, or once at the end for a
   * heuristic that scores every example at once).
   *
   * @throws MaskMismatchException if {@code masks} are not consistent or do not describe {@code pool}'s
   *     iterations
   * @throws InvalidHeuristicArgumentException if {@code k < 0} or {@code k > N}
   */
  int[] select(Samples pool, MaskProvenance masks, int k, IntConsumer progress);

  /** {@link #select(Samples, MaskProvenance, int, IntConsumer)} without progress. */
  default int[] select(Samples pool, MaskProvenance masks, int k) {
    return select(pool, masks, k, picked -> { });
  }
}
