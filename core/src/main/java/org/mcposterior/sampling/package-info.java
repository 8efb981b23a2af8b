/**
 * The posterior sampler: runs a stochastic network T times per example and hands back
 * {@link org.mcposterior.stats.Samples} shaped {@code [batch, outputs..., iterations]}, with
 * iterations replicated into large batches under a memory budget or run in a loop, and the
 * deterministic prefix of the network computed once per example. {@link
 * org.mcposterior.sampling.SampleArrays} converts samples to and from nd4j arrays.
 */
package org.mcposterior.sampling;
