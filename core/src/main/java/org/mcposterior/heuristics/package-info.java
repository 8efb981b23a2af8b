/**
 * Acquisition heuristics in the spirit of baal (BALD, entropy, variance, margin, certainty,
 * random, BatchBALD, power sampling, EPIG and weighted combinations), each a small final class
 * that scores, ranks and selects examples from posterior samples, the first five also from merged
 * {@link org.mcposterior.stats.Moments}. Rankings are reproducible: explicit seeds, ties broken by
 * the lower example index. {@link org.mcposterior.heuristics.Heuristic} is the closed set of
 * them: each one's name, score column, priority and the output kinds it fits, declared once.
 */
package org.mcposterior.heuristics;
