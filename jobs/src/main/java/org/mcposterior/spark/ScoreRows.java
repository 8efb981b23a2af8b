package org.mcposterior.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mcposterior.heuristics.Heuristics;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.heuristics.PriorityKey;
import org.mcposterior.heuristics.Reduction;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.stats.MomentsBatch;

/**
 * The rows of the scores output: the example's id, predicted class, mean probabilities, the five
 * moment-based scores, {@code priority} (the chosen heuristic's ranking key, higher is picked
 * first) and, when asked, the samples {@code [outputs][iterations]}.
 */
final class ScoreRows implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String PRIORITY = "priority";
  static final List<String> SCORES = List.of("bald", "entropy", "variance", "margin", "certainty");

  private final PriorityKey priority;
  private final boolean samples;

  ScoreRows(ScorerSettings s) {
    this.priority = Heuristics.priority(s.heuristic(), s.heuristicOptions());
    this.samples = s.writeSamples();
  }

  static StructType schema(StructField id, boolean withSamples) {
    List<StructField> f = new ArrayList<>();
    f.add(DataTypes.createStructField(id.name(), id.dataType(), false));
    f.add(DataTypes.createStructField("predicted_class", DataTypes.IntegerType, false));
    f.add(DataTypes.createStructField("probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false), false));
    for (String s : SCORES) {
      f.add(DataTypes.createStructField(s, DataTypes.DoubleType, false));
    }
    f.add(DataTypes.createStructField(PRIORITY, DataTypes.DoubleType, false));
    if (withSamples) {
      f.add(DataTypes.createStructField("samples",
          DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false));
    }
    return DataTypes.createStructType(f);
  }

  /** The row of example {@code n} of scored moments; {@code samples} is its [outputs x T] or null. */
  Row row(Object id, String key, PosteriorScores ps, int n, float[] sampleValues, int outputs, int iterations) {
    double[] scores = {ps.bald(n), ps.entropy(n), ps.variance(n), ps.margin(n), ps.certainty(n)};
    List<Object> v = new ArrayList<>(10);
    v.add(id);
    v.add(ps.predictedClass(n));
    v.add(boxed(ps.meanProbabilities(n)));
    for (double d : scores) {
      v.add(d);
    }
    v.add(priority.of(ps, n, KeyedRandom.exampleKey(key)));
    if (samples) {
      Object[] rows = new Object[outputs];
      for (int o = 0; o < outputs; o++) {
        Float[] r = new Float[iterations];
        for (int t = 0; t < iterations; t++) {
          r[t] = sampleValues[o * iterations + t];
        }
        rows[o] = r;
      }
      v.add(rows);
    }
    return RowFactory.create(v.toArray());
  }

  /** Scores a batch of moments once, for {@link #row}. */
  static PosteriorScores score(MomentsBatch moments) {
    return PosteriorScores.of(moments, Reduction.MEAN);
  }

  private static Double[] boxed(double[] v) {
    Double[] b = new Double[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = v[i];
    }
    return b;
  }
}
