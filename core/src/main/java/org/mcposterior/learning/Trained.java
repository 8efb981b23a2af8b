package org.mcposterior.learning;

/**
 * A trained model and what training it cost; the loop keeps only the {@link #report}.
 *
 * @param <M> the model type
 */
public record Trained<M>(M model, TrainingReport report) {}
