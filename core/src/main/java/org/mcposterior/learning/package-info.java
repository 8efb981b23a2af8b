/**
 * The active-learning loop: train on the labelled set, evaluate, let a step scorer pick the most
 * informative unlabelled examples, label them, repeat. The loop is written once here, over small
 * interfaces (a {@link org.mcposterior.learning.StepTrainer}, a {@link
 * org.mcposterior.learning.StepEvaluator} and a {@link org.mcposterior.learning.StepScorer}), so
 * the same loop runs with an in-process scorer, a Spark one, or the fakes of a unit test.
 *
 * <p>Every seed a step uses is derived from the run's seed and the step only ({@link
 * org.mcposterior.learning.StepSeeds}): curves of different heuristics of one seed differ only by
 * what their heuristic picked.
 */
package org.mcposterior.learning;
