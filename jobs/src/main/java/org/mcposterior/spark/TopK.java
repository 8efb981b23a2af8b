package org.mcposterior.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mcposterior.heuristics.Heuristic;

/**
 * The top-k rows of a scores DataFrame by {@code priority} (higher first, ties by id ascending),
 * ranked 1..k: Spark's ordered take (no global window), ranked on the driver, so k rows reach the
 * driver, never the pool. The result is a small local DataFrame in one partition.
 */
final class TopK {
  private TopK() {}

  /** The top {@code k} of {@code scores}, ranked, with a last column naming the {@code heuristic} that ranked them. */
  static Dataset<Row> of(Dataset<Row> scores, String id, int k, Heuristic heuristic) {
    List<Column> columns = new ArrayList<>(List.of(col(id), col(ScoreRows.PRIORITY), col(ScoreRows.PREDICTED_CLASS)));
    for (String score : ScoreRows.SCORES) {
      columns.add(col(score));
    }
    columns.add(col(ScoreRows.PROBABILITIES));
    columns.add(col(ScoreRows.MEAN));
    Dataset<Row> top = scores.select(columns.toArray(new Column[0]));
    List<Row> ordered = top.orderBy(col(ScoreRows.PRIORITY).desc(), col(id).asc()).limit(k).collectAsList();
    List<Row> ranked = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      Object[] v = new Object[ordered.get(i).size() + 2];
      v[0] = i + 1;
      for (int c = 0; c < ordered.get(i).size(); c++) {
        v[c + 1] = ordered.get(i).get(c);
      }
      v[v.length - 1] = heuristic.label();
      ranked.add(RowFactory.create(v));
    }
    StructType schema = new StructType().add("rank", DataTypes.IntegerType, false);
    for (StructField f : top.schema().fields()) {
      schema = schema.add(f);
    }
    schema = schema.add("heuristic", DataTypes.StringType, false);
    return scores.sparkSession().createDataFrame(ranked, schema).coalesce(1);
  }
}
