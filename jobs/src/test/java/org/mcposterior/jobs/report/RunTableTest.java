package org.mcposterior.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run table's rows from a summary written by hand: declared values in their units, unknown ones by their key. */
class RunTableTest {
  @Test
  void knownValuesReadInTheirUnitsAndUnknownOnesByTheirKey() {
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("rows", 10_000);
    counts.put("skipped_invalid", 0);
    counts.put("new_count", 7); // a value this version does not declare
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("settings", Map.of("top_k", 5));
    summary.put("counts", counts);
    summary.put("timings", Map.of("model_seconds", 0.62638199));
    summary.put("driver_peak_heap_bytes", 3L << 29);
    summary.put("example_iterations_per_second", 123456.7);
    summary.put("input_shape", List.of(1, 28, 28));
    summary.put("future", Map.of("nested", Map.of("deeper", "x")));
    summary.put("stochastic_layers", Map.of("dense_1", "MC dropout p=0.5 on its input"));
    summary.put("listed", List.of(Map.of("a", 1)));

    Map<String, String> rows = RunTable.rows(summary);
    assertEquals("10,000", rows.get("rows read"));
    assertEquals("0", rows.get("rows skipped as invalid"));
    assertEquals("0.63 s", rows.get("model load"));
    assertEquals("1.5 GiB", rows.get("driver peak heap"));
    assertEquals("123,457 example-iterations/s", rows.get("throughput"));
    assertEquals("1 × 28 × 28", rows.get("input shape"));
    assertEquals("MC dropout p=0.5 on its input", rows.get("stochastic layer dense_1"));
    assertEquals("7", rows.get("counts.new_count"), "an unknown value, labelled by its key");
    assertEquals("x", rows.get("future.nested.deeper"));
    assertEquals("a: 1", rows.get("listed"));
    assertFalse(rows.containsKey("settings") || rows.keySet().stream().anyMatch(k -> k.startsWith("settings")),
        "the settings have their own rows: " + rows);
    assertEquals(List.of("stochastic layer dense_1", "rows read", "rows skipped as invalid", "model load"),
        rows.keySet().stream().filter(k -> List.of("rows read", "rows skipped as invalid", "model load",
            "stochastic layer dense_1").contains(k)).toList(), "known rows in the declaration's order");
    assertEquals("counts.new_count", List.copyOf(rows.keySet()).get(rows.size() - 3), "unknown rows after the known");
    for (String v : rows.values()) {
      assertFalse(v.matches(".*\\{.*=.*}.*"), "no map dump: " + v);
    }
  }

  @Test
  void settingsAreRowsLabelledAsTheirDeclarationsSay() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("top_k", 5);
    settings.put("dropconnect_layers", List.of("Linear", "Conv2d"));
    settings.put("target", null);
    settings.put("feature_cols", List.of());
    settings.put("memory_budget", 256L << 20);
    settings.put("dropout", null);
    settings.put("candidates", 0);
    settings.put("a_future_setting", 3);
    assertEquals(Map.of("top k", "5 examples", "dropconnect layers", "Linear, Conv2d", "target pool", "none",
        "feature columns", "none", "memory budget", "256.0 MiB", "dropout", "each layer's own",
        "candidates", "10 x top-k", "a future setting", "3"), RunTable.settingsRows(settings));
  }
}
