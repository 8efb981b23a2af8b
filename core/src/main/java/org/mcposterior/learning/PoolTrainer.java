package org.mcposterior.learning;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.training.Trainer;

/**
 * The {@link StepTrainer} of a classifier: a {@link Trainer} (always from the same initial
 * weights) on the labelled positions' examples and labels. Not thread-safe, as {@link Trainer}.
 *
 * @param trainer trains a fresh network per step
 * @param examples the examples behind the pool's positions
 */
public record PoolTrainer(Trainer trainer, PoolExamples examples) implements StepTrainer<MultiLayerNetwork> {
  @Override
  public Trained<MultiLayerNetwork> train(int[] labelled, long seed) {
    Trainer.Trained t = trainer.train(examples.features(labelled), examples.labels(labelled), seed);
    return new Trained<>(t.network(), new TrainingReport(t.minibatches(), t.seconds(), t.startFingerprint()));
  }
}
