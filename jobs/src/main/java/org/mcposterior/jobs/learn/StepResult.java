package org.mcposterior.jobs.learn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of one learning curve: the model trained on {@code labels} examples at step
 * {@code step} of seed {@code seed}'s run of {@code heuristic}, how it did, and what it picked.
 *
 * @param heuristic acquisition heuristic of the curve
 * @param seed the run's seed
 * @param step 0 for the initial set, then 1 to steps
 * @param labels labelled examples trained on
 * @param testAccuracy deterministic network (dropout off) on the test images
 * @param testNll its mean negative log-likelihood (nats)
 * @param testEce its expected calibration error (Calibration's 10 equal-width confidence bins)
 * @param mcAccuracy the MC mean over T passes, same test images
 * @param mcNll the MC mean's NLL (nats)
 * @param mcEce the MC mean's ECE
 * @param labelledAccuracy deterministic network on its own labelled set (1.0 = fits it)
 * @param minibatches minibatches trained
 * @param startFingerprint fingerprint of the weights training started from
 * @param trainSeconds training time
 * @param evalSeconds test-set evaluation time (deterministic and MC)
 * @param scoreSeconds the scoring job's wall time for this step's query (0 after the last step)
 * @param picked pool positions this step's model picked to label next (empty after the last step)
 * @param pickedClasses how many of the picks are of each class
 * @param labelledClasses how many labelled examples of each class the model was trained on
 * @param labelled the pool positions trained on, in the order they were labelled
 */
public record StepResult(String heuristic, long seed, int step, int labels, double testAccuracy, double testNll,
    double testEce, double mcAccuracy, double mcNll, double mcEce, double labelledAccuracy, long minibatches,
    long startFingerprint, double trainSeconds, double evalSeconds, double scoreSeconds, int[] picked,
    int[] pickedClasses, int[] labelledClasses, int[] labelled) {

  /** This step as an ordered map, for JSON. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("heuristic", heuristic);
    m.put("seed", seed);
    m.put("step", step);
    m.put("labels", labels);
    m.put("test_accuracy", testAccuracy);
    m.put("test_nll", testNll);
    m.put("test_ece", testEce);
    m.put("mc_accuracy", mcAccuracy);
    m.put("mc_nll", mcNll);
    m.put("mc_ece", mcEce);
    m.put("labelled_accuracy", labelledAccuracy);
    m.put("minibatches", minibatches);
    m.put("start_fingerprint", Long.toHexString(startFingerprint));
    m.put("train_seconds", trainSeconds);
    m.put("eval_seconds", evalSeconds);
    m.put("score_seconds", scoreSeconds);
    m.put("picked", picked);
    m.put("picked_classes", pickedClasses);
    m.put("labelled_classes", labelledClasses);
    m.put("labelled", labelled);
    return m;
  }
}
