package org.mcposterior.jobs.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.mcposterior.jobs.score.InvalidInputException;
import org.mcposterior.training.ActivePool;
import org.mcposterior.training.CurveSummary;

/**
 * A whole {@code learn} run: checks (settings, output, data files, every seed's pool) before any
 * training, the loop ({@link LearnRun}), and the outputs, written to a sibling
 * {@code <out>.tmp-<uuid>} and renamed into {@code --out} only when complete, so a failed run
 * leaves nothing in {@code --out} (and an {@code --overwrite} rerun keeps the old output until
 * the new one is whole).
 */
public final class LearnJob {
  /** Curve metrics summarised over seeds, in the summary and the page. */
  static final List<String> METRICS = List.of("test_accuracy", "test_nll", "test_ece", "mc_accuracy", "mc_nll", "mc_ece",
      "labelled_accuracy");

  private LearnJob() {}

  /** Runs the loop and writes its outputs; returns the summary (also in {@code <out>/summary.json}). */
  public static Map<String, Object> run(LearnSettings s, Consumer<String> log) throws IOException {
    long t0 = System.nanoTime();
    Path out = s.out().toAbsolutePath().normalize();
    Path data = s.data().toAbsolutePath().normalize();
    if (out.startsWith(data) || data.startsWith(out)) {
      throw new InvalidInputException("--out " + s.out() + " and --data " + s.data() + " overlap; a run never writes"
          + " into its input: choose an --out outside the data directory");
    }
    if (Files.exists(out) && !s.overwrite()) {
      throw new InvalidInputException("output " + s.out() + " already exists; choose another --out, or pass"
          + " --overwrite to replace it once the new output is complete");
    }
    s.requireData();
    LearnRun.Data d;
    try {
      d = LearnRun.Data.load(s);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read Fashion-MNIST from --data " + s.data() + ": " + e.getMessage()
          + "; expected the gzipped IDX files of Debian's dataset-fashion-mnist package", e);
    }
    for (long seed : s.seeds()) { // refuses a pool too small for a balanced initial set, before any training
      ActivePool.draw(d.train().labels(), LearnRun.CLASSES, s.poolSize(), s.initial(), seed);
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    Thread cleanup = cleanupOnExit(tmp);
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = session(s.master());
    try {
      List<LearnRun.Curve> curves = new LearnRun(s, spark, tmp.resolve("work"), log).run(d);
      LearnRun.deleteTree(tmp.resolve("work"));
      Map<String, Map<String, CurveSummary>> bySeeds = summaries(s, curves);
      Map<String, Object> summary = summary(s, curves, bySeeds, (System.nanoTime() - t0) / 1e9);
      writeOutputs(spark, tmp, summary, curves);
      Files.writeString(tmp.resolve("curves.html"), CurvesPage.html(s, bySeeds, summary));
      commit(tmp, out);
      log.accept("learn: wrote " + out.resolve("summary.json") + ", steps.json, steps/ and curves.html");
      return summary;
    } catch (Throwable e) {
      LearnRun.deleteTree(tmp);
      throw e;
    } finally {
      removeHook(cleanup);
      if (ownSession) {
        spark.stop();
      }
    }
  }

  /**
   * Deletes the temporary output if the JVM is stopped (SIGTERM, Ctrl-C) before the run ends: the
   * main thread's own clean-up does not run then.
   */
  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting (Spark exits it on an executor OutOfMemoryError): the hook runs and
      // deletes the temporary output; the run's own exception is the one to report.
    }
  }

  private static Thread cleanupOnExit(Path tmp) {
    Thread t = new Thread(() -> {
      try {
        LearnRun.deleteTree(tmp);
      } catch (IOException e) {
        System.err.println("mcposterior learn: could not delete " + tmp + " on exit: " + e.getMessage());
      }
    }, "mcposterior-learn-cleanup");
    Runtime.getRuntime().addShutdownHook(t);
    return t;
  }

  /**
   * Combines finished runs (their {@code summary.json} and {@code steps.json}) into one output with
   * curves over all their seeds, written as a run's own; the runs must agree on every setting but
   * seeds and heuristics, and name each (heuristic, seed) once.
   *
   * @throws InvalidInputException for a missing or unreadable run, differing settings or a repeated curve
   */
  public static Map<String, Object> merge(List<Path> runs, Path outPath, boolean overwrite, Consumer<String> log)
      throws IOException {
    long t0 = System.nanoTime();
    Path out = outPath.toAbsolutePath().normalize();
    if (runs.isEmpty()) {
      throw new InvalidInputException("--merge needs at least one finished learn output");
    }
    if (Files.exists(out) && !overwrite) {
      throw new InvalidInputException("output " + outPath + " already exists; choose another --out, or pass"
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
        throw new InvalidInputException("--out " + outPath + " and --merge input " + run + " overlap; choose another --out");
      }
      JsonNode summary, steps;
      try {
        summary = json.readTree(run.resolve("summary.json").toFile());
        steps = json.readTree(run.resolve("steps.json").toFile());
      } catch (IOException e) {
        throw new InvalidInputException("--merge " + run + " is not a finished learn output (summary.json and"
            + " steps.json): " + e.getMessage(), e);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> settings = json.convertValue(summary.get("settings"), Map.class);
      Map<String, Object> comparable = new LinkedHashMap<>(settings);
      for (String k : List.of("seeds", "out", "heuristics")) {
        comparable.remove(k);
      }
      if (first == null) {
        first = comparable;
      } else if (!first.equals(comparable)) {
        throw new InvalidInputException("--merge " + run + " was run with other settings than " + runs.get(0) + " ("
            + comparable + " vs " + first + "); only seeds and heuristics may differ");
      }
      for (JsonNode st : steps) {
        String h = st.get("heuristic").asText();
        long seed = st.get("seed").asLong();
        String key = h + "|" + seed;
        if (st.get("step").asInt() == 0 && byCurve.containsKey(key)) {
          throw new InvalidInputException("--merge: the curve of " + h + " seed " + seed + " appears in more than one run");
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
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = session(null);
    try {
      Map<String, Map<String, CurveSummary>> bySeeds = summaries(s, curves);
      Map<String, Object> summary = summary(s, curves, bySeeds, (System.nanoTime() - t0) / 1e9);
      summary.put("merged_from", runs.stream().map(Path::toString).toList());
      writeOutputs(spark, tmp, summary, curves);
      Files.writeString(tmp.resolve("curves.html"), CurvesPage.html(s, bySeeds, summary));
      commit(tmp, out);
      log.accept("learn: merged " + runs.size() + " runs into " + out);
      return summary;
    } catch (Throwable e) {
      LearnRun.deleteTree(tmp);
      throw e;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }

  private static StepResult step(JsonNode n) {
    return new StepResult(n.get("heuristic").asText(), n.get("seed").asLong(), n.get("step").asInt(), n.get("labels").asInt(),
        d(n, "test_accuracy"), d(n, "test_nll"), d(n, "test_ece"), d(n, "mc_accuracy"), d(n, "mc_nll"), d(n, "mc_ece"),
        d(n, "labelled_accuracy"), n.get("minibatches").asLong(), Long.parseUnsignedLong(n.get("start_fingerprint").asText(), 16),
        d(n, "train_seconds"), d(n, "eval_seconds"), d(n, "score_seconds"), ints(n.get("picked")),
        ints(n.get("picked_classes")), ints(n.get("labelled_classes")), ints(n.get("labelled")));
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

  /** A Spark session on the master spark-submit gave, else {@code master}, else local[*]. */
  static SparkSession session(String master) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName("mcposterior learn");
    if (master != null) {
      b = b.master(master);
    } else if (!conf.contains("spark.master")) {
      b = b.master("local[*]");
    }
    return b.config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "16"))
        .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false")).getOrCreate();
  }

  private static void commit(Path tmp, Path out) throws IOException {
    Path old = null;
    if (Files.exists(out)) {
      old = out.resolveSibling(out.getFileName() + ".old-" + UUID.randomUUID());
      Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      LearnRun.deleteTree(old);
    }
  }

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
          values.add(c.steps().stream().mapToDouble(st -> value(st, metric)).toArray());
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
    Map<String, Object> m = new LinkedHashMap<>();
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
    if (bySeeds.containsKey("random")) {
      double target = bySeeds.get("random").get("test_accuracy").last();
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

  static double value(StepResult st, String metric) {
    return switch (metric) {
      case "test_accuracy" -> st.testAccuracy();
      case "test_nll" -> st.testNll();
      case "test_ece" -> st.testEce();
      case "mc_accuracy" -> st.mcAccuracy();
      case "mc_nll" -> st.mcNll();
      case "mc_ece" -> st.mcEce();
      case "labelled_accuracy" -> st.labelledAccuracy();
      default -> throw new IllegalArgumentException("no metric " + metric);
    };
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

  private static void writeOutputs(SparkSession spark, Path dir, Map<String, Object> summary, List<LearnRun.Curve> curves)
      throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(dir.resolve("summary.json").toFile(), summary);
    List<Map<String, Object>> steps = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (LearnRun.Curve c : curves) {
      for (StepResult st : c.steps()) {
        steps.add(st.toMap());
        rows.add(RowFactory.create(st.heuristic(), st.seed(), st.step(), st.labels(), st.testAccuracy(), st.testNll(),
            st.testEce(), st.mcAccuracy(), st.mcNll(), st.mcEce(), st.labelledAccuracy(), st.minibatches(),
            st.trainSeconds(), st.evalSeconds(), st.scoreSeconds(), boxed(st.picked()), boxed(st.pickedClasses()),
            boxed(st.labelledClasses()), boxed(st.labelled())));
      }
    }
    json.writeValue(dir.resolve("steps.json").toFile(), steps);
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
