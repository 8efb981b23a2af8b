package org.mcposterior.learning;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.mcposterior.training.ActivePool;
import org.mcposterior.training.InvalidTrainingArgumentException;

/**
 * The active-learning loop of one curve (one heuristic, one seed), written once:
 *
 * <pre>
 * for step = 0 .. steps:
 *   model      = trainer.train(labelled, TRAINING seed of the step)
 *   evaluation = evaluator.evaluate(model, labelled, EVALUATION seed of the step)
 *   if step &lt; steps:
 *     picked = scorer.pick(model, unlabelled, query, QUERY seed of the step)   (best first)
 *     label picked (the oracle: the pool's labels)
 * </pre>
 *
 * so a curve has {@code steps + 1} points, at {@code initial + k * query} labels for {@code k = 0
 * .. steps}. Every seed comes from {@link StepSeeds}: (run seed, step) only. The loop keeps no
 * model beyond its step; each {@link Step} holds the training report, the evaluation and the picks.
 *
 * <p>Invariants: the labelled set only grows, by exactly the step's picks, which are distinct
 * unlabelled positions ({@link ActivePool#label} refuses anything else); a scorer that returns
 * another number of picks than asked is refused, naming the step. Immutable; the loop holds no
 * state between runs, so one loop may run several pools one after the other (not concurrently,
 * unless its trainer, evaluator and scorer are thread-safe).
 *
 * @param <M> the model type
 * @param <E> the evaluation's value
 */
public final class ActiveLearningLoop<M, E> {

  /**
   * The shape of a curve.
   *
   * @param steps query steps, &gt;= 0 (the curve has {@code steps + 1} points)
   * @param query examples labelled per step, &gt;= 1
   * @param classes the labels' classes {@code 0 .. classes - 1}, for the per-class counts
   */
  public record Plan(int steps, int query, int classes) {
    public Plan {
      if (steps < 0 || query < 1 || classes < 1) {
        throw new InvalidTrainingArgumentException("an active-learning plan of " + steps + " steps of " + query
            + " queries over " + classes + " classes: expected steps >= 0, query >= 1 and classes >= 1");
      }
    }
  }

  private final Plan plan;
  private final StepTrainer<M> trainer;
  private final StepEvaluator<M, E> evaluator;
  private final StepScorer<M> scorer;

  private ActiveLearningLoop(Plan plan, StepTrainer<M> trainer, StepEvaluator<M, E> evaluator, StepScorer<M> scorer) {
    this.plan = plan;
    this.trainer = trainer;
    this.evaluator = evaluator;
    this.scorer = scorer;
  }

  /** A loop of {@code plan} over these parts. */
  public static <M, E> ActiveLearningLoop<M, E> of(Plan plan, StepTrainer<M> trainer, StepEvaluator<M, E> evaluator,
      StepScorer<M> scorer) {
    return new ActiveLearningLoop<>(plan, trainer, evaluator, scorer);
  }

  public Plan plan() {
    return plan;
  }

  /**
   * Runs the curve on {@code pool}, whose labelled set is the initial one; labels the picks in
   * {@code pool} as it goes and hands each step to {@code onStep} as soon as it is done (for
   * progress logs).
   *
   * @param seed the run's seed, from which every step's seeds are derived
   * @return the {@code steps + 1} points of the curve, in order
   * @throws InvalidTrainingArgumentException when the pool has no labelled example, or too few
   *     unlabelled ones for {@code steps x query} picks
   * @throws IllegalStateException when the scorer returns another number of picks than asked
   */
  public List<Step<E>> run(ActivePool pool, long seed, Consumer<Step<E>> onStep) {
    long needed = (long) plan.steps() * plan.query();
    if (pool.labelledCount() < 1 || pool.unlabelledCount() < needed) {
      throw new InvalidTrainingArgumentException("a pool of " + pool.size() + " with " + pool.labelledCount()
          + " labelled examples cannot run " + plan.steps() + " steps of " + plan.query() + " queries: expected at"
          + " least 1 labelled and " + needed + " unlabelled examples; use a larger pool, fewer steps or a smaller"
          + " query");
    }
    List<Step<E>> steps = new ArrayList<>(plan.steps() + 1);
    for (int step = 0; step <= plan.steps(); step++) {
      int[] labelled = pool.labelled();
      Trained<M> trained = trainer.train(labelled, StepSeeds.TRAINING.of(seed, step));
      long te = System.nanoTime();
      E evaluation = evaluator.evaluate(trained.model(), labelled, StepSeeds.EVALUATION.of(seed, step));
      double evalSeconds = (System.nanoTime() - te) / 1e9;
      int[] picked = new int[0];
      double scoreSeconds = 0;
      if (step < plan.steps()) {
        long ts = System.nanoTime();
        picked = scorer.pick(trained.model(), pool.unlabelled(), plan.query(), StepSeeds.QUERY.of(seed, step));
        scoreSeconds = (System.nanoTime() - ts) / 1e9;
        if (picked.length != plan.query()) {
          throw new IllegalStateException("the step scorer picked " + picked.length + " examples at step " + step
              + " of seed " + seed + ", but " + plan.query() + " were asked for from " + pool.unlabelledCount()
              + " unlabelled ones: expected exactly " + plan.query());
        }
      }
      Step<E> s = new Step<>(step, new LabelledSet(labelled, classCounts(pool, labelled)), trained.report(), evaluation,
          evalSeconds, new Query(picked, classCounts(pool, picked), scoreSeconds));
      steps.add(s);
      onStep.accept(s);
      if (picked.length > 0) {
        pool.label(picked);
      }
    }
    return steps;
  }

  private int[] classCounts(ActivePool pool, int[] positions) {
    int[] counts = new int[plan.classes()];
    for (int p : positions) {
      int c = pool.labelOf(p);
      if (c < 0 || c >= counts.length) {
        throw new InvalidTrainingArgumentException("label " + c + " of pool position " + p + " is outside [0, "
            + counts.length + "): expected the plan's " + counts.length + " classes");
      }
      counts[c]++;
    }
    return counts;
  }
}
