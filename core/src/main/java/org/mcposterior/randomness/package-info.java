/**
 * Keyed, counter-based random streams for stochastic masks. Every mask is a pure function of
 * {@code (masterSeed, exampleKey, iteration, site)} or, for consistent masks, of
 * {@code (masterSeed, iteration, site)} (DESIGN.md, invariant 4), so samples never depend on how
 * the work was batched, chunked, partitioned or retried.
 */
package org.mcposterior.randomness;
