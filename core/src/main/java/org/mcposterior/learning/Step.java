package org.mcposterior.learning;

/**
 * One point of a learning curve: the model of step {@code step}, what it was trained on, how it
 * did, and what it picked.
 *
 * @param step 0 for the initial labelled set, then 1 to the plan's steps
 * @param labelled the labelled set trained on
 * @param training what training cost
 * @param evaluation the step evaluator's value
 * @param evalSeconds wall time of the evaluation
 * @param query what the model picked to label next (nothing after the last step)
 * @param <E> the evaluation's value
 */
public record Step<E>(int step, LabelledSet labelled, TrainingReport training, E evaluation, double evalSeconds,
    Query query) {}
