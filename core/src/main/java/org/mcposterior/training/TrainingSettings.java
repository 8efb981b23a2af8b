package org.mcposterior.training;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one network is trained at one active-learning step: Adam with {@code learningRate}, L2
 * weight decay {@code l2} on the weights (not the biases; the gradient gains {@code l2 * w}, as
 * PyTorch's {@code weight_decay}), {@code epochs} passes over the labelled set in minibatches of
 * {@code batchSize}, and at least {@code minBatches} minibatches in all (a small labelled set is
 * passed over more often, so the model is not under-trained).
 *
 * @param learningRate Adam's step size, &gt; 0
 * @param l2 L2 coefficient, &gt;= 0
 * @param epochs passes over the labelled set, &gt;= 1
 * @param batchSize examples per minibatch, &gt;= 1
 * @param minBatches the least number of minibatches, &gt;= 0
 */
public record TrainingSettings(double learningRate, double l2, int epochs, int batchSize, int minBatches) {

  /** The protocol: Adam 1e-3, L2 5e-4, 50 epochs of minibatches of 32, at least 300 minibatches. */
  public static TrainingSettings defaults() {
    return new TrainingSettings(1e-3, 5e-4, 50, 32, 300);
  }

  public TrainingSettings {
    require(learningRate > 0 && Double.isFinite(learningRate), "learning rate " + learningRate
        + " is not a positive finite number; expected e.g. 1e-3");
    require(l2 >= 0 && Double.isFinite(l2), "L2 coefficient " + l2 + " is negative or not finite; expected e.g. 5e-4 or 0");
    require(epochs >= 1, "epochs = " + epochs + "; expected at least 1, e.g. 50");
    require(batchSize >= 1, "minibatch size = " + batchSize + "; expected at least 1, e.g. 32");
    require(minBatches >= 0, "minimum minibatches = " + minBatches + "; expected 0 or more, e.g. 300");
  }

  /**
   * Minibatches trained on {@code labelled} examples: {@code max(minBatches, epochs * ceil(labelled / batchSize))}.
   *
   * @throws InvalidTrainingArgumentException when {@code labelled < 1}
   */
  public long minibatches(int labelled) {
    require(labelled >= 1, "cannot train on " + labelled + " labelled examples; expected at least 1");
    long perEpoch = (labelled + (long) batchSize - 1) / batchSize;
    return Math.max(minBatches, epochs * perEpoch);
  }

  public TrainingSettings withEpochs(int e) {
    return new TrainingSettings(learningRate, l2, e, batchSize, minBatches);
  }

  public TrainingSettings withMinBatches(int m) {
    return new TrainingSettings(learningRate, l2, epochs, batchSize, m);
  }

  /** These settings as an ordered map, for run summaries. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("optimizer", "adam");
    m.put("learning_rate", learningRate);
    m.put("l2", l2);
    m.put("epochs", epochs);
    m.put("batch_size", batchSize);
    m.put("min_batches", minBatches);
    return m;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidTrainingArgumentException(message);
    }
  }
}
