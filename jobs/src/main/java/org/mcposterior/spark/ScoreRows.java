package org.mcposterior.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.heuristics.PriorityKey;
import org.mcposterior.heuristics.Reduction;
import org.mcposterior.models.SequenceLayout;
import org.mcposterior.randomness.KeyedRandom;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.OutputView;
import org.mcposterior.stats.MomentsBatch;

/**
 * The rows of the scores output: the example's id, predicted class, mean probabilities, the five
 * moment-based scores, {@code priority} (the chosen heuristic's ranking key, higher is picked
 * first), the mean values of a regression output and, when asked, the samples {@code
 * [outputs][iterations]} in the output kind's view ({@link OutputView#apply}: what the scores are
 * computed from).
 *
 * <p>What each column holds depends on the output kind ({@link OutputKind}): a score that means
 * nothing for the kind ({@link Heuristic#fits}) is null; {@code predicted_class} is the
 * argmax of the mean for classes and binary, null for the kinds with many distributions per
 * example or none; {@code probabilities} is the mean class distribution (classes, binary), the
 * mean probability of every label or position of a sigmoid output (multi-label, per-position with
 * one channel), the flat mean over {@code [C, positions]} (per-position, detection) and null for
 * regression; {@code mean} is the mean of every output value for regression, null otherwise.
 */
final class ScoreRows implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String PRIORITY = "priority";
  static final String PREDICTED_CLASS = "predicted_class";
  static final String PROBABILITIES = "probabilities";
  /** The heuristics whose score columns the rows hold ({@link Heuristic#scored()}), in column order. */
  static final List<Heuristic> SCORED = Heuristic.scored();
  /** Their score columns, in order. */
  static final List<String> SCORES = Heuristic.scoreColumns();
  static final String MEAN = "mean";

  private final PriorityKey priority;
  private final boolean samples;
  private final OutputView view;
  private final boolean[] scoreExists;
  private final Reduction reduction;
  private final SequenceLayout sequence;

  /**
   * @param sequence the layout of a sequence network's examples (a shorter example's padded steps
   *     are left out of its scores), or null for fixed-length inputs
   */
  ScoreRows(ScorerSettings s, OutputView view, SequenceLayout sequence) {
    this.sequence = sequence;
    this.priority = s.heuristic().priority(s.heuristicOptions());
    this.samples = s.writeSamples();
    this.view = view;
    this.reduction = s.reduction();
    this.scoreExists = new boolean[SCORED.size()];
    for (int i = 0; i < SCORED.size(); i++) {
      scoreExists[i] = SCORED.get(i).fits(view.kind());
    }
  }

  static StructType schema(StructField id, boolean withSamples) {
    List<StructField> f = new ArrayList<>();
    f.add(DataTypes.createStructField(id.name(), id.dataType(), false));
    f.add(DataTypes.createStructField(PREDICTED_CLASS, DataTypes.IntegerType, true));
    f.add(DataTypes.createStructField(PROBABILITIES, DataTypes.createArrayType(DataTypes.DoubleType, false), true));
    for (String s : SCORES) {
      f.add(DataTypes.createStructField(s, DataTypes.DoubleType, true));
    }
    f.add(DataTypes.createStructField(PRIORITY, DataTypes.DoubleType, false));
    f.add(DataTypes.createStructField(MEAN, DataTypes.createArrayType(DataTypes.DoubleType, false), true));
    if (withSamples) {
      f.add(DataTypes.createStructField("samples",
          DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false));
    }
    return DataTypes.createStructType(f);
  }

  /** The row of example {@code n} of scored moments; {@code samples} is its [outputs x T] or null. */
  Row row(Object id, String key, PosteriorScores ps, int n, float[] sampleValues, int outputs, int iterations) {
    OutputKind kind = view.kind();
    List<Object> v = new ArrayList<>(11);
    v.add(id);
    v.add(kind.hasOnePrediction() ? ps.predictedClass(n) : null);
    double[] means = ps.meanProbabilities(n);
    boolean bernoulli = kind == OutputKind.MULTI_LABEL || kind == OutputKind.PER_POSITION && view.rawShape()[0] == 1;
    v.add(kind == OutputKind.REGRESSION ? null
        : boxed(bernoulli ? Arrays.copyOfRange(means, means.length / 2, means.length) : means));
    for (int i = 0; i < SCORED.size(); i++) {
      v.add(scoreExists[i] ? SCORED.get(i).score(ps, n) : null);
    }
    v.add(priority.of(ps, n, KeyedRandom.exampleKey(key)));
    v.add(kind == OutputKind.REGRESSION ? boxed(means) : null);
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

  /**
   * Scores a batch of moments once, for {@link #row}. {@code steps[n]} is example {@code n}'s number
   * of real time steps ({@link ScoreTask#steps}; 0 or null for fixed-length inputs): a per-time-step
   * output's scores are then reduced over its real steps only ({@link OutputView#realPositions}).
   */
  PosteriorScores score(MomentsBatch moments, int[] steps) {
    boolean[][] keep = null;
    if (sequence != null && steps != null) {
      keep = new boolean[steps.length][];
      for (int n = 0; n < steps.length; n++) {
        keep[n] = steps[n] == 0 ? null : view.realPositions(steps[n], sequence.timeSteps());
      }
    }
    return PosteriorScores.of(moments, reduction, keep);
  }

  private static Double[] boxed(double[] v) {
    Double[] b = new Double[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = v[i];
    }
    return b;
  }
}
