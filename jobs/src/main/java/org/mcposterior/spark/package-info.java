/**
 * The scoring API for Spark users: a {@link org.mcposterior.spark.PosteriorScorer} built once from a
 * model and one {@link org.mcposterior.spark.ScorerSettings} value turns a DataFrame of examples
 * into a DataFrame of Monte-Carlo posterior scores, lazily, and picks the top-k (or a BatchBALD /
 * EPIG batch) from it.
 *
 * <p>It plans (validation, broadcast, the grid of partitions x iteration shards, the merge) and
 * calls core for every number; it depends on no command-line class, so the {@code score} command
 * and a notebook call the same code. Plain Java types throughout, so Scala and Java call it alike.
 */
package org.mcposterior.spark;
