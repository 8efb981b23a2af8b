package org.mcposterior.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mcposterior.models.SequenceLayout;

/**
 * A pool checked before any sampling: columns exist, types fit, every feature vector has the
 * model's length (for a sequence network: a whole number of time steps, from one to the full
 * length, shorter ones to be padded and masked, see {@link SequenceLayout}), ids are present and unique, features are finite (or, when the settings say so,
 * rows with invalid features are skipped and counted). Every check is a Spark aggregate, run when
 * the pool is validated: nothing proportional to the pool reaches the driver, only counts and the
 * first few offending ids. The validated rows themselves stay a lazy plan.
 *
 * <p>Its rows hold the original id column, {@link #KEY} (the id as a string, the example key of
 * the masks) and {@link #FEATURES} ({@code array<float>}), in that order.
 */
public final class ValidatedPool {
  /** Internal column: the id as a string (the example key of the masks). */
  public static final String KEY = "__mcp_key";
  /** Internal column: the features as {@code array<float>}. */
  public static final String FEATURES = "__mcp_features";
  private static final int EXAMPLES = 5;

  /** One example: its key (the id as a string) and its features. */
  public record Example(String key, float[] features) implements Serializable {}

  private final Dataset<Row> rows;
  private final StructField idField;
  private final long total;
  private final long skipped;
  private final long scored;
  private final long padded;

  private ValidatedPool(Dataset<Row> rows, StructField idField, long total, long skipped, long scored, long padded) {
    this.padded = padded;
    this.rows = rows;
    this.idField = idField;
    this.total = total;
    this.skipped = skipped;
    this.scored = scored;
  }

  /** The validated rows: the id column, {@link #KEY}, {@link #FEATURES}. */
  public Dataset<Row> rows() {
    return rows;
  }

  /** The id column as the input holds it. */
  public StructField idField() {
    return idField;
  }

  /** Rows of the input. */
  public long total() {
    return total;
  }

  /** Rows skipped for invalid features. */
  public long skipped() {
    return skipped;
  }

  /** Rows to score. */
  public long scored() {
    return scored;
  }

  /**
   * Rows to score that are sequences shorter than the network's time length, padded at the end and
   * masked when scored ({@link SequenceLayout}); 0 for a pool of full-length or non-sequence examples.
   */
  public long padded() {
    return padded;
  }

  /** The rows as examples, copied from Spark's internal rows without boxing (lazy). */
  public JavaRDD<Example> examples() {
    return InternalRows.examples(rows, idField).map(e -> new Example(e.key(), e.features()));
  }

  /**
   * Validates {@code raw} for a model whose examples have {@code featureLength} values.
   *
   * @param what what the rows are, for messages ("pool", "target")
   * @param source where they came from (a path), or null for a DataFrame built in memory
   * @throws InvalidInputException naming the first problem, the offending ids and the fix
   */
  public static ValidatedPool of(Dataset<Row> raw, ScorerSettings s, int featureLength, String what, String source) {
    return of(raw, s, featureLength, 0, what, source);
  }

  /**
   * Validates {@code raw} for a model whose examples have {@code featureLength} values and, when
   * {@code indexBound > 0}, are indices into an embedding of {@code indexBound} rows (see {@link
   * org.mcposterior.models.InputShapes#indexBound}): every value must then be an integer in {@code
   * [0, indexBound)}, checked with one more aggregate.
   *
   * @param indexBound the vocabulary size of the network's first (embedding) layer, or 0 for no index check
   * @throws InvalidInputException naming the first problem, the offending ids and the fix
   */
  public static ValidatedPool of(Dataset<Row> raw, ScorerSettings s, int featureLength, int indexBound, String what,
      String source) {
    return of(raw, s, featureLength, indexBound, null, null, what, source);
  }

  /**
   * As {@link #of(Dataset, ScorerSettings, int, int, String, String)} for a network whose input is a
   * sequence ({@code sequence} not null): an example may then be shorter than the full time length,
   * by the rule of {@link SequenceLayout} (a whole number of steps of the step width, at least one,
   * at most the full length; padded at the end and masked when scored). A row with too many steps,
   * a step of the wrong width, or no step at all is refused, naming the example, its size and the
   * fix; so is any shorter row when {@code maskRefusal} says why the network cannot take masks.
   *
   * @param sequence the layout of the network's sequence input, or null for fixed-length inputs
   * @param maskRefusal why the network cannot take features masks, or null when it can
   * @throws InvalidInputException naming the first problem, the offending ids and the fix
   */
  public static ValidatedPool of(Dataset<Row> raw, ScorerSettings s, int featureLength, int indexBound,
      SequenceLayout sequence, String maskRefusal, String what, String source) {
    if (sequence != null && sequence.length() != featureLength) {
      throw new IllegalArgumentException("sequence layout of " + sequence.length() + " values for a feature length of "
          + featureLength);
    }
    String path = source == null ? "" : " " + source;
    StructType schema = raw.schema();
    StructField idField = field(schema, s.idColumn(), "--id-col", what);
    Column features = featuresColumn(schema, s, what);
    checkNestedRows(raw, s, sequence, what);
    Dataset<Row> rows = raw.select(col(s.idColumn()), col(s.idColumn()).cast("string").as(KEY), features.as(FEATURES));

    Row stats = rows.agg(
        count(lit(1)),
        sum(when(col(KEY).isNull(), 1).otherwise(0)),
        sum(when(invalid(), 1).otherwise(0)),
        min(when(col(FEATURES).isNotNull(), expr("size(" + FEATURES + ")"))),
        max(when(col(FEATURES).isNotNull(), expr("size(" + FEATURES + ")")))).first();
    long total = stats.getLong(0);
    long nullIds = stats.isNullAt(1) ? 0 : stats.getLong(1);
    long invalid = stats.isNullAt(2) ? 0 : stats.getLong(2);
    if (total == 0) {
      throw new InvalidInputException(what + path + " is empty: no rows to score; expected at least one example");
    }
    if (nullIds > 0) {
      throw new InvalidInputException(what + " has " + nullIds + " row(s) with a null id in column '" + s.idColumn()
          + "'; every example needs a unique id: fill or drop them");
    }
    long padded = 0;
    if (!stats.isNullAt(3)) {
      int minLen = stats.getInt(3), maxLen = stats.getInt(4);
      if (sequence != null && (minLen != featureLength || maxLen != featureLength)) {
        padded = checkSequenceLengths(rows, sequence, maskRefusal, what);
      } else if (minLen != featureLength || maxLen != featureLength) {
        Column wrong = expr("size(" + FEATURES + ")").notEqual(featureLength);
        long n = rows.filter(col(FEATURES).isNotNull().and(wrong)).count();
        throw new InvalidInputException(what + " has " + n + " row(s) whose features have a length other than the"
            + " model's " + featureLength + " (lengths seen: " + minLen + " to " + maxLen + "; first ids: "
            + firstIds(rows.filter(col(FEATURES).isNotNull().and(wrong))) + "); fix the features or --input-shape");
      }
    }
    Dataset<Row> dup = rows.groupBy(col(KEY)).count().filter(col("count").gt(1));
    long duplicates = dup.count();
    if (duplicates > 0) {
      List<String> ex = new ArrayList<>();
      for (Row r : dup.orderBy(col(KEY)).limit(EXAMPLES).collectAsList()) {
        ex.add(r.getString(0) + " (" + r.getLong(1) + " times)");
      }
      throw new InvalidInputException(what + " has " + duplicates + " duplicated id(s) in column '" + s.idColumn()
          + "', e.g. " + ex + "; ids must be unique (they key each example's masks and name its scores)");
    }
    long skipped = 0;
    if (invalid > 0) {
      if (!s.skipInvalid()) {
        throw new InvalidInputException(what + " has " + invalid + " row(s) with null, NaN or infinite features"
            + " (first ids: " + firstIds(rows.filter(invalid())) + "); clean them, or pass --on-invalid skip to"
            + " skip them (they are counted in the run summary)");
      }
      rows = rows.filter(functionsNot(invalid()));
      skipped = invalid;
      if (skipped == total) {
        throw new InvalidInputException("every row of " + what + " has invalid features; nothing left to score");
      }
    }
    if (indexBound > 0) {
      checkIndices(rows, indexBound, what);
    }
    return new ValidatedPool(rows, idField, total, skipped, total - skipped, padded);
  }

  /**
   * Refuses rows holding a value that is not an index of the embedding: negative, {@code >= bound}
   * or fractional (DL4J would truncate it to another index). One aggregate counts them; the first
   * offending row (by id) is read to name its value.
   */
  private static void checkIndices(Dataset<Row> rows, int bound, String what) {
    String f = FEATURES;
    Column bad = expr("array_min(" + f + ") < 0 OR array_max(" + f + ") >= " + bound
        + " OR exists(" + f + ", v -> v <> floor(v))");
    Row stats = rows.agg(sum(when(bad, 1).otherwise(0))).first();
    long n = stats.isNullAt(0) ? 0 : stats.getLong(0);
    if (n == 0) {
      return;
    }
    Row first = rows.filter(bad).select(col(KEY), col(f)).orderBy(col(KEY)).limit(1).collectAsList().get(0);
    List<Float> values = first.getList(1);
    float value = Float.NaN;
    for (Float v : values) {
      if (v < 0 || v >= bound || v != Math.floor(v)) {
        value = v;
        break;
      }
    }
    String shown = value == Math.rint(value) ? Long.toString((long) value) : Float.toString(value);
    throw new InvalidInputException(what + " has " + n + " row(s) with a feature that is not an index of the"
        + " network's embedding, e.g. example '" + first.getString(0) + "' holds " + shown + "; the network starts with"
        + " an embedding layer of " + bound + " rows, so every feature must be a whole number from 0 to " + (bound - 1)
        + " (an index, not a one-hot vector or a scaled value); map unknown tokens to an index inside the vocabulary,"
        + " or fix the model's vocabulary size (nIn " + bound + ")");
  }

  /**
   * The lengths of a sequence pool whose rows are not all full-length: refuses, in this order, rows
   * longer than the full time length, empty rows, rows that are not a whole number of steps, and
   * (when {@code maskRefusal} is set) any shorter row; one aggregate counts them all, and the first
   * offending row by id is named with its size.
   *
   * @return the number of shorter rows with valid features (those to be padded and masked)
   */
  private static long checkSequenceLengths(Dataset<Row> rows, SequenceLayout q, String maskRefusal, String what) {
    Column size = expr("size(" + FEATURES + ")");
    Column real = col(FEATURES).isNotNull();
    Column tooLong = real.and(size.gt(q.length()));
    Column empty = real.and(size.equalTo(0));
    Column partial = real.and(size.gt(0)).and(size.leq(q.length())).and(size.mod(q.stepWidth()).notEqual(0));
    Column shorter = real.and(size.gt(0)).and(size.lt(q.length())).and(functionsNot(invalid()));
    Row st = rows.agg(sum(when(tooLong, 1).otherwise(0)), sum(when(empty, 1).otherwise(0)),
        sum(when(partial, 1).otherwise(0)), sum(when(shorter, 1).otherwise(0))).first();
    String layout = q.timeMajor() ? "[" + q.timeSteps() + ", " + q.stepWidth() + "] (time, features: NWC)"
        : "[" + q.stepWidth() + ", " + q.timeSteps() + "] (features, time: NCW)";
    String rule = "a sequence of k <= " + q.timeSteps() + " steps holds k x " + q.stepWidth() + " values in the layout"
        + " of the input shape " + layout + ", and is padded at the end of time and masked";
    long n = counted(st, 0);
    if (n > 0) {
      Row r = first(rows, tooLong);
      int len = r.getInt(1);
      throw new InvalidInputException(what + " has " + n + " row(s) with more time steps than the network's "
          + q.timeSteps() + ", e.g. example '" + r.getString(0) + "' with " + len + " values (" + (len % q.stepWidth() == 0
          ? len / q.stepWidth() + " steps" : "more than " + q.length()) + "); " + rule + ", never cut: truncate or"
          + " split such sequences, or pass a longer time length in --input-shape if the network takes one");
    }
    n = counted(st, 1);
    if (n > 0) {
      throw new InvalidInputException(what + " has " + n + " row(s) with an empty sequence (no time step), e.g."
          + " example '" + first(rows, empty).getString(0) + "'; every example needs at least one real time step:"
          + " drop the empty rows");
    }
    n = counted(st, 2);
    if (n > 0) {
      Row r = first(rows, partial);
      throw new InvalidInputException(what + " has " + n + " row(s) whose features are not a whole number of time"
          + " steps of " + q.stepWidth() + " features, e.g. example '" + r.getString(0) + "' with " + r.getInt(1)
          + " values; " + rule + ": fix the features, or --input-shape");
    }
    n = counted(st, 3);
    if (n > 0 && maskRefusal != null) {
      Row r = first(rows, shorter);
      throw new InvalidInputException(what + " has " + n + " row(s) shorter than the network's " + q.timeSteps()
          + " time steps, e.g. example '" + r.getString(0) + "' with " + r.getInt(1) / q.stepWidth() + " steps; a"
          + " shorter sequence is scored padded and with DL4J's features mask, but this network cannot take masks: "
          + maskRefusal.strip() + " (so pad such sequences to " + q.timeSteps() + " steps yourself, where padding"
          + " does not change the result, or score only full-length sequences)");
    }
    return n;
  }

  private static long counted(Row stats, int i) {
    return stats.isNullAt(i) ? 0 : stats.getLong(i);
  }

  /** The first row (by key) matching {@code condition}: its key and feature count. */
  private static Row first(Dataset<Row> rows, Column condition) {
    return rows.filter(condition).select(col(KEY), expr("size(" + FEATURES + ")")).orderBy(col(KEY)).limit(1)
        .collectAsList().get(0);
  }

  /**
   * For a features column of nested arrays: refuses rows whose inner arrays differ in length (a
   * ragged sequence would be misread once flattened), naming the first ids and the fix; for a
   * sequence network, also rows whose time steps do not have the step width (the inner arrays of
   * an NWC sequence, the number of inner arrays of an NCW one).
   */
  private static void checkNestedRows(Dataset<Row> raw, ScorerSettings s, SequenceLayout sequence, String what) {
    if (s.featuresColumn() == null) {
      return;
    }
    DataType t = raw.schema().apply(s.featuresColumn()).dataType();
    if (!(t instanceof ArrayType a && a.elementType() instanceof ArrayType)) {
      return;
    }
    String c = "`" + s.featuresColumn().replace("`", "``") + "`";
    Column ragged = expr("array_min(transform(" + c + ", r -> size(r))) <> array_max(transform(" + c + ", r -> size(r)))");
    Dataset<Row> bad = raw.filter(ragged).select(col(s.idColumn()).cast("string").as(KEY));
    long n = bad.count();
    if (n > 0) {
      throw new InvalidInputException(what + " has " + n + " row(s) whose nested features arrays differ in length"
          + " (first ids: " + firstIds(bad) + "); every inner array (e.g. each time step of a sequence) must have the"
          + " same length, the last value of --input-shape; pad them, or give the features flat");
    }
    if (sequence == null) {
      return;
    }
    String w = sequence.timeMajor() ? "array_max(transform(" + c + ", r -> size(r)))" : "size(" + c + ")";
    Column wrongWidth = expr("size(" + c + ") > 0 AND " + w + " <> " + sequence.stepWidth());
    Dataset<Row> wide = raw.filter(wrongWidth).select(col(s.idColumn()).cast("string").as(KEY), expr(w).as("w"));
    long m = wide.count();
    if (m > 0) {
      Row r = wide.orderBy(col(KEY)).limit(1).collectAsList().get(0);
      throw new InvalidInputException(what + " has " + m + " row(s) whose time steps do not have the network's "
          + sequence.stepWidth() + " features, e.g. example '" + r.getString(0) + "' with " + r.getInt(1) + (sequence
          .timeMajor() ? " values in each time step (each inner array is one step of an NWC sequence)"
          : " inner arrays (an NCW sequence holds one inner array per feature, each as long as the sequence)")
          + "; fix the features, or --input-shape");
    }
  }

  private static Column functionsNot(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }

  /**
   * Rows whose features are missing, hold a null element, or a NaN or infinite value. Written with
   * code-generated array functions rather than a lambda ({@code exists(...)} is interpreted and
   * boxes every value): Spark orders NaN above every number, so an array holds a NaN exactly when
   * its maximum is NaN, and an infinity exactly when its maximum or minimum is infinite.
   */
  private static Column invalid() {
    String f = FEATURES;
    return col(f).isNull().or(expr("size(array_compact(" + f + ")) <> size(" + f + ")"
        + " OR isnan(array_max(" + f + ")) OR array_max(" + f + ") = float('inf')"
        + " OR array_min(" + f + ") = float('-inf')"));
  }

  private static String firstIds(Dataset<Row> rows) {
    List<String> ids = new ArrayList<>();
    for (Row r : rows.select(col(KEY)).orderBy(col(KEY)).limit(EXAMPLES).collectAsList()) {
      ids.add(r.getString(0));
    }
    return String.join(", ", ids);
  }

  private static StructField field(StructType schema, String name, String option, String what) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new InvalidInputException(what + " has no column '" + name + "' (" + option + "); its columns are "
        + Arrays.toString(schema.fieldNames()));
  }

  /**
   * The features of {@code schema}'s rows as {@code array<float>}, from the settings' features
   * column (array of numbers or ML vector) or feature columns, as the scoring reads them.
   *
   * @throws InvalidInputException if a column is missing or of another type
   */
  public static Column featuresColumn(StructType schema, ScorerSettings s, String what) {
    if (s.featuresColumn() != null) {
      StructField f = field(schema, s.featuresColumn(), "--features-col", what);
      DataType t = f.dataType();
      if (t instanceof ArrayType a && a.elementType() instanceof NumericType) {
        return col(f.name()).cast("array<float>");
      }
      if (t instanceof ArrayType a && a.elementType() instanceof ArrayType inner && inner.elementType() instanceof NumericType) {
        // nested arrays (e.g. a sequence as [time][features]) read in C order, as the flat array of
        // --input-shape: a row of unequal inner lengths or a null inner array is refused by the checks
        return org.apache.spark.sql.functions.flatten(col(f.name())).cast("array<float>");
      }
      if (t.typeName().equals("vector")) {
        return org.apache.spark.ml.functions.vector_to_array(col(f.name()), "float32");
      }
      throw new InvalidInputException(what + " column '" + f.name() + "' has type " + t.simpleString()
          + "; --features-col expects array<float>, array<double>, an array of such arrays (read in C order) or a"
          + " Spark ML vector; for one column per feature"
          + " use --feature-cols a,b,c");
    }
    List<Column> cols = new ArrayList<>();
    for (String c : s.featureColumns()) {
      StructField f = field(schema, c, "--feature-cols", what);
      if (!(f.dataType() instanceof NumericType)) {
        throw new InvalidInputException(what + " column '" + c + "' has type " + f.dataType().simpleString()
            + "; --feature-cols expects numeric columns");
      }
      cols.add(col(c).cast("float"));
    }
    return array(cols.toArray(new Column[0]));
  }
}
