package org.mcposterior.learning;

/**
 * What training one step's model did, without the model.
 *
 * @param minibatches minibatches trained
 * @param seconds wall time of the training
 * @param startFingerprint a hash of the weights training started from (equal weights, equal hash)
 */
public record TrainingReport(long minibatches, double seconds, long startFingerprint) {}
