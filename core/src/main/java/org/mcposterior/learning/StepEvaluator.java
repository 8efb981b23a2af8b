package org.mcposterior.learning;

/**
 * Evaluates one step's model (on a test set, on its own labelled set, ...).
 *
 * @param <M> the model type
 * @param <E> the evaluation's value
 */
@FunctionalInterface
public interface StepEvaluator<M, E> {
  /**
   * The evaluation of {@code model}, trained on the pool positions {@code labelled}, with {@code
   * seed} ({@link StepSeeds#EVALUATION}) for anything random.
   */
  E evaluate(M model, int[] labelled, long seed);
}
