package org.mcposterior.jobs.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.mcposterior.jobs.CommandSession;
import org.mcposterior.jobs.score.JobInputException;
import org.mcposterior.jobs.score.JobSettingsException;
import org.mcposterior.jobs.score.ScoringParts;
import org.mcposterior.learning.Evaluation;
import org.mcposterior.learning.LabelledSet;
import org.mcposterior.learning.Metrics;
import org.mcposterior.learning.Query;
import org.mcposterior.learning.Step;
import org.mcposterior.learning.TrainingReport;
import org.mcposterior.spark.CauseText;
import org.mcposterior.spark.RunFormat;

/**
 * {@code learn --merge}: combines finished runs (their {@code summary.json} and {@code steps.json})
 * into one output with curves over all their seeds, written like a run's own ({@link
 * LearnJob#writeAside}). Each file's format version is checked before anything else of it is
 * read ({@link RunFormat}).
 */
public final class LearnMerge {
  private LearnMerge() {}

  /**
   * Combines finished runs (their {@code summary.json} and {@code steps.json}) into one output with
   * curves over all their seeds, written as a run's own; the runs must agree on every setting but
   * seeds and heuristics, and name each (heuristic, seed) once.
   *
   * @throws JobInputException for a missing or unreadable run, differing settings or a repeated curve
   */
  public static Map<String, Object> merge(List<Path> runs, Path outPath, boolean overwrite, Consumer<String> log)
      throws IOException {
    long t0 = System.nanoTime();
    Path out = outPath.toAbsolutePath().normalize();
    if (runs.isEmpty()) {
      throw new JobInputException("--merge needs at least one finished learn output");
    }
    if (Files.exists(out) && !overwrite) {
      throw new JobInputException("output " + outPath + " already exists; choose another --out, or pass"
          + " --overwrite to replace it once the new output is complete");
    }
    ObjectMapper json = new ObjectMapper();
    Map<String, Object> first = null;
    List<String> heuristics = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    Map<String, List<StepResult>> byCurve = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (Path run : runs) {
      Path a = run.toAbsolutePath().normalize();
      if (out.startsWith(a) || a.startsWith(out)) {
        throw new JobSettingsException("--out " + outPath + " and --merge input " + run + " overlap; a run never"
            + " writes where its inputs are: choose an --out outside every --merge input"); // exit 2, as score's
      }
      ScoringParts.requireOutput("--merge", run.toString(), "learn", new org.apache.hadoop.conf.Configuration());
      JsonNode summary, steps;
      try {
        summary = json.readTree(run.resolve("summary.json").toFile());
        steps = json.readTree(run.resolve("steps.json").toFile());
      } catch (IOException e) {
        throw new JobInputException("--merge " + run + " is not a finished learn output (summary.json and"
            + " steps.json): " + CauseText.of(e), e);
      }
      RunFormat.SUMMARY.check("--merge " + run.resolve("summary.json"), summary);
      steps = stepsOf(run, steps);
      @SuppressWarnings("unchecked")
      Map<String, Object> settings = json.convertValue(summary.get("settings"), Map.class);
      Map<String, Object> comparable = new LinkedHashMap<>(settings);
      for (String k : List.of("seeds", "out", "heuristics", "overwrite", "master")) {
        comparable.remove(k);
      }
      if (first == null) {
        first = comparable;
      } else if (!first.equals(comparable)) {
        throw new JobInputException("--merge " + run + " was run with other settings than " + runs.get(0) + " ("
            + comparable + " vs " + first + "); only seeds and heuristics may differ");
      }
      for (JsonNode st : steps) {
        String h = st.get("heuristic").asText();
        long seed = st.get("seed").asLong();
        String key = h + "|" + seed;
        if (st.get("step").asInt() == 0 && byCurve.containsKey(key)) {
          throw new JobInputException("--merge: the curve of " + h + " seed " + seed + " appears in more than one run");
        }
        if (!heuristics.contains(h)) {
          heuristics.add(h);
        }
        if (!seeds.contains(seed)) {
          seeds.add(seed);
        }
        byCurve.computeIfAbsent(key, k -> new ArrayList<>()).add(step(st));
      }
      JsonNode curves = summary.get("curves");
      List<Long> runSeeds = new ArrayList<>();
      summary.get("settings").get("seeds").forEach(n -> runSeeds.add(n.asLong()));
      curves.fields().forEachRemaining(e -> {
        JsonNode secs = e.getValue().get("seconds_per_curve");
        for (int i = 0; i < secs.size() && i < runSeeds.size(); i++) {
          seconds.put(e.getKey() + "|" + runSeeds.get(i), secs.get(i).asDouble());
        }
      });
    }
    LearnSettings s = LearnSettings.fromMap(first, outPath, heuristics, seeds);
    List<LearnRun.Curve> curves = new ArrayList<>();
    for (long seed : seeds) {
      for (String h : heuristics) {
        List<StepResult> st = byCurve.get(h + "|" + seed);
        if (st != null) {
          curves.add(new LearnRun.Curve(h, seed, st, seconds.getOrDefault(h + "|" + seed, Double.NaN)));
        }
      }
    }
    for (String h : heuristics) {
      long n = curves.stream().filter(c -> c.heuristic().equals(h)).count();
      if (n != seeds.size()) {
        log.accept("learn: note: " + h + " has " + n + " of " + seeds.size() + " seeds");
      }
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    for (int i = 0; i < runs.size(); i++) {
      inputs.put("--merge " + (i + 1), runs.get(i).toString());
    }
    return LearnJob.writeAside(outPath, overwrite, inputs, tmp -> {
      try (CommandSession session = LearnJob.session(null)) {
        return LearnOutputs.writeAll(session.spark(), tmp, s, curves, t0,
            Map.of("merged_from", runs.stream().map(r -> r.toAbsolutePath().normalize().toString()).toList()));
      }
    }, () -> log.accept("learn: merged " + runs.size() + " runs into " + out));
  }

  /**
   * The list of steps in a {@code steps.json}, its format version checked ({@link RunFormat#STEPS}):
   * an object with the steps under {@code "steps"}, or, from before steps files had a version, the
   * bare list of the same steps (read as version 1).
   */
  static JsonNode stepsOf(Path run, JsonNode file) {
    String where = "--merge " + run.resolve("steps.json");
    if (file != null && file.isArray()) {
      return file;
    }
    RunFormat.STEPS.check(where, file);
    if (file == null || !file.path("steps").isArray()) {
      throw new JobInputException(where + " holds no list of steps; expected the steps.json a learn run writes");
    }
    return file.get("steps");
  }

  private static StepResult step(JsonNode n) {
    Evaluation e = new Evaluation(new Metrics(d(n, "test_accuracy"), d(n, "test_nll"), d(n, "test_ece")),
        new Metrics(d(n, "mc_accuracy"), d(n, "mc_nll"), d(n, "mc_ece")), d(n, "labelled_accuracy"));
    TrainingReport training = new TrainingReport(n.get("minibatches").asLong(), d(n, "train_seconds"),
        Long.parseUnsignedLong(n.get("start_fingerprint").asText(), 16));
    Step<Evaluation> point = new Step<>(n.get("step").asInt(), new LabelledSet(ints(n.get("labelled")),
        ints(n.get("labelled_classes"))), training, e, d(n, "eval_seconds"), new Query(ints(n.get("picked")),
        ints(n.get("picked_classes")), d(n, "score_seconds")));
    return new StepResult(n.get("heuristic").asText(), n.get("seed").asLong(), point);
  }

  private static double d(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }

  private static int[] ints(JsonNode a) {
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asInt();
    }
    return v;
  }
}
