package org.mcposterior.spark;

import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * The only use of Spark's internal (catalyst) API: the job reads the pool's rows as
 * {@link InternalRow}s so the features come out of the columnar array in one primitive copy,
 * without boxing every value. Catalyst is not a public API and may change between Spark lines;
 * the calls here ({@code queryExecution().toRdd()}, {@code CatalystTypeConverters
 * .createToScalaConverter}, {@code InternalRow.get/getUTF8String/getArray}, {@code
 * ArrayData.toFloatArray}) are the same in Spark 3.5 (Scala 2.12) and 4.x (Scala 2.13), which the
 * job tests check on both lines. Should a line diverge, this class is what gets a per-line source.
 */
final class InternalRows {

  private InternalRows() {}

  /**
   * The pool's rows (columns: id, key, features as {@code array<float>}, in that order) as
   * examples; the id converted back to its external (Java/Scala) value, so a numeric id keeps its type.
   */
  static JavaRDD<ScoreTask.Example> examples(Dataset<Row> rows, StructField idField) {
    DataType idType = idField.dataType();
    return rows.queryExecution().toRdd().toJavaRDD().mapPartitions(it -> {
      scala.Function1<Object, Object> toExternal = CatalystTypeConverters.createToScalaConverter(idType);
      return new Iterator<ScoreTask.Example>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public ScoreTask.Example next() {
          InternalRow r = it.next();
          Object id = toExternal.apply(r.get(0, idType));
          return new ScoreTask.Example(id, r.getUTF8String(1).toString(), r.getArray(2).toFloatArray());
        }
      };
    });
  }
}
