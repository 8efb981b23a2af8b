/**
 * The distributed scoring job: reads and validates a pool, broadcasts the model, runs the core
 * sampler over a grid of pool partitions x iteration shards, merges per-example moments in shard
 * order, and writes scores, the top-k and a run summary atomically.
 */
package org.mcposterior.jobs.score;
