package org.mcposterior.spark;

import java.io.Serializable;

/**
 * The work grid: pool partitions x iteration shards. A pool with fewer partitions than cores
 * splits its iterations so every core works (the per-example moments of the shards are merged
 * after a shuffle); a pool with enough partitions is split by rows only, with no shuffle.
 *
 * @param partitions pool partitions
 * @param shards iteration shards (1 = no split)
 * @param iterations T
 */
record ShardPlan(int partitions, int shards, int iterations) implements Serializable {

  /**
   * Plans the grid.
   *
   * @param requested shards asked for (0 = plan automatically)
   */
  static ShardPlan plan(int partitions, int cores, int iterations, int requested) {
    int shards;
    if (requested > 0) {
      shards = requested;
    } else if (partitions >= cores) {
      shards = 1;
    } else {
      shards = Math.min(iterations, (cores + partitions - 1) / partitions);
    }
    return new ShardPlan(partitions, Math.max(1, Math.min(shards, iterations)), iterations);
  }

  /** First iteration of shard {@code s}. */
  int start(int s) {
    return (int) ((long) iterations * s / shards);
  }

  /** One past the last iteration of shard {@code s}. */
  int end(int s) {
    return (int) ((long) iterations * (s + 1) / shards);
  }

  int tasks() {
    return partitions * shards;
  }
}
