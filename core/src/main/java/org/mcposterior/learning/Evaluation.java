package org.mcposterior.learning;

/**
 * How one step's classifier did.
 *
 * @param deterministic the deterministic network (dropout and DropConnect off) on the test set
 * @param mc the Monte-Carlo mean over T stochastic passes on the same test set
 * @param labelledAccuracy the deterministic network's accuracy on its own labelled set (1.0 = fits it)
 */
public record Evaluation(Metrics deterministic, Metrics mc, double labelledAccuracy) {}
