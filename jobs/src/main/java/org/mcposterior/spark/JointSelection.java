package org.mcposterior.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.heuristics.HeuristicOptions;
import org.mcposterior.heuristics.JointHeuristic;
import org.mcposterior.heuristics.MaskProvenance;
import org.mcposterior.randomness.MaskMode;
import org.mcposterior.stats.Samples;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BatchBALD and EPIG over a scored pool: the BALD-ranked candidates are resampled on the executors
 * with consistent masks (one network draw per iteration, shared by all candidates and the target),
 * and core selects on the driver, which only ever holds the candidates' samples. The masks the
 * samples were drawn with go to core as a {@link MaskProvenance}, so core refuses samples of
 * independent masks rather than select from them.
 */
final class JointSelection {
  private static final Logger PROGRESS = LoggerFactory.getLogger("mcposterior.progress");
  private static final String PICK_KEY = "__pick_key";
  private static final String PICK = "__pick";

  private JointSelection() {}

  /**
   * {@code scores} with {@code priority} replaced by the pick order ({@code k} for the first pick
   * down to 1) and only the picked rows kept.
   *
   * @param heuristic the joint heuristic that picks ({@link Heuristic#isJoint()})
   * @param target the validated target of a heuristic that needs one ({@link Heuristic#needsTarget()}), else null
   * @param masks the masks to resample the candidates with (consistent; anything else is refused by core)
   */
  static Dataset<Row> picks(PosteriorScorer scorer, Heuristic heuristic, ValidatedPool pool, ValidatedPool target,
      Dataset<Row> scores, int k, MaskMode masks) {
    ScorerSettings s = scorer.settings();
    String id = pool.idField().name();
    Dataset<Row> candidates = scores.orderBy(col(heuristic.candidateColumn()).desc(), col(id).asc())
        .limit(s.candidateCount(k));
    Dataset<Row> candidateRows = pool.rows()
        .join(org.apache.spark.sql.functions.broadcast(candidates.select(col(id))), id)
        .select(col(id), col(ValidatedPool.KEY), col(ValidatedPool.FEATURES));
    Samples cs = scorer.collectSamples(candidateRows, masks, "mcposterior joint candidates sampled");
    List<Row> keys = candidateRows.select(col(id), col(ValidatedPool.KEY)).orderBy(col(ValidatedPool.KEY))
        .collectAsList();
    MaskProvenance provenance = provenance(s, masks);
    int[] picked = select(scorer, heuristic, target, cs, provenance, k, masks);
    List<String> pickedKeys = new ArrayList<>();
    for (int p : picked) {
      pickedKeys.add(keys.get(p).getString(1));
    }
    return inPickOrder(scores, id, pickedKeys);
  }

  /** What core is told of samples drawn under {@code masks} with the settings' seed and iterations. */
  static MaskProvenance provenance(ScorerSettings s, MaskMode masks) {
    return new MaskProvenance(s.seed(), 0, s.iterations(), masks == MaskMode.CONSISTENT);
  }

  /**
   * The rows of {@code scores} whose example key (the id as a string) is in {@code pickedKeys},
   * with {@code priority} replaced by the pick order: the first pick gets the number of picks,
   * the last 1.
   */
  static Dataset<Row> inPickOrder(Dataset<Row> scores, String id, List<String> pickedKeys) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < pickedKeys.size(); i++) {
      rows.add(RowFactory.create(pickedKeys.get(i), (double) (pickedKeys.size() - i)));
    }
    Dataset<Row> order = scores.sparkSession().createDataFrame(rows, DataTypes.createStructType(List.of(
        DataTypes.createStructField(PICK_KEY, DataTypes.StringType, false),
        DataTypes.createStructField(PICK, DataTypes.DoubleType, false))));
    return scores.join(order, scores.col(id).cast("string").equalTo(order.col(PICK_KEY)))
        .drop(ScoreRows.PRIORITY).withColumnRenamed(PICK, ScoreRows.PRIORITY).drop(PICK_KEY);
  }

  /**
   * Core's joint selection of {@code topK} (at most the candidates) from the candidates' samples
   * {@code cs}, with the target sampled under the same masks when the heuristic needs one; long
   * selections report their progress.
   */
  private static int[] select(PosteriorScorer scorer, Heuristic heuristic, ValidatedPool target, Samples cs,
      MaskProvenance masks, int topK, MaskMode mode) {
    int k = Math.min(topK, cs.batchSize());
    HeuristicOptions options = scorer.settings().heuristicOptions().withQuerySize(k);
    if (heuristic.needsTarget()) {
      PROGRESS.info("{}: sampling the {} target examples and scoring {} candidates against them", heuristic,
          target.scored(), cs.batchSize());
      options = options.withTarget(scorer.collectSamples(target.rows(), mode, "mcposterior joint target sampled"),
          masks);
    }
    JointHeuristic j = heuristic.joint(options);
    long start = System.nanoTime();
    long[] last = {start};
    long interval = Long.getLong("mcposterior.progressMillis", 10_000) * 1_000_000L;
    return j.select(cs, masks, k, n -> {
      long now = System.nanoTime();
      if (now - last[0] > interval) {
        last[0] = now;
        PROGRESS.info(String.format(Locale.ROOT, "%s: picked %d of %d (%.0f%%), %.0f s", j.name(), n, k,
            100.0 * n / k, (now - start) / 1e9));
      }
    });
  }
}
