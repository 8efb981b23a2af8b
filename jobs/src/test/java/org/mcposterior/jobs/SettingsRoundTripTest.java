package org.mcposterior.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.mcposterior.jobs.learn.LearnCommand;
import org.mcposterior.jobs.learn.LearnSettings;
import org.mcposterior.jobs.report.ReportSettings;
import org.mcposterior.jobs.sample.SampleSettings;
import org.mcposterior.jobs.score.ScoreSettings;
import org.mcposterior.settings.Setting;
import org.mcposterior.settings.SettingValues;
import org.mcposterior.spark.ScorerSettings;
import picocli.CommandLine;

/**
 * Every declared setting of every command round-trips: given on the command line with a value
 * other than its default, it reaches the settings value, and the summary's settings block
 * (written as JSON, as summary.json is) reads back into an equal settings value. The cases must
 * together give every declared setting a non-default value, so a new setting without a case fails
 * here; settings that exclude each other (--features-col, --feature-cols) are in separate cases.
 */
class SettingsRoundTripTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The command line of one case: option to text (a flag's text is ignored). */
  private static List<String> args(List<? extends Setting<?>> declared, Map<String, String> given) {
    List<String> args = new ArrayList<>();
    for (Setting<?> s : declared) {
      if (given.containsKey(s.key())) {
        args.add(s.option());
        if (!s.isFlag()) {
          args.add(given.get(s.key()));
        }
      }
    }
    assertEquals(given.size(), args.stream().filter(a -> a.startsWith("--")).count(),
        "every given key is a declared setting with an option: " + given.keySet());
    return args;
  }

  /** Each setting of {@code given} holds a value other than its default in {@code values}. */
  private static void assertNonDefault(List<? extends Setting<?>> declared, SettingValues values, Set<String> given) {
    for (Setting<?> s : declared) {
      if (given.contains(s.key())) {
        assertNotEquals(s.defaultValue(), values.get(s), s.key() + " was given a value other than its default");
      }
    }
  }

  private static Map<String, Object> throughJson(Map<String, Object> m) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> back = JSON.readValue(JSON.writeValueAsString(m), Map.class);
    return back;
  }

  private static <C> C parse(C command, List<String> args) {
    new CommandLine(command).parseArgs(args.toArray(new String[0]));
    return command;
  }

  private static void assertCovered(List<? extends Setting<?>> declared, List<Map<String, String>> cases) {
    Set<String> covered = new HashSet<>();
    cases.forEach(c -> covered.addAll(c.keySet()));
    for (Setting<?> s : declared) {
      if (s.option() != null) {
        assertTrue(covered.contains(s.key()), "no case gives " + s.option() + " a non-default value");
      }
    }
  }

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void everyScoreSettingRoundTripsThroughTheCommandLineAndTheSummary() throws Exception {
    Map<String, String> common = map("model", "/m/model.zip", "pool", "/p/pool", "out", "/o/out", "format", "delta",
        "pool_version", "3", "target_version", "4", "out_table", "db.scores", "out_table_format", "iceberg", "top_k", "7", "target", "/t/target", "overwrite", "", "resume", "", "master", "local[2]", "id_col", "key",
        "input_shape", "2,5", "iterations", "7", "seed", "9", "mode", "consistent", "heuristic", "epig", "beta", "0.5",
        "write_samples", "", "batch_size", "64", "memory_budget", "64m", "dropout", "0.3", "dropconnect", "0.2",
        "dropconnect_layers", "Linear,Conv2d", "probabilities", "logits", "output_kind", "classes", "reduction", "max",
        "on_invalid", "skip", "partitions", "3", "iteration_shards", "7", "candidates", "10");
    Map<String, String> byColumn = new LinkedHashMap<>(common);
    byColumn.put("features_col", "x");
    Map<String, String> byColumns = new LinkedHashMap<>(common);
    byColumns.put("feature_cols", "a,b");
    List<Setting<?>> declared = new ArrayList<>(ScoreSettings.DECLARED);
    declared.addAll(ScorerSettings.DECLARED);
    assertCovered(declared, List.of(byColumn, byColumns));
    for (Map<String, String> c : List.of(byColumn, byColumns)) {
      ScoreSettings s = parse(new ScoreCommand(), args(declared, c)).settings();
      assertNonDefault(ScoreSettings.DECLARED, s.run(), c.keySet());
      assertNonDefault(ScorerSettings.DECLARED, s.scorer().values(), c.keySet());
      ScoreSettings back = ScoreSettings.fromMap(throughJson(s.toMap()));
      assertEquals(s, back, "the summary reads back as the settings it was written from");
      assertEquals(s.toMap(), back.toMap());
    }
  }

  @Test
  void everySampleSettingRoundTrips() throws Exception {
    Map<String, String> common = map("model", "/m/model.zip", "input", "/i/in.parquet", "out", "/o/out",
        "format", "json", "id_col", "key", "input_shape", "2,5", "iterations", "7", "seed", "9", "mode", "consistent",
        "dropout", "0.3", "dropconnect", "0.2", "dropconnect_layers", "Linear,Conv2d", "overwrite", "", "bins", "20",
        "master", "local[2]");
    Map<String, String> byColumn = new LinkedHashMap<>(common);
    byColumn.put("features_col", "x");
    Map<String, String> byColumns = new LinkedHashMap<>(common);
    byColumns.put("feature_cols", "a,b");
    Map<String, String> example = map("example", "dropconnect", "out", "/o/out");
    assertCovered(SampleSettings.DECLARED, List.of(byColumn, byColumns, example));
    for (Map<String, String> c : List.of(byColumn, byColumns, example)) {
      SampleSettings s = parse(new SampleCommand(), args(SampleSettings.DECLARED, c)).settings();
      assertNonDefault(SampleSettings.DECLARED, s.values(), c.keySet());
      assertEquals(s, SampleSettings.fromMap(throughJson(s.toMap())));
    }
    SampleSettings ex = parse(new SampleCommand(), args(SampleSettings.DECLARED, example)).settings();
    assertEquals(0.9, ex.dropConnect(), "the DropConnect example's reference weight drop");
    assertEquals(ex.dropConnect(), ex.scorer().dropConnect(), "the example samples as its settings say");
  }

  @Test
  void everyLearnSettingRoundTrips() throws Exception {
    Map<String, String> c = map("data", "/d/fashion", "out", "/o/out", "overwrite", "", "network", "cnn",
        "posterior", "dropconnect", "weight_drop", "0.25", "iterations", "7", "heuristics", "bald,batch_bald",
        "seeds", "3,4", "pool_size", "500", "initial", "30", "query", "15", "steps", "4", "test_size", "200",
        "learning_rate", "0.01", "l2", "0.001", "epochs", "3", "batch_size", "16", "min_batches", "10",
        "candidates", "40", "master", "local[2]");
    assertCovered(LearnSettings.DECLARED, List.of(c));
    LearnSettings s = parse(new LearnCommand(), args(LearnSettings.DECLARED, c)).settings();
    assertNonDefault(LearnSettings.DECLARED, s.values(), c.keySet());
    Map<String, Object> written = throughJson(s.toMap());
    assertTrue(written.get("training") instanceof Map<?, ?> t && t.containsKey("learning_rate"),
        "the training settings are the summary's training block: " + written);
    assertEquals(s, LearnSettings.fromMap(written));
  }

  @Test
  void everyReportSettingReachesTheSettings() {
    Map<String, String> c = map("scores", "/s/run", "out", "/o/r.html", "overwrite", "", "label_col", "label",
        "input_shape", "1,28,28", "table_rows", "10", "picks", "5", "bins", "20", "master", "local[2]");
    assertCovered(ReportSettings.DECLARED, List.of(c));
    ReportCommand command = parse(new ReportCommand(), args(ReportSettings.DECLARED, c));
    assertNonDefault(ReportSettings.DECLARED, command.settings().values(), c.keySet());
  }

  /** The help of each option says its default, from the declaration (the builder's default is the same value). */
  @Test
  void helpShowsTheDeclaredDefaults() {
    String help = new CommandLine(new ScoreCommand()).getUsageMessage().replaceAll("\\s+", " ");
    for (Setting<?> s : ScorerSettings.DECLARED) {
      assertTrue(help.contains(s.option()), s.option() + " in score --help");
    }
    assertTrue(help.contains("(default 20)"), help);
    assertTrue(help.contains("(default 256m)"), help);
    String sample = new CommandLine(new SampleCommand()).getUsageMessage().replaceAll("\\s+", " ");
    assertTrue(sample.contains("(default 10000)"), "sample's own default iterations: " + sample);
    assertFalse(sample.contains("--heuristic"), "sample takes no heuristic");
  }

  /** A value that is not of its setting's type is refused as picocli refuses a bad int, naming the option. */
  @Test
  void aBadValueNamesTheOptionAndWhatWasExpected() {
    Function<String[], String> refusal = a -> {
      try {
        new CommandLine(new ScoreCommand()).parseArgs(a);
        return "accepted";
      } catch (CommandLine.ParameterException e) {
        return e.getMessage();
      }
    };
    assertEquals("Invalid value for option '--iterations': 'ten' is not an int", refusal.apply(new String[] {
        "--iterations", "ten"}));
    assertTrue(refusal.apply(new String[] {"--mode", "sometimes"}).contains("'sometimes' is not a mask mode"));
    assertTrue(refusal.apply(new String[] {"--memory-budget", "lots"}).contains("'lots' is not a byte count"));
  }
}
