package org.mcposterior.heuristics;

import java.util.Objects;
import org.mcposterior.stats.Moments;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.Probabilities;

/** The loop shared by the five moment-based heuristics: one {@link MomentView} per call. */
abstract class MomentHeuristicBase implements MomentHeuristic {
  private final Reduction reduction;
  private final Probabilities probabilities;

  MomentHeuristicBase(Reduction reduction, Probabilities probabilities) {
    this.reduction = Objects.requireNonNull(reduction, "reduction");
    this.probabilities = Objects.requireNonNull(probabilities, "probabilities");
  }

  /** The score of the example loaded in {@code view}, before NaN is sanitized. */
  abstract double compute(MomentView view);

  @Override
  public final Reduction reduction() {
    return reduction;
  }

  @Override
  public final Probabilities probabilities() {
    return probabilities;
  }

  @Override
  public final double score(Moments moments) {
    reduction.requireSingle(moments.shape().positions(), name() + " scores");
    MomentView view = new MomentView(moments.shape());
    view.load(moments);
    return order().sanitize(compute(view));
  }

  @Override
  public final double[] scores(MomentsBatch batch) {
    reduction.requireSingle(batch.shape().positions(), name() + " scores");
    MomentView view = new MomentView(batch.shape());
    double[] s = new double[batch.batchSize()];
    Order order = order();
    for (int n = 0; n < s.length; n++) {
      view.load(batch, n);
      s[n] = order.sanitize(compute(view));
    }
    return s;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[reduction=" + reduction + ", probabilities=" + probabilities + "]";
  }
}
