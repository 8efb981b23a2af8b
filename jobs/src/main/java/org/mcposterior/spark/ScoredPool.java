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
  private final org.apache.spark.api.java.JavaRDD<Row> rows;
  private final ShardPlan plan;
  private final LongAccumulator progress;

  ScoredPool(ValidatedPool pool, org.apache.spark.api.java.JavaRDD<Row> rows, Dataset<Row> scores, ShardPlan plan,
      LongAccumulator progress) {
    this.pool = pool;
    this.rows = rows;
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
   * the five scores of {@link PosteriorScorer#SCORES}, {@code priority}, {@code mean} and, when the
   * settings ask, {@code samples} ({@code [outputs][iterations]}, in the output kind's view). Which
   * of them are null depends on the output kind ({@link PosteriorScorer#outputView()}; see {@code
   * ScoreRows}). Lazy: computed when the caller acts.
   */
  public Dataset<Row> scores() {
    return scores;
  }

  /**
   * {@link #scores()} without the rows of the partitions in {@code skip} (numbered as Spark numbers
   * this DataFrame's partitions, and so its part files): those partitions compute nothing. For
   * resuming a run whose part files for them are kept: with the same pool, settings and plan, the
   * other partitions hold exactly the rows they would have held (DESIGN.md, invariant 4).
   */
  public Dataset<Row> scoresSkipping(java.util.Set<Integer> skip) {
    if (skip.isEmpty()) {
      return scores;
    }
    java.util.Set<Integer> done = new java.util.HashSet<>(skip);
    org.apache.spark.api.java.JavaRDD<Row> rest = rows.mapPartitionsWithIndex(
        (i, it) -> done.contains(i) ? java.util.Collections.<Row>emptyIterator() : it, true);
    return scores.sparkSession().createDataFrame(rest, scores.schema());
  }

  /** Partitions of the scores DataFrame (the part files it writes): the pool's partitions, times the shards when sharded. */
  public int outputPartitions() {
    return rows.getNumPartitions();
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
