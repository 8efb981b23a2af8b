package org.mcposterior.jobs.learn;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.function.LongFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.learning.StepScorer;
import org.mcposterior.spark.PosteriorScorer;
import org.mcposterior.spark.ScorerSettings;
import org.mcposterior.spark.ValidatedPool;

/**
 * A learning step's query through the scoring API, in memory: the step's network is handed to a
 * {@link PosteriorScorer} as an object ({@link PosteriorScorer#of(MultiLayerNetwork,
 * ScorerSettings)}), the unlabelled pool is a DataFrame of {@link InMemoryPool}, and the picks
 * are the API's selection ({@link PosteriorScorer#select}: the ordered take by the heuristic's
 * priority, or BatchBALD's joint selection), read as pool positions, best first. The scores are
 * persisted in Spark's cache for the step (a joint selection reads them more than once) and
 * released after. These are the keyed results the {@code score} job writes for the same model,
 * pool, seed and settings (DESIGN.md, invariant 4).
 */
final class ApiStepScorer implements StepScorer<MultiLayerNetwork> {
  private final InMemoryPool pool;
  private final LongFunction<ScorerSettings> settings;

  /**
   * @param settings the scorer's settings for a step's query seed (heuristic, T, posterior, ...)
   */
  ApiStepScorer(InMemoryPool pool, LongFunction<ScorerSettings> settings) {
    this.pool = pool;
    this.settings = settings;
  }

  @Override
  public int[] pick(MultiLayerNetwork model, int[] unlabelled, int count, long seed) {
    PosteriorScorer scorer = PosteriorScorer.of(model, settings.apply(seed));
    ValidatedPool validated = scorer.validate(pool.frame(unlabelled), "unlabelled pool", null);
    scorer.checkSelection(count, null);
    Dataset<Row> scores = scorer.score(validated).scores().persist();
    try {
      List<Row> top = scorer.select(validated, null, scores, count).orderBy(col("rank")).select(col("id"))
          .collectAsList();
      int[] picked = new int[top.size()];
      for (int i = 0; i < picked.length; i++) {
        picked[i] = InMemoryPool.position(top.get(i).getString(0));
      }
      return picked;
    } finally {
      scores.unpersist(false);
    }
  }
}
