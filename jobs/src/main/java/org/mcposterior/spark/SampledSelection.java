package org.mcposterior.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import java.util.Objects;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.heuristics.HeuristicOptions;
import org.mcposterior.heuristics.MaskProvenance;
import org.mcposterior.stats.Samples;

/**
 * BatchBALD and EPIG from the samples a scoring already wrote ({@code samples} column), without
 * resampling. Those samples were drawn with the settings' masks, and core is told so: with
 * independent masks (the default) core refuses them, with consistent masks it selects from them.
 */
final class SampledSelection {
  private static final String SAMPLES = "samples";

  private SampledSelection() {}

  /**
   * {@code scores} reduced to the picks of the joint {@code heuristic}, priority = k for the first
   * pick down to 1.
   *
   * @param targetScores the target's scores with samples, for a heuristic that needs a target; else ignored
   */
  static Dataset<Row> picks(ScorerSettings s, Heuristic heuristic, Dataset<Row> scores, Dataset<Row> targetScores,
      int k) {
    String id = s.idColumn();
    Keyed candidates = collect(scores.orderBy(col(heuristic.candidateColumn()).desc(), col(id).asc())
        .limit(s.candidateCount(k)), id, s.iterations());
    MaskProvenance masks = JointSelection.provenance(s, s.maskMode());
    int n = Math.min(k, candidates.samples.batchSize());
    HeuristicOptions options = s.heuristicOptions().withQuerySize(n);
    if (heuristic.needsTarget()) {
      Objects.requireNonNull(targetScores, "the target's scores");
      options = options.withTarget(collect(targetScores, id, s.iterations()).samples, masks);
    }
    int[] picked = heuristic.joint(options).select(candidates.samples, masks, n);
    List<String> pickedKeys = new ArrayList<>();
    for (int p : picked) {
      pickedKeys.add(candidates.keys.get(p));
    }
    return JointSelection.inPickOrder(scores.drop(SAMPLES), id, pickedKeys);
  }

  private record Keyed(List<String> keys, Samples samples) {}

  /** The samples of {@code rows}, ordered by id as a string (the example key), as one tensor. */
  private static Keyed collect(Dataset<Row> rows, String id, int iterations) {
    if (!Arrays.asList(rows.schema().fieldNames()).contains(SAMPLES)) {
      throw new InvalidInputException("the scores have no '" + SAMPLES + "' column; expected the scores of a"
          + " scorer built with writeSamples(true) (and, for BatchBALD or EPIG, maskMode(CONSISTENT))");
    }
    List<Row> collected = new ArrayList<>(rows.select(col(id).cast("string"),
        org.apache.spark.sql.functions.flatten(col(SAMPLES))).collectAsList());
    collected.sort(Comparator.comparing((Row r) -> r.getString(0)));
    int len = collected.isEmpty() ? 0 : collected.get(0).getList(1).size();
    float[] all = new float[collected.size() * len];
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < collected.size(); i++) {
      keys.add(collected.get(i).getString(0));
      List<Float> v = collected.get(i).getList(1);
      for (int j = 0; j < len; j++) {
        all[i * len + j] = v.get(j);
      }
    }
    return new Keyed(keys, Samples.of(all, collected.size(), len / iterations, iterations));
  }
}
