/**
 * What makes a network random at inference: MC dropout (every dropout of a trained network kept
 * on), MC DropConnect (weights of chosen layer types dropped), the {@link
 * org.mcposterior.stochastic.McDropoutLayer} for building networks that are stochastic by
 * construction, and patching a trained network into a {@link
 * org.mcposterior.stochastic.StochasticNetwork} and back, without touching its weights.
 */
package org.mcposterior.stochastic;
