package org.mcposterior.heuristics;

import java.util.List;
import org.mcposterior.stats.Samples;

/**
 * A weighted combination of heuristics over the several outputs of one model (say the class head
 * and the box head of a detector), as baal's {@code CombineHeuristics}: heuristic {@code i} scores
 * output {@code i}, and the combined score is {@code sum_i w_i s_i / sum_i w_i}, a weighted mean.
 *
 * <p>All heuristics must share one {@link Order} (a weighted sum of a highest-first and a
 * lowest-first score means nothing), the weights must be finite, non-negative and not all zero,
 * and every output must hold the same examples. Scores keep the units of the parts, so combine
 * scores of comparable scale. Rank and select as {@link AcquisitionHeuristic}. Immutable and thread-safe.
 */
public final class CombineHeuristics {
  private final List<AcquisitionHeuristic> heuristics;
  private final double[] weights;
  private final Order order;

  /**
   * @throws InvalidHeuristicArgumentException if the lists are empty or of different lengths, a
   *     weight is negative or not finite, all weights are 0, or the orders differ
   */
  public CombineHeuristics(List<? extends AcquisitionHeuristic> heuristics, double... weights) {
    if (heuristics.isEmpty() || heuristics.size() != weights.length) {
      throw new InvalidHeuristicArgumentException(heuristics.size() + " heuristics and " + weights.length
          + " weights: expected one weight per heuristic and at least one heuristic");
    }
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new InvalidHeuristicArgumentException("weight " + i + " is " + weights[i]
            + ": expected a finite weight >= 0");
      }
      sum += weights[i];
    }
    if (sum == 0) {
      throw new InvalidHeuristicArgumentException("all " + weights.length + " weights are 0: expected at least"
          + " one positive weight");
    }
    this.heuristics = List.copyOf(heuristics);
    this.order = this.heuristics.get(0).order();
    for (AcquisitionHeuristic h : this.heuristics) {
      if (h.order() != order) {
        throw new InvalidHeuristicArgumentException("heuristic " + h.name() + " ranks " + h.order() + " but "
            + this.heuristics.get(0).name() + " ranks " + order + ": expected one order for all. Fix: combine"
            + " heuristics of the same direction (as baal requires)");
      }
    }
    this.weights = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      this.weights[i] = weights[i] / sum;
    }
  }

  public Order order() {
    return order;
  }

  /** The heuristics, one per output. */
  public List<AcquisitionHeuristic> heuristics() {
    return heuristics;
  }

  /** The normalised weights (a copy; they sum to 1). */
  public double[] weights() {
    return weights.clone();
  }

  /**
   * The combined score of every example: output {@code i} scored by heuristic {@code i}.
   *
   * @throws InvalidHeuristicArgumentException if there is not one output per heuristic or the
   *     outputs have different batch sizes
   */
  public double[] scores(List<Samples> outputs) {
    if (outputs.size() != heuristics.size()) {
      throw new InvalidHeuristicArgumentException(outputs.size() + " model outputs given to " + heuristics.size()
          + " combined heuristics: expected one output per heuristic, in the same order");
    }
    int n = outputs.get(0).batchSize();
    Ranking.requirePool(n);
    double[] total = new double[n];
    for (int i = 0; i < outputs.size(); i++) {
      if (outputs.get(i).batchSize() != n) {
        throw new InvalidHeuristicArgumentException("output " + i + " holds " + outputs.get(i).batchSize()
            + " examples but output 0 holds " + n + ": expected the same examples in every output");
      }
      double[] s = heuristics.get(i).scores(outputs.get(i));
      for (int j = 0; j < n; j++) {
        total[j] += weights[i] * s[j];
      }
    }
    for (int j = 0; j < n; j++) {
      total[j] = order.sanitize(total[j]);
    }
    return total;
  }

  /** Every example index, most informative first by the combined score. */
  public int[] rank(List<Samples> outputs) {
    return Ranking.rank(scores(outputs), order);
  }

  /** The {@code k} most informative examples by the combined score, in rank order. */
  public int[] select(List<Samples> outputs, int k) {
    double[] s = scores(outputs);
    Ranking.requireK(k, s.length);
    return Ranking.top(s, order, k);
  }
}
