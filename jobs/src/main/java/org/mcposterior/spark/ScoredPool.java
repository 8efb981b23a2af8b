package org.mcposterior.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * A validated pool and the lazy plan that scores it ({@link PosteriorScorer#score(ValidatedPool)}):
 * the scores DataFrame (no job has run for it yet), the work grid it will run as, and a counter
 * of the example-shards sampled so far, which advances as tasks finish (for progress reports).
 */
public final class ScoredPool {
  private final ValidatedPool pool;
  private final Dataset<Row> scores;
  private final ShardPlan plan;
  private final LongAccumulator progress;

  ScoredPool(ValidatedPool pool, Dataset<Row> scores, ShardPlan plan, LongAccumulator progress) {
    this.pool = pool;
    this.scores = scores;
    this.plan = plan;
    this.progress = progress;
  }

  /** The validated pool. */
  public ValidatedPool pool() {
    return pool;
  }

  /**
   * One row per scored example: the id column, {@code predicted_class}, {@code probabilities},
   * the five scores of {@link PosteriorScorer#SCORES}, {@code priority} and, when the settings ask,
   * {@code samples} ({@code [outputs][iterations]}). Lazy: computed when the caller acts.
   */
  public Dataset<Row> scores() {
    return scores;
  }

  /** Partitions of the work grid. */
  public int partitions() {
    return plan.partitions();
  }

  /** Iteration shards of the work grid (1: no shuffle). */
  public int shards() {
    return plan.shards();
  }

  /** Tasks of the work grid: partitions x shards. */
  public int tasks() {
    return plan.tasks();
  }

  /** Example-shards sampled so far; {@link #pool()}{@code .scored() * shards()} when done. */
  public LongAccumulator progress() {
    return progress;
  }
}
