package org.mcposterior.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The size checks of a scoring run that the settings and Spark's configuration decide alone, run
 * before a Spark session starts: a command refuses an impossible {@code --iterations},
 * {@code --batch-size}, {@code --memory-budget} or {@code --candidates} in about a second instead
 * of after the session, the model and the pool (tens of seconds). {@link PosteriorScorer#score}
 * checks again, exactly, once the model's outputs and the pool's partitions are known; this check
 * uses bounds that make it refuse only what that exact check would refuse (see {@link ResourceCheck}).
 */
public final class Preflight {
  /** The largest Java array the JVM allocates (the bound every size check here uses). */
  public static final long MAX_ARRAY = ResourceCheck.MAX_ARRAY;

  private Preflight() {}

  /**
   * Checks {@code settings} for a selection of {@code k} on the session {@code master} will start
   * (null: spark-submit's, else {@code local[*]}), or on the session that is already running.
   *
   * @param outputs the model's outputs when the caller knows them, or 0 (then at least 2, as
   *     {@link PosteriorScorer} counts them)
   * @param featureLength values per example when known, or 0 (then at least 1)
   * @throws InvalidSettingsException naming the setting, the need, the limit and the fix
   */
  public static void check(ScorerSettings settings, int k, String master, int outputs, int featureLength) {
    var running = SparkSession.getDefaultSession();
    ResourceCheck.Capacity c = running.isDefined() ? ResourceCheck.Capacity.of(running.get())
        : ResourceCheck.Capacity.beforeSession(new SparkConf(), master);
    int shards = c.maxShards(settings);
    List<String> bounds = new ArrayList<>();
    if (outputs <= 0) {
      bounds.add("counted before the model is read: a model has at least 2 outputs");
    }
    if (settings.iterationShards() == 0) {
      bounds.add(c.master() + " splits the iterations into at most " + shards + " shard" + (shards == 1 ? "" : "s"));
    }
    ResourceCheck.check(settings, c, shards, Math.max(2, outputs), Math.max(1, featureLength),
        bounds.isEmpty() ? null : String.join("; ", bounds));
    if (settings.jointHeuristic()) {
      ResourceCheck.checkJoint(settings, settings.heuristic(), settings.candidateCount(k), Math.max(2, outputs), 0,
          outputs <= 0 || settings.heuristic().needsTarget());
    }
  }
}
