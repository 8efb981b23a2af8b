package org.mcposterior.jobs.learn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mcposterior.learning.Evaluation;
import org.mcposterior.learning.Step;

/**
 * One point of one learning curve: the core loop's {@link Step} of seed {@code seed}'s run of
 * {@code heuristic}: the model trained on {@code labels()} examples, how it did on the test images
 * ({@link Evaluation}: deterministic and MC mean, accuracy, NLL in nats and ECE, and its accuracy
 * on its own labelled set), what training and the query cost, and what it picked (pool positions,
 * best first; nothing after the last step).
 *
 * @param heuristic acquisition heuristic of the curve
 * @param seed the run's seed
 * @param point the loop's step
 */
public record StepResult(String heuristic, long seed, Step<Evaluation> point) {

  /** The step: 0 for the initial set, then 1 to steps. */
  public int step() {
    return point.step();
  }

  /** Labelled examples trained on. */
  public int labels() {
    return point.labelled().size();
  }

  /** The curve metric called {@code metric} (one of {@link LearnOutputs#METRICS}). */
  public double metric(String metric) {
    Evaluation e = point.evaluation();
    return switch (metric) {
      case "test_accuracy" -> e.deterministic().accuracy();
      case "test_nll" -> e.deterministic().nll();
      case "test_ece" -> e.deterministic().ece();
      case "mc_accuracy" -> e.mc().accuracy();
      case "mc_nll" -> e.mc().nll();
      case "mc_ece" -> e.mc().ece();
      case "labelled_accuracy" -> e.labelledAccuracy();
      default -> throw new IllegalArgumentException("no metric " + metric + "; expected one of " + LearnOutputs.METRICS);
    };
  }

  /** This step as an ordered map, for JSON (the keys of {@code steps.json}). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("heuristic", heuristic);
    m.put("seed", seed);
    m.put("step", step());
    m.put("labels", labels());
    for (String metric : LearnOutputs.METRICS) {
      m.put(metric, metric(metric));
    }
    m.put("minibatches", point.training().minibatches());
    m.put("start_fingerprint", Long.toHexString(point.training().startFingerprint()));
    m.put("train_seconds", point.training().seconds());
    m.put("eval_seconds", point.evalSeconds());
    m.put("score_seconds", point.query().seconds());
    m.put("picked", point.query().picked());
    m.put("picked_classes", point.query().classCounts());
    m.put("labelled_classes", point.labelled().classCounts());
    m.put("labelled", point.labelled().positions());
    return m;
  }
}
