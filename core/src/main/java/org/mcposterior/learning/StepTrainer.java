package org.mcposterior.learning;

/**
 * Trains one step's model on the labelled pool positions (how positions become examples and
 * labels is the implementation's business; {@link PoolTrainer} reads them from a data set).
 *
 * @param <M> the model type
 */
@FunctionalInterface
public interface StepTrainer<M> {
  /**
   * A model trained on {@code labelled} (pool positions, in the order they were labelled) with
   * {@code seed} ({@link StepSeeds#TRAINING}); the same labelled set and seed give the same model.
   */
  Trained<M> train(int[] labelled, long seed);
}
