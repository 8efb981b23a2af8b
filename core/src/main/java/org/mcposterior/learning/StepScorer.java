package org.mcposterior.learning;

/**
 * Picks the examples to label next: scores the unlabelled pool with the current model and returns
 * the best {@code count} of them by the implementation's heuristic.
 *
 * @param <M> the model type
 */
@FunctionalInterface
public interface StepScorer<M> {
  /**
   * The {@code count} pool positions of {@code unlabelled} to label next, best first.
   *
   * @param model the step's trained model (not changed)
   * @param unlabelled the unlabelled pool positions, ascending
   * @param count how many to pick, at most {@code unlabelled.length}
   * @param seed the step's query seed ({@link StepSeeds#QUERY}) for masks and keyed draws
   * @return exactly {@code count} distinct positions of {@code unlabelled}, best first
   */
  int[] pick(M model, int[] unlabelled, int count, long seed);
}
