package org.mcposterior.learning;

import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.training.Predictions;

/**
 * The {@link StepEvaluator} of a classifier: accuracy, NLL and ECE of the deterministic network
 * and of the MC mean over {@code iterations} passes of its posterior on a test set, and the
 * deterministic accuracy on its own labelled set ({@link Predictions}, {@link Calibration}).
 *
 * @param testRows test examples, one flat row each
 * @param testLabels their labels
 * @param iterations T of the MC mean
 * @param posterior the stochastic view of a trained network the MC mean samples (the same one the
 *     step scorer samples, e.g. {@code ScorerSettings.stochastic})
 * @param examples the pool's examples, for the labelled-set accuracy
 */
public record ClassifierEvaluator(float[][] testRows, int[] testLabels, int iterations,
    Function<MultiLayerNetwork, StochasticNetwork> posterior, PoolExamples examples)
    implements StepEvaluator<MultiLayerNetwork, Evaluation> {

  @Override
  public Evaluation evaluate(MultiLayerNetwork model, int[] labelled, long seed) {
    double[][] det = Predictions.deterministic(model, testRows);
    double[][] mc = Predictions.mcMean(posterior.apply(model), testRows, iterations, seed);
    double labelledAccuracy = Calibration.of(Predictions.deterministic(model, examples.features(labelled)),
        examples.labels(labelled)).accuracy();
    return new Evaluation(Metrics.of(Calibration.of(det, testLabels)), Metrics.of(Calibration.of(mc, testLabels)),
        labelledAccuracy);
  }
}
