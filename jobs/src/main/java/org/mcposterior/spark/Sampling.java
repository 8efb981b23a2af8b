package org.mcposterior.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.mcposterior.heuristics.PosteriorScores;
import org.mcposterior.stats.Samples;
import org.mcposterior.stats.MomentsAccumulator;
import org.mcposterior.stats.MomentsBatch;
import org.mcposterior.stats.MomentsCodec;
import scala.Tuple2;

/**
 * The RDD plans of the work grid (DESIGN.md, data flow): every method only builds lineage, none
 * runs a Spark job, except {@link #collectSamples}, which is the joint heuristics' collect. Each
 * task streams its rows batch by batch through {@link ScoreTask} (the core sampler).
 */
final class Sampling {
  private Sampling() {}

  /** One shard: each task scores its rows directly, no shuffle. */
  static JavaRDD<Row> unsharded(JavaRDD<ScoreTask.Example> rows, ScoreTask task, ScoreRows scoreRows,
      ScorerSettings s) {
    int iterations = s.iterations();
    return rows.mapPartitions(it -> new BatchIterator<Row>() {
      @Override
      void fill(List<Row> buffer) {
        task.run(take(it, s.batchSize()), 0, iterations, (batch, samples, moments) -> {
          int[] steps = new int[batch.size()];
          for (int n = 0; n < steps.length; n++) {
            steps[n] = task.steps(batch.get(n));
          }
          PosteriorScores ps = scoreRows.score(moments, steps);
          int outputs = samples.outputSize();
          float[] ex = new float[outputs * iterations];
          for (int n = 0; n < batch.size(); n++) {
            ScoreTask.Example e = batch.get(n);
            if (s.writeSamples()) {
              samples.copyExample(n, ex, 0);
            }
            buffer.add(scoreRows.row(e.id(), e.key(), ps, n, ex, outputs, iterations));
          }
        });
      }

      @Override
      boolean exhausted() {
        return !it.hasNext();
      }
    });
  }

  /**
   * Several shards: tasks emit per-example moments; a shuffle merges them per example in shard
   * order, so a rerun is bitwise equal.
   */
  static JavaRDD<Row> sharded(JavaRDD<ScoreTask.Example> rows, ScoreTask task, ScoreRows scoreRows,
      ScorerSettings s, ShardPlan plan, JavaSparkContext jsc) {
    JavaRDD<ScoreTask.Example> input = rows.persist(StorageLevel.MEMORY_AND_DISK());
    List<JavaRDD<ScoreTask.ShardResult>> parts = new ArrayList<>();
    for (int shard = 0; shard < plan.shards(); shard++) {
      final int sh = shard;
      final int start = plan.start(sh), end = plan.end(sh);
      parts.add(input.mapPartitions(it -> new BatchIterator<ScoreTask.ShardResult>() {
        @Override
        void fill(List<ScoreTask.ShardResult> buffer) {
          task.run(take(it, s.batchSize()), start, end, (batch, samples, moments) -> {
            int len = samples.outputSize() * samples.iterations();
            for (int n = 0; n < batch.size(); n++) {
              ScoreTask.Example e = batch.get(n);
              float[] ex = null;
              if (s.writeSamples()) {
                ex = new float[len];
                samples.copyExample(n, ex, 0);
              }
              buffer.add(new ScoreTask.ShardResult(e.key(), sh, e.id(), MomentsCodec.encode(moments.example(n)), ex,
                  task.steps(e)));
            }
          });
        }

        @Override
        boolean exhausted() {
          return !it.hasNext();
        }
      }));
    }
    @SuppressWarnings("unchecked")
    JavaRDD<ScoreTask.ShardResult> all = jsc.union(parts.toArray(new JavaRDD[0]));
    JavaPairRDD<String, ScoreTask.ShardResult> keyed = all.mapToPair(r -> new Tuple2<>(r.key(), r));
    int iterations = s.iterations();
    return keyed.groupByKey(plan.partitions() * plan.shards()).map(group -> {
      List<ScoreTask.ShardResult> shards = new ArrayList<>();
      group._2().forEach(shards::add);
      shards.sort(Comparator.comparingInt(ScoreTask.ShardResult::shard));
      MomentsAccumulator acc = MomentsAccumulator.of(MomentsCodec.decodeMoments(shards.get(0).moments()));
      for (int i = 1; i < shards.size(); i++) {
        acc = acc.combine(MomentsCodec.decodeMoments(shards.get(i).moments()));
      }
      MomentsBatch merged = MomentsBatch.of(List.of(acc.get()));
      int outputs = merged.shape().size();
      float[] samples = s.writeSamples() ? concatenate(shards, outputs, iterations) : null;
      PosteriorScores ps = scoreRows.score(merged, new int[] {shards.get(0).steps()});
      return scoreRows.row(shards.get(0).id(), group._1(), ps, 0, samples, outputs, iterations);
    });
  }

  /** The samples of one example's shards, in shard order, as one [outputs x T] array. */
  private static float[] concatenate(List<ScoreTask.ShardResult> shards, int outputs, int iterations) {
    float[] samples = new float[outputs * iterations];
    int t0 = 0;
    for (ScoreTask.ShardResult r : shards) {
      int tl = r.samples().length / outputs;
      for (int o = 0; o < outputs; o++) {
        System.arraycopy(r.samples(), o * tl, samples, o * iterations + t0, tl);
      }
      t0 += tl;
    }
    return samples;
  }

  /**
   * Samples of {@code rows} for all iterations, collected to the driver ordered by example key:
   * a Spark job. Only for the few candidates (and target) of a joint selection.
   */
  static Samples collectSamples(JavaRDD<ScoreTask.Example> rows, ScoreTask task, int iterations) {
    List<Tuple2<String, float[]>> collected = rows.mapPartitions(it -> {
      List<Tuple2<String, float[]>> outRows = new ArrayList<>();
      task.run(it, 0, iterations, (batch, samples, moments) -> {
        int len = samples.outputSize() * samples.iterations();
        for (int n = 0; n < batch.size(); n++) {
          float[] ex = new float[len];
          samples.copyExample(n, ex, 0);
          outRows.add(new Tuple2<>(batch.get(n).key(), ex));
        }
      });
      return outRows.iterator();
    }).collect();
    List<Tuple2<String, float[]>> sorted = new ArrayList<>(collected);
    sorted.sort(Comparator.comparing(Tuple2::_1));
    int len = sorted.isEmpty() ? 0 : sorted.get(0)._2().length;
    float[] all = new float[sorted.size() * len];
    for (int i = 0; i < sorted.size(); i++) {
      System.arraycopy(sorted.get(i)._2(), 0, all, i * len, len);
    }
    return Samples.of(all, sorted.size(), len / iterations, iterations);
  }
}
