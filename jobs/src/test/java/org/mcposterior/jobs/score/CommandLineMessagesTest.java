package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The option and message defects of issue 16, each through {@code bin/mcposterior} as a separate
 * process for every command that writes (score, sample, learn): the exit code, standard error
 * (exactly one paragraph, no stack trace, no Java class names or Spark error codes) and every file
 * around the run hashed before and after.
 *
 * <p>Usage errors run with a tripwire, {@link #NO_SPARK}: a Spark listener class that does not
 * exist, so a command that starts a Spark session fails with another message and exit code; the
 * assertion that such a case is refused with exit code 2 and its own paragraph is the assertion
 * that it was refused before Spark started (no timing involved).
 *
 * <p>One model, one pool and a small Fashion-MNIST look-alike (seeded random IDX files) serve
 * every case; each case's JVM runs only as long as the case needs (the learn runs take no query
 * step), to keep the class to a few minutes on two cores.
 */
@Tag("cli")
class CommandLineMessagesTest {
  /** Makes any Spark session fail to start (Spark loads its extra listeners when the context starts). */
  static final String NO_SPARK = "-Dspark.extraListeners=org.mcposterior.NoSparkSessionMayStartInThisCase";
  /**
   * Each case's JVM runs for seconds: compiling with C1 only keeps the C2 compiler threads off the
   * two cores (about a third of such a run's time), and Spark's web UI is not started. Neither
   * changes what a command does or says.
   */
  static final String FAST_START = Launcher.FAST_START;
  static final int FEATURES = 12;

  @TempDir static Path world;
  static Path inputs;
  static Path cwd;
  static Path elsewhere;
  static Path model;
  static Path pool;
  static Path fashion;
  static Launcher cli;
  static Launcher noSpark;

  @BeforeAll
  static void setUp() throws Exception {
    inputs = Files.createDirectories(world.resolve("inputs"));
    cwd = Files.createDirectories(world.resolve("cwd"));
    // At another depth than cwd, so that a path relative to cwd names nothing from here.
    elsewhere = Files.createDirectories(world.resolve("elsewhere/deeper"));
    Path logs = Files.createDirectories(world.resolve("logs"));
    model = Fixtures.save(Networks.tabularMlp(3), inputs, "mlp.zip");
    float[][] x = Fixtures.features(1, 30, FEATURES);
    pool = Fixtures.parquetPool(SharedSpark.session(), inputs, "pool", x, 2);
    // JSON lines with line 5 cut short, as a crashed export leaves it.
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      int row = i;
      lines.add(i == 4 ? "{\"id\": \"ex-4\", \"features\": [0.25, 0.5"
          : "{\"id\": \"ex-" + i + "\", \"features\": [" + IntStream.range(0, FEATURES)
              .mapToObj(j -> Float.toString(x[row][j])).collect(Collectors.joining(", ")) + "]}");
    }
    Files.write(inputs.resolve("pool-bad.json"), lines);
    Files.writeString(inputs.resolve("pool-header-only.csv"), "id," + featureColumns() + "\n");
    Path readme = Files.createDirectories(inputs.resolve("pool-with-readme"));
    try (Stream<Path> files = Files.list(pool)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        Files.copy(f, readme.resolve(f.getFileName()));
      }
    }
    Files.writeString(readme.resolve("README.txt"), "Pool of 30 examples, exported for labelling.\n");
    fashion = fashionMnistLookAlike(Files.createDirectories(inputs.resolve("fashion")), 200, 50);
    cli = new Launcher(cwd, logs, FAST_START);
    noSpark = new Launcher(cwd, logs, FAST_START + " " + NO_SPARK);
  }

  static String featureColumns() {
    return IntStream.range(0, FEATURES).mapToObj(j -> "f" + j).collect(Collectors.joining(","));
  }

  /**
   * Fashion-MNIST's four gzipped IDX files with {@code train} and {@code test} seeded random 28 x 28
   * images, labels 0-9 in turn: what learn reads, small enough for a run of seconds.
   */
  static Path fashionMnistLookAlike(Path dir, int train, int test) throws IOException {
    SplittableRandom r = new SplittableRandom(16);
    for (String set : List.of("train", "t10k")) {
      int n = set.equals("train") ? train : test;
      try (DataOutputStream o = new DataOutputStream(gzip(dir.resolve(set + "-images-idx3-ubyte.gz")))) {
        o.writeInt(0x803);
        o.writeInt(n);
        o.writeInt(28);
        o.writeInt(28);
        byte[] pixels = new byte[n * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
          pixels[i] = (byte) r.nextInt(256);
        }
        o.write(pixels);
      }
      try (DataOutputStream o = new DataOutputStream(gzip(dir.resolve(set + "-labels-idx1-ubyte.gz")))) {
        o.writeInt(0x801);
        o.writeInt(n);
        for (int i = 0; i < n; i++) {
          o.writeByte(i % 10);
        }
      }
    }
    return dir;
  }

  private static OutputStream gzip(Path p) throws IOException {
    return new GZIPOutputStream(Files.newOutputStream(p));
  }

  static String[] score(Path out, String... more) {
    return args(List.of("score", "--model", model.toString(), "--pool", pool.toString(), "--out", out.toString(),
        "--iterations", "4", "--top-k", "5", "--seed", "3"), more);
  }

  static String[] sample(Path out, String... more) {
    return args(List.of("sample", "--model", model.toString(), "--input", pool.toString(), "--out", out.toString(),
        "--iterations", "20"), more);
  }

  /** learn on the look-alike data: no query step (step 0 trains and evaluates), tiny training. */
  static String[] learn(Path out, String... more) {
    return args(List.of("learn", "--data", fashion.toString(), "--out", out.toString(), "--pool-size", "60",
        "--initial", "10", "--query", "5", "--steps", "0", "--test-size", "20", "--epochs", "1", "--min-batches", "1",
        "--batch-size", "8", "--heuristics", "random", "--iterations", "2"), more);
  }

  static String[] args(List<String> base, String... more) {
    return Launcher.withOptions(base, more);
  }

  /**
   * {@link Launcher#refused}, and no Java class name or Spark error code in the paragraph.
   */
  static Launcher.Result refused(Launcher launcher, int code, List<String> mentions, String... args) {
    Launcher.Result r = launcher.refused(world, code, mentions, args);
    assertNoJavaOrSparkNames(r);
    return r;
  }

  /** A usage error: exit code 2, refused before any Spark session (the tripwire would fail it otherwise). */
  static Launcher.Result usage(List<String> mentions, String... args) {
    return refused(noSpark, 2, mentions, args);
  }

  /**
   * {@link Launcher#refusedTogether} with {@code launcher} (two commands at a time), and no Java
   * class name or Spark error code in any paragraph.
   */
  static List<Launcher.Result> refusedTogether(Launcher launcher, Launcher.Refusal... cases) {
    List<Launcher.Result> results = launcher.refusedTogether(world, List.of(cases));
    results.forEach(CommandLineMessagesTest::assertNoJavaOrSparkNames);
    return results;
  }

  /** Usage errors, two at a time: each as {@link #usage} checks one (exit code 2, refused before any Spark session). */
  static void usages(Launcher.Refusal... cases) {
    refusedTogether(noSpark, cases);
  }

  static Launcher.Refusal usageCase(List<String> mentions, String... args) {
    return new Launcher.Refusal(2, mentions, args);
  }

  static void assertNoJavaOrSparkNames(Launcher.Result r) {
    String err = r.stderr();
    assertFalse(err.contains("java.") || err.contains("Exception") || err.contains("org.apache"),
        "no Java class names: " + r.describe());
    assertFalse(err.contains("SQLSTATE") || err.matches("(?s).*\\[[A-Z]+_[A-Z_]+].*"),
        "no Spark error classes or SQL states: " + r.describe());
  }

  @Test
  void aDropProbabilityOfZeroIsRefusedInEveryCommand() {
    Path out = world.resolve("out-never");
    usages(
        usageCase(List.of("--dropout 0", "drops nothing", "e.g. 0.5"), score(out, "--dropout", "0")),
        usageCase(List.of("--dropconnect 0", "e.g. 0.5"), score(out, "--dropconnect", "0")),
        usageCase(List.of("--dropout 0", "drops nothing"), sample(out, "--dropout", "0")),
        usageCase(List.of("--dropconnect 0"), sample(out, "--dropconnect", "0.0")),
        // learn samples by its own dropout or by DropConnect with --weight-drop: 0 is refused, and a
        // --weight-drop that MC dropout would ignore is refused too.
        usageCase(List.of("--weight-drop = 0.0", "(0, 1)"), learn(out, "--posterior", "dropconnect", "--weight-drop", "0")),
        usageCase(List.of("--weight-drop 0.3", "--posterior dropout", "drop --weight-drop"),
            learn(out, "--weight-drop", "0.3")));
  }

  @Test
  void candidatesBelowTopKAndOptionsAHeuristicIgnoresAreUsageErrors() {
    Path out = world.resolve("out-never");
    usages(
        usageCase(List.of("--candidates = 3 is below --top-k = 10", "--candidates 10 or more"),
            score(out, "--heuristic", "batch_bald", "--candidates", "3", "--top-k", "10")),
        usageCase(List.of("--candidates = 3 is below --top-k = 10", "epig"),
            score(out, "--heuristic", "epig", "--target", pool.toString(), "--candidates", "3", "--top-k", "10")),
        usageCase(List.of("--candidates = 30", "--heuristic bald"), score(out, "--candidates", "30")),
        usageCase(List.of("--target", "--heuristic entropy"),
            score(out, "--heuristic", "entropy", "--target", pool.toString())),
        usageCase(List.of("--candidates = 10 is below --query = 20"),
            learn(out, "--heuristics", "random,batch_bald", "--candidates", "10", "--query", "20", "--pool-size", "100")),
        usageCase(List.of("--candidates = 50", "no joint heuristic"), learn(out, "--candidates", "50")));
  }

  @Test
  void sizesTheArgumentsDecideAreRefusedBeforeSparkStarts() {
    Path out = world.resolve("out-never");
    usages(
        usageCase(List.of("--iterations = 2000000000", "at least"), score(out, "--iterations", "2000000000")),
        usageCase(List.of("--batch-size = 1000000", "--batch-size at most"),
            score(out, "--batch-size", "1000000", "--iterations", "4000")),
        usageCase(List.of("--memory-budget", "maxbytes"), score(out, "--memory-budget", "64g")),
        usageCase(List.of("--heuristic batch_bald holds the samples of 100000000 candidates"),
            score(out, "--heuristic", "batch_bald", "--candidates", "100000000", "--iterations", "1000")),
        usageCase(List.of("--iterations = 2000000000", "sample holds"), sample(out, "--iterations", "2000000000")),
        usageCase(List.of("--iterations = 2000000000", "MC-mean"), learn(out, "--iterations", "2000000000")));
  }

  @Test
  void anOutOverlappingAnInputIsAUsageErrorInEveryCommand() {
    // score's cases (exit code 2) are CommandLineSafetyTest's; the same error has the same exit code here.
    refused(cli, 2, List.of("--out", "lies inside --input"), sample(pool.resolve("samples")));
    usage(List.of("--merge input", "overlap"), "learn", "--merge", inputs.toString(), "--out",
        inputs.resolve("merged").toString());
    usage(List.of("--data", "overlap"), learn(fashion.resolve("out")));
  }

  @Test
  void aMalformedJsonLineIsNamedByFileLineAndText() {
    Path bad = inputs.resolve("pool-bad.json");
    Path out = world.resolve("out-never");
    List<String> mentions = List.of("1 malformed JSON line", "line 5 of pool-bad.json", "{\"id\": \"ex-4\"",
        "fix or remove the line");
    for (Launcher.Result r : refusedTogether(cli,
        new Launcher.Refusal(1, mentions, score(out, "--pool", bad.toString(), "--format", "json")),
        new Launcher.Refusal(1, mentions, sample(world.resolve("out-never-sample"), "--input", bad.toString())))) {
      assertFalse(r.stderr().contains("null id"), r.describe());
    }
  }

  @Test
  void aHeaderOnlyCsvIsAnEmptyPool() {
    Path csv = inputs.resolve("pool-header-only.csv");
    Path out = world.resolve("out-never");
    List<String> mentions = List.of("pool-header-only.csv is empty", "header line but no rows");
    for (Launcher.Result r : refusedTogether(cli,
        new Launcher.Refusal(1, mentions, score(out, "--pool", csv.toString(), "--format", "csv", "--feature-cols",
            featureColumns())),
        new Launcher.Refusal(1, mentions, sample(world.resolve("out-never-sample"), "--input", csv.toString(),
            "--feature-cols", featureColumns())))) {
      assertFalse(r.stderr().contains("type string"), r.describe());
    }
  }

  @Test
  void aStrayFileInAParquetFolderIsNamed() {
    Path folder = inputs.resolve("pool-with-readme");
    Path out = world.resolve("out-never");
    List<String> mentions = List.of("README.txt", "not parquet", "remove or move it out of " + folder);
    for (Launcher.Result r : refusedTogether(cli,
        new Launcher.Refusal(1, mentions, score(out, "--pool", folder.toString())),
        new Launcher.Refusal(1, mentions, sample(world.resolve("out-never-sample"), "--input", folder.toString(), "--format",
            "parquet")))) {
      assertFalse(r.stderr().contains("pass --format"), "the format is right, the folder is not: " + r.describe());
    }
  }

  /**
   * A full disk, for real: a small tmpfs (the tests run as root in CI, which may mount; elsewhere
   * this is skipped, saying why). The paragraph names the cause without the Java name of the error
   * Hadoop wraps it in, and the partial output is removed.
   */
  @Test
  void aFullDiskIsOneParagraphWithoutJavaNamesInSampleAndLearn() throws Exception {
    Path full = Files.createDirectories(world.resolve("logs/full-disk"));
    Assumptions.assumeTrue(CommandLineSafetyTest.mount(full, "size=48k"), "needs root to mount a tmpfs");
    try {
      // score's full disk is CommandLineSafetyTest's case (which checks its paragraph the same way).
      for (String[] args : List.of(sample(full.resolve("out"), "--iterations", "2000"), learn(full.resolve("out")))) {
        Launcher.Result r = cli.run(args);
        assertEquals(1, r.exitCode(), r.describe());
        assertTrue(r.progressThenOneParagraph(), r.describe());
        assertTrue(r.stderr().contains("a disk filled up while the run was writing (No space left on device)"),
            r.describe());
        assertNoJavaOrSparkNames(r);
        try (Stream<Path> left = Files.list(full)) {
          assertEquals(List.of(), left.toList(), "the partial output is removed: " + String.join(" ", args));
        }
      }
    } finally {
      CommandLineSafetyTest.umount(full);
    }
  }

  /**
   * Summaries name their inputs and output by fully qualified paths: runs started with relative
   * paths from one folder, a report made from another. An older summary's relative path that does
   * not resolve from the report's folder is one paragraph that says so.
   */
  @Test
  void summariesHoldQualifiedPathsSoReportWorksFromAnotherFolder() throws Exception {
    String relModel = "../inputs/mlp.zip", relPool = "../inputs/pool";
    Launcher.Result s = cli.run("score", "--model", relModel, "--pool", relPool, "--out", "scored", "--iterations", "4",
        "--top-k", "5");
    assertEquals(0, s.exitCode(), s.describe());
    JsonNode settings = settings(cwd.resolve("scored"));
    assertQualified(settings, "model", model);
    assertQualified(settings, "pool", pool);
    assertQualified(settings, "out", cwd.resolve("scored"));

    Launcher inElsewhere = new Launcher(elsewhere, world.resolve("logs"), FAST_START);
    // No samples were written, so the report resamples its picks: it reads the model and the pool.
    Launcher.Result report = inElsewhere.run("report", "--scores", cwd.resolve("scored").toString(), "--out",
        "report.html");
    assertEquals(0, report.exitCode(), report.describe());
    assertTrue(Files.size(elsewhere.resolve("report.html")) > 0);

    Launcher.Result m = cli.run("sample", "--model", relModel, "--input", relPool, "--out", "sampled", "--iterations",
        "10");
    assertEquals(0, m.exitCode(), m.describe());
    JsonNode sampled = settings(cwd.resolve("sampled"));
    assertQualified(sampled, "model", model);
    assertQualified(sampled, "input", pool);
    assertQualified(sampled, "out", cwd.resolve("sampled"));

    Launcher.Result l = cli.run(learn(Path.of("learned"), "--data", "../inputs/fashion"));
    assertEquals(0, l.exitCode(), l.describe());
    JsonNode learned = settings(cwd.resolve("learned"));
    assertEquals(fashion.toRealPath(), Path.of(learned.get("data").asText()).toRealPath(), learned.toString());
    assertTrue(Path.of(learned.get("data").asText()).isAbsolute(), learned.toString());
    assertEquals(cwd.resolve("learned").toRealPath(), Path.of(learned.get("out").asText()).toRealPath());

    // An output whose summary holds the relative paths an older mcposterior stored.
    Path old = world.resolve("older-output");
    copyTree(cwd.resolve("scored"), old);
    Files.deleteIfExists(old.resolve(".summary.json.crc")); // Hadoop's checksum of the file rewritten here
    ObjectMapper json = new ObjectMapper();
    JsonNode summary = json.readTree(old.resolve("summary.json").toFile());
    ((ObjectNode) summary.get("settings")).put("model", relModel).put("pool", relPool);
    json.writerWithDefaultPrettyPrinter().writeValue(old.resolve("summary.json").toFile(), summary);
    // ... with a manifest that matches it, so that the report reads it (an output without one is refused first)
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(old.toUri());
    org.mcposterior.spark.RunManifest.of(fs, dir, java.util.UUID.randomUUID().toString(), "score", java.util.Set.of())
        .write(fs, dir);
    Launcher.Result r = refused(inElsewhere, 1, List.of("the run's --pool ../inputs/pool", "is a relative path",
        "does not exist", "run the report from the folder the score run was started in"), "report", "--scores",
        old.toString(), "--out", "old-report.html");
    assertFalse(r.stderr().contains("PATH_NOT_FOUND"), r.describe());
  }

  static JsonNode settings(Path out) throws IOException {
    return new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("settings");
  }

  /** {@code settings.key} is a {@code file:} URI of {@code expected}'s real path. */
  static void assertQualified(JsonNode settings, String key, Path expected) throws IOException {
    String v = settings.get(key).asText();
    assertTrue(v.startsWith("file:/"), key + " = " + v + " is a qualified local path");
    assertEquals(expected.toRealPath(), Path.of(URI.create(v)).toRealPath(), key + " = " + v);
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
