package org.mcposterior.jobs.learn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.spark.RunFormat;
import org.mcposterior.training.CurveSummary;

/**
 * What a learn output holds besides its page: the summary (settings, machine, per-heuristic
 * curves summarised over seeds, labels to reach Random's final accuracy, timings) and the files
 * {@code summary.json}, {@code steps.json} and {@code steps/} (Parquet, one row per step). Both
 * JSON files begin with their format version and the versions that wrote them ({@link RunFormat});
 * {@code steps.json} holds the steps under {@code "steps"}, one object per step.
 */
final class LearnOutputs {
  /** Curve metrics summarised over seeds, in the summary and the page. */
  static final List<String> METRICS = List.of("test_accuracy", "test_nll", "test_ece", "mc_accuracy", "mc_nll", "mc_ece",
      "labelled_accuracy");

  private LearnOutputs() {}

  /** heuristic -> metric -> the metric's curve summarised over seeds. */
  static Map<String, Map<String, CurveSummary>> summaries(LearnSettings s, List<LearnRun.Curve> curves) {
    Map<String, Map<String, CurveSummary>> out = new LinkedHashMap<>();
    for (String h : s.heuristics()) {
      List<LearnRun.Curve> mine = curves.stream().filter(c -> c.heuristic().equals(h)).toList();
      int[] labels = mine.get(0).steps().stream().mapToInt(StepResult::labels).toArray();
      Map<String, CurveSummary> byMetric = new LinkedHashMap<>();
      for (String metric : METRICS) {
        List<double[]> values = new ArrayList<>();
        for (LearnRun.Curve c : mine) {
          values.add(c.steps().stream().mapToDouble(st -> st.metric(metric)).toArray());
        }
        byMetric.put(metric, CurveSummary.of(labels, values));
      }
      out.put(h, byMetric);
    }
    return out;
  }

  /** Settings, per-heuristic curves (mean and sd over seeds), labels to reach Random's final accuracy, timings. */
  static Map<String, Object> summary(LearnSettings s, List<LearnRun.Curve> curves,
      Map<String, Map<String, CurveSummary>> bySeeds, double seconds) {
    Map<String, Object> m = new LinkedHashMap<>(RunFormat.SUMMARY.header());
    m.put("status", "succeeded");
    m.put("settings", s.toMap());
    m.put("machine", machine());
    Map<String, Object> byHeuristic = new LinkedHashMap<>();
    bySeeds.forEach((h, metrics) -> {
      Map<String, Object> hm = new LinkedHashMap<>();
      hm.put("labels", metrics.get("test_accuracy").labels());
      hm.put("seeds", metrics.get("test_accuracy").seeds());
      metrics.forEach((metric, cs) -> hm.put(metric, Map.of("mean", cs.mean(), "sd", cs.sd())));
      hm.put("seconds_per_curve", curves.stream().filter(c -> c.heuristic().equals(h))
          .mapToDouble(LearnRun.Curve::seconds).toArray());
      byHeuristic.put(h, hm);
    });
    m.put("curves", byHeuristic);
    String random = Heuristic.RANDOM.label();
    if (bySeeds.containsKey(random)) {
      double target = bySeeds.get(random).get("test_accuracy").last();
      Map<String, Object> reach = new LinkedHashMap<>();
      reach.put("random_accuracy_at_budget", target);
      reach.put("budget", s.budget());
      Map<String, Object> labels = new LinkedHashMap<>();
      bySeeds.forEach((h, metrics) -> {
        int n = metrics.get("test_accuracy").labelsToReach(target);
        labels.put(h, n < 0 ? null : n);
      });
      reach.put("labels_needed", labels);
      m.put("labels_to_reach_random", reach);
    }
    m.put("total_seconds", seconds);
    return m;
  }

  /** CPU model and BLAS kernel, so every figure says where it was measured. */
  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    String cpu = "unknown";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException e) {
      cpu = "unknown (" + e.getMessage() + ")";
    }
    m.put("cpu", cpu);
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("openblas_coretype", System.getenv("OPENBLAS_CORETYPE"));
    m.put("java", System.getProperty("java.version"));
    return m;
  }

  /**
   * Everything an output holds, into {@code dir}: the summary of {@code curves} (with {@code extra}
   * entries added), steps as JSON and Parquet, and the curves page; returns the summary.
   */
  static Map<String, Object> writeAll(SparkSession spark, Path dir, LearnSettings s, List<LearnRun.Curve> curves,
      long t0, Map<String, Object> extra) throws IOException {
    Map<String, Map<String, CurveSummary>> bySeeds = summaries(s, curves);
    Map<String, Object> summary = summary(s, curves, bySeeds, (System.nanoTime() - t0) / 1e9);
    summary.putAll(extra);
    write(spark, dir, summary, curves);
    Files.writeString(dir.resolve("curves.html"), CurvesPage.html(s, bySeeds, summary));
    return summary;
  }

  /** Writes {@code summary.json}, {@code steps.json} and {@code steps/} (Parquet) into {@code dir}. */
  static void write(SparkSession spark, Path dir, Map<String, Object> summary, List<LearnRun.Curve> curves)
      throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(dir.resolve("summary.json").toFile(), summary);
    List<Map<String, Object>> steps = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (LearnRun.Curve c : curves) {
      for (StepResult st : c.steps()) {
        steps.add(st.toMap());
        List<Object> v = new ArrayList<>(List.of(st.heuristic(), st.seed(), st.step(), st.labels()));
        for (String metric : METRICS) {
          v.add(st.metric(metric));
        }
        var p = st.point();
        v.addAll(List.of(p.training().minibatches(), p.training().seconds(), p.evalSeconds(), p.query().seconds(),
            boxed(p.query().picked()), boxed(p.query().classCounts()), boxed(p.labelled().classCounts()),
            boxed(p.labelled().positions())));
        rows.add(RowFactory.create(v.toArray()));
      }
    }
    Map<String, Object> stepsFile = new LinkedHashMap<>(RunFormat.STEPS.header());
    stepsFile.put("steps", steps);
    json.writeValue(dir.resolve("steps.json").toFile(), stepsFile);
    List<StructField> f = new ArrayList<>();
    f.add(DataTypes.createStructField("heuristic", DataTypes.StringType, false));
    f.add(DataTypes.createStructField("seed", DataTypes.LongType, false));
    f.add(DataTypes.createStructField("step", DataTypes.IntegerType, false));
    f.add(DataTypes.createStructField("labels", DataTypes.IntegerType, false));
    for (String metric : METRICS) {
      f.add(DataTypes.createStructField(metric, DataTypes.DoubleType, false));
    }
    f.add(DataTypes.createStructField("minibatches", DataTypes.LongType, false));
    for (String t : List.of("train_seconds", "eval_seconds", "score_seconds")) {
      f.add(DataTypes.createStructField(t, DataTypes.DoubleType, false));
    }
    for (String a : List.of("picked", "picked_classes", "labelled_classes", "labelled")) {
      f.add(DataTypes.createStructField(a, DataTypes.createArrayType(DataTypes.IntegerType, false), false));
    }
    spark.createDataFrame(rows, DataTypes.createStructType(f)).coalesce(1).write().parquet(dir.resolve("steps").toString());
  }

  private static Integer[] boxed(int[] a) {
    Integer[] b = new Integer[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
