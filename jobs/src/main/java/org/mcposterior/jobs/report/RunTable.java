package org.mcposterior.jobs.report;

import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.settings.Setting;
import org.mcposterior.spark.ScorerSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A score run's {@code summary.json} as the report's run table: one labelled row per value, in
 * the units a person reads ("rows read: 10,000", "model load: 0.63 s"), never a nested map
 * printed as Java prints it.
 *
 * <p>The summary's known values are declared once, in {@link #FIELDS} (dotted key, label, format);
 * the table follows the declaration's order. A value the declaration does not know (written by a
 * newer or older run) is still shown, after the known ones, labelled by its dotted key and
 * formatted plainly; nested maps become one row per entry. The run's settings are rows of their
 * own ({@link #settingsRows}), labelled as their declarations ({@link Setting#label()}) say. Labels are lower case, as the page's other tables.
 */
final class RunTable {
  private RunTable() {}

  /** How a value reads. */
  enum Format {
    /** As written. */
    TEXT,
    /** A whole number with thousands separators: 10,000. */
    COUNT,
    /** Seconds: 0.63 s. */
    SECONDS,
    /** A rate, with its unit from the field: 12,345 example-iterations/s. */
    RATE,
    /** Bytes in binary units: 1.5 GiB. */
    BYTES,
    /** A list of dimensions: 1 × 8 × 8. */
    SHAPE,
    /** A map whose every entry is a row, labelled by the field's label and the entry's key. */
    ENTRIES
  }

  /** One known value of the summary: its dotted key, its label, how it reads, and (for a rate) its unit. */
  record Field(String key, String label, Format format, String unit) {
    static Field of(String key, String label, Format format) {
      return new Field(key, label, format, "");
    }
  }

  /** The summary's known values, in the order the table shows them. */
  static final List<Field> FIELDS = List.of(
      Field.of("status", "status", Format.TEXT),
      Field.of("model_fingerprint", "model fingerprint", Format.TEXT),
      Field.of("seed", "seed", Format.TEXT),
      Field.of("input_shape", "input shape", Format.SHAPE),
      Field.of("output.kind", "output kind", Format.TEXT),
      Field.of("output.decided", "output kind decided", Format.TEXT),
      Field.of("output.shape", "output shape", Format.SHAPE),
      Field.of("output.scored_shape", "scored output shape", Format.SHAPE),
      Field.of("output.boxes", "detection boxes", Format.COUNT),
      Field.of("stochastic_layers", "stochastic layer", Format.ENTRIES),
      Field.of("counts.rows", "rows read", Format.COUNT),
      Field.of("counts.skipped_invalid", "rows skipped as invalid", Format.COUNT),
      Field.of("counts.scored", "examples scored", Format.COUNT),
      Field.of("counts.padded_sequences", "shorter sequences padded", Format.COUNT),
      Field.of("counts.top_k", "top-k picks written", Format.COUNT),
      Field.of("resume.reused_partitions", "partitions reused from an earlier run", Format.COUNT),
      Field.of("resume.computed_partitions", "partitions computed", Format.COUNT),
      Field.of("resume.reused_rows", "rows reused from an earlier run", Format.COUNT),
      Field.of("plan.partitions", "pool partitions", Format.COUNT),
      Field.of("plan.iteration_shards", "iteration shards", Format.COUNT),
      Field.of("plan.tasks", "Spark tasks", Format.COUNT),
      Field.of("plan.default_parallelism", "Spark default parallelism", Format.COUNT),
      Field.of("timings.model_seconds", "model load", Format.SECONDS),
      Field.of("timings.validate_seconds", "pool validation", Format.SECONDS),
      Field.of("timings.score_seconds", "scoring", Format.SECONDS),
      Field.of("timings.top_k_seconds", "top-k selection", Format.SECONDS),
      Field.of("timings.total_seconds", "total time", Format.SECONDS),
      new Field("example_iterations_per_second", "throughput", Format.RATE, "example-iterations/s"),
      new Field("examples_per_second", "throughput (examples)", Format.RATE, "examples/s"),
      Field.of("driver_peak_heap_bytes", "driver peak heap", Format.BYTES),
      Field.of("driver_peak_live_heap_bytes", "driver peak live heap", Format.BYTES),
      Field.of("spark.master", "Spark master", Format.TEXT),
      Field.of("spark.app_id", "Spark application", Format.TEXT),
      Field.of("spark.version", "Spark version", Format.TEXT),
      Field.of("versions.mcposterior", "mcposterior version", Format.TEXT),
      Field.of("versions.deeplearning4j", "Deeplearning4j version", Format.TEXT),
      Field.of("format_version", "summary format version", Format.TEXT));

  /** The summary's keys the run table leaves to other parts of the page: the settings have rows of their own. */
  private static final List<String> ELSEWHERE = List.of("settings");

  /**
   * The rows of the run table for {@code summary}: the declared values it has, in {@link #FIELDS}
   * order, then every value the declaration does not know, labelled by its dotted key.
   */
  static Map<String, String> rows(Map<String, Object> summary) {
    Map<String, Object> leaves = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : summary.entrySet()) {
      if (!ELSEWHERE.contains(e.getKey())) {
        flatten(e.getKey(), e.getValue(), leaves);
      }
    }
    Map<String, String> rows = new LinkedHashMap<>();
    for (Field f : FIELDS) {
      if (f.format() == Format.ENTRIES) {
        String prefix = f.key() + ".";
        for (String k : new ArrayList<>(leaves.keySet())) {
          if (k.startsWith(prefix)) {
            rows.put(f.label() + " " + k.substring(prefix.length()), text(leaves.remove(k)));
          }
        }
      } else if (leaves.containsKey(f.key())) {
        rows.put(f.label(), format(f, leaves.remove(f.key())));
      }
    }
    leaves.forEach((k, v) -> rows.put(k, text(v)));
    return rows;
  }

  /** The declared settings of a score run, by summary key: their labels and units head the settings rows. */
  private static final Map<String, Setting<?>> DECLARED = declared();

  private static Map<String, Setting<?>> declared() {
    Map<String, Setting<?>> m = new LinkedHashMap<>();
    for (List<Setting<?>> list : List.of(ScoreSettings.DECLARED, ScorerSettings.DECLARED)) {
      list.forEach(s -> m.put(s.key(), s));
    }
    return m;
  }

  /**
   * The run's settings as rows: a declared setting by its label (lower case, as the page's other
   * tables), a byte count in binary units, a count with its unit, an unset value as the default
   * the help names ("each layer's own"); a key the declarations do not know (a run of another
   * version) made readable ({@code top_k}: "top k"), its value as text.
   */
  static Map<String, String> settingsRows(Map<?, ?> settings) {
    Map<String, Object> leaves = new LinkedHashMap<>();
    settings.forEach((k, v) -> flatten(String.valueOf(k), v, leaves));
    Map<String, String> rows = new LinkedHashMap<>();
    leaves.forEach((k, v) -> {
      Setting<?> s = DECLARED.get(k);
      if (s == null) {
        rows.put(readable(k), text(v));
      } else {
        rows.put(s.label().toLowerCase(Locale.ROOT), settingText(s, v));
      }
    });
    return rows;
  }

  private static <T> String settingText(Setting<T> s, Object v) {
    boolean empty = v == null || (v instanceof List<?> l && l.isEmpty());
    boolean isDefault = String.valueOf(v).equals(String.valueOf(s.type().toJson(s.defaultValue())));
    boolean sentinel = isDefault && !"bytes".equals(s.unit()) && !s.defaultText().equals(s.type().text(s.defaultValue()));
    if ((empty || sentinel) && !s.defaultText().isEmpty()) {
      return s.defaultText(); // "each layer's own", "10 x top-k": what the unset value means
    }
    if (v instanceof Number n && "bytes".equals(s.unit())) {
      return bytes(n.longValue());
    }
    if (v instanceof Number n && s.unit() != null) {
      return String.format(Locale.ROOT, "%,d %s", n.longValue(), s.unit());
    }
    return text(v);
  }

  /** Map entries become leaves under dotted keys; everything else is a leaf. */
  private static void flatten(String key, Object value, Map<String, Object> into) {
    if (value instanceof Map<?, ?> m && !m.isEmpty()) {
      m.forEach((k, v) -> flatten(key + "." + k, v, into));
    } else {
      into.put(key, value);
    }
  }

  static String format(Field f, Object v) {
    if (f.format() == Format.SHAPE && v instanceof List<?> l) {
      return l.isEmpty() ? "none" : String.join(" × ", l.stream().map(String::valueOf).toList());
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      return text(v);
    }
    double d = n.doubleValue();
    return switch (f.format()) {
      case COUNT -> String.format(Locale.ROOT, "%,d", n.longValue());
      case SECONDS -> String.format(Locale.ROOT, d < 100 ? "%.2f s" : "%,.1f s", d);
      case RATE -> String.format(Locale.ROOT, "%,.0f %s", d, f.unit());
      case BYTES -> bytes(n.longValue());
      default -> text(v);
    };
  }

  /** 1536 bytes: "1.5 KiB"; under 1 KiB: "512 bytes". */
  static String bytes(long b) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    if (Math.abs(b) < 1024) {
      return b + " bytes";
    }
    double v = b;
    int u = -1;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /**
   * A value as plain text: no value is "none", a list its elements joined by commas, a map (inside a
   * list) its entries as "key: value" joined by semicolons.
   */
  private static String text(Object v) {
    if (v == null || (v instanceof Map<?, ?> m && m.isEmpty())) {
      return "none";
    }
    if (v instanceof Map<?, ?> m) {
      return String.join("; ", m.entrySet().stream().map(e -> e.getKey() + ": " + text(e.getValue())).toList());
    }
    if (v instanceof List<?> l) {
      return l.isEmpty() ? "none" : String.join(", ", l.stream().map(RunTable::text).toList());
    }
    return String.valueOf(v);
  }

  /** {@code dropconnect_layers}: "dropconnect layers"; a nested key's parts joined by " / ". */
  static String readable(String key) {
    return key.replace('_', ' ').replace(".", " / ");
  }
}
