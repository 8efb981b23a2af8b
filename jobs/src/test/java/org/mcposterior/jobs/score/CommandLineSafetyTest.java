package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The defects of issue 8, each through {@code bin/mcposterior} as a separate process, the way a
 * user or a scheduler meets them: the exit code, standard error (one paragraph, no stack trace) and
 * every file around the run compared byte for byte before and after; including the concurrent
 * cases (two runs on one {@code --out}, a folder made at {@code --out} during a run, SIGKILL of the
 * driver and a rerun), made deterministic by pausing the run before its commit ({@link PauseBeforeCommit}).
 */
@Tag("cli")
class CommandLineSafetyTest {
  static SparkSession spark;
  @TempDir static Path world;
  static Path inputs;
  static Path model;
  static Path pool;
  static Launcher cli;
  static int n;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    inputs = Files.createDirectories(world.resolve("inputs"));
    model = Fixtures.save(Networks.tabularMlp(3), inputs, "mlp.zip");
    pool = Fixtures.parquetPool(spark, inputs, "pool", Fixtures.features(1, 30, 12), 2);
    spark.read().parquet(pool.toString()).coalesce(1).write().json(inputs.resolve("pool-json").toString());
    spark.read().parquet(pool.toString()).selectExpr("id", "features[0] as a", "features[1] as b").coalesce(1).write()
        .option("header", "true").csv(inputs.resolve("pool-csv").toString());
    cli = new Launcher(Files.createDirectories(world.resolve("cwd")), Files.createDirectories(world.resolve("logs")),
        Launcher.FAST_START);
  }

  /** score with the test's defaults; an option in {@code more} replaces the default's value. */
  static String[] score(Path out, String... more) {
    return Launcher.withOptions(List.of("score", "--model", model.toString(), "--pool", pool.toString(), "--out",
        out.toString(), "--iterations", "8", "--top-k", "5", "--seed", "3"), more);
  }

  /** The world outside the logs: inputs, outputs, working directory. */
  static Map<String, String> files() {
    return Launcher.worldFiles(world);
  }

  static Launcher.Result refused(int code, String mention, String... args) {
    return cli.refused(world, code, List.of(mention), args);
  }

  /** {@link Launcher#refusedTogether}: each command refused as {@link #refused} checks one, two at a time. */
  static List<Launcher.Result> refusedTogether(Launcher.Refusal... cases) {
    return cli.refusedTogether(world, List.of(cases));
  }

  static Launcher.Refusal refusal(int code, String mention, String... args) {
    return Launcher.Refusal.of(code, mention, args);
  }

  @Test
  void overwriteNeverReplacesTheRunsOwnInputs() {
    refusedTogether(
        refusal(2, "is --pool", score(pool, "--overwrite")),
        refusal(2, "is --model", score(model, "--overwrite")),
        refusal(2, "holds --model", score(inputs, "--overwrite")),
        refusal(2, "lies inside --pool", score(pool.resolve("scores"), "--overwrite")),
        refusal(2, "working directory", score(world.resolve("cwd"), "--overwrite")),
        refusal(2, "holds --model", score(world, "--overwrite")));
  }

  @Test
  void overwriteReplacesOnlyAnEarlierOutput() throws Exception {
    Path mine = Files.createDirectories(world.resolve("user-folder"));
    Files.writeString(mine.resolve("notes.txt"), "mine");
    refused(1, "is not an mcposterior output", score(mine, "--overwrite"));
  }

  /** A run stopped before its commit ({@link PauseBeforeCommit}): its whole output written, its claim held. */
  record Paused(Process process, Path hook, Path stdout, Path stderr) {
    void resume() throws Exception {
      Files.createFile(hook.resolve("resume"));
    }

    Launcher.Result await() {
      return Launcher.await(process, stdout, stderr, Duration.ofMinutes(2));
    }
  }

  /** Starts {@code args} paused before its commit ({@link PauseBeforeCommit}) and waits until it has paused. */
  static Paused startPaused(String... args) throws Exception {
    int id = n++;
    Path hook = world.resolve("logs/hook-" + id);
    Launcher withHook = new Launcher(world.resolve("cwd"), world.resolve("logs"), Launcher.FAST_START)
        .wrapping(PauseBeforeCommit.class);
    Path so = world.resolve("logs/paused-" + id + ".out"), se = world.resolve("logs/paused-" + id + ".err");
    List<String> hooked = new java.util.ArrayList<>(List.of(hook.toString()));
    hooked.addAll(List.of(args));
    Process p = withHook.start(so, se, hooked.toArray(new String[0]));
    Launcher.awaitFile(hook.resolve("paused"), p, Duration.ofMinutes(3));
    return new Paused(p, hook, so, se);
  }

  @Test
  void aFolderMadeAtOutDuringTheRunIsLeftAloneAndTheRunFails() throws Exception {
    Path out = world.resolve("out-appears");
    Paused a = startPaused(score(out));
    Files.createDirectories(out.resolve("theirs"));
    Files.writeString(out.resolve("theirs/data.txt"), "another writer's output");
    Map<String, String> theirs = Launcher.snapshot(out);
    a.resume();
    Launcher.Result r = a.await();

    assertEquals(1, r.exitCode(), r.describe());
    assertTrue(r.stderr().contains("appeared while this run was going"), r.describe());
    assertEquals(theirs, Launcher.snapshot(out), "the folder that appeared is untouched");
    assertNoLeftovers(out);
  }

  @Test
  void twoRunsOnOneOutTheSecondIsRefusedWhileTheFirstFinishes() throws Exception {
    Path out = world.resolve("out-shared");
    Paused first = startPaused(score(out));

    Launcher.Result second = cli.run(score(out, "--overwrite", "--seed", "4"));
    assertEquals(1, second.exitCode(), second.describe());
    assertTrue(second.onlyOneParagraph(), second.describe());
    assertTrue(second.stderr().contains("is being written by another mcposterior run"), second.describe());

    first.resume();
    Launcher.Result r = first.await();
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"seed\" : 3"), "the first run's output");
    assertNoLeftovers(out);
  }

  @Test
  void aDriverKilledWithSigkillLeavesThePreviousOutputAndTheNextRunCleansUp() throws Exception {
    Path out = world.resolve("out-killed");
    assertEquals(0, cli.run(score(out)).exitCode());
    Map<String, String> previous = Launcher.snapshot(out);

    Process doomed = startPaused(score(out, "--overwrite", "--seed", "5")).process();
    doomed.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no cleanup
    assertEquals(137, doomed.exitValue(), "killed by SIGKILL");
    assertEquals(previous, Launcher.snapshot(out), "the previous output is intact");
    assertTrue(leftovers(out).size() >= 2, "the dead run left its claim and temporary folder: " + leftovers(out));

    Launcher.Result refused = cli.run(score(out));
    assertEquals(1, refused.exitCode(), refused.describe());
    assertTrue(refused.stderr().contains("already exists"), refused.describe());
    assertEquals(previous, Launcher.snapshot(out), "refusing keeps the previous output");
    assertEquals(1, leftovers(out).size(), "the dead claim is gone; its run's temporary folder is kept for a resume: "
        + leftovers(out));

    Launcher.Result rerun = cli.run(score(out, "--overwrite", "--seed", "6"));
    assertEquals(0, rerun.exitCode(), rerun.describe());
    assertTrue(rerun.stderr().contains("seed 5 -> 6"), "says why it does not resume: " + rerun.describe());
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"seed\" : 6"), "the rerun's output");
    assertNoLeftovers(out);
  }

  @Test
  void checksBeforeWork() throws Exception {
    Path out = world.resolve("out-never");
    Path parentIsFile = Files.writeString(world.resolve("a-file"), "x");
    List<Launcher.Result> r = refusedTogether(
        refusal(2, "--iterations = 1000000000", score(out, "--iterations", "1000000000")),
        refusal(2, "--partitions = 100000", score(out, "--partitions", "100000")),
        refusal(1, "--target", score(out, "--heuristic", "epig", "--target", world.resolve("no-target").toString())),
        refusal(2, "--memory-budget", score(out, "--memory-budget", "64g")),
        refusal(2, "--batch-size", score(out, "--batch-size", "1000000", "--iterations", "4000")),
        refusal(1, "is a file", score(parentIsFile.resolve("out"))),
        refusal(1, "cannot write the output", score(Path.of("/sys/mcposterior-test-out"))));
    assertFalse(r.get(0).stderr().contains("scoring "), "refused before sampling");
  }

  @Test
  void aModelOverTwoGibIsRefusedBeforeItIsRead() throws Exception {
    Path big = inputs.resolve("huge.zip");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(2_300_000_000L); // sparse: no disk used
    }
    try {
      List<String> a = new java.util.ArrayList<>(List.of(score(world.resolve("out-huge"))));
      a.set(a.indexOf(model.toString()), big.toString());
      refused(1, "is 2.1 GiB", a.toArray(new String[0]));
    } finally {
      Files.delete(big);
    }
  }

  @Test
  void wrongFormatMissingPoolAndNoDropoutNameTheFix() throws Exception {
    // One --out each (none is ever made): the four run two at a time, and a run claims its --out first.
    List<String> csvAsParquet = new java.util.ArrayList<>(List.of(score(world.resolve("out-never-csv"))));
    csvAsParquet.set(csvAsParquet.indexOf(pool.toString()), inputs.resolve("pool-csv").toString());
    List<String> jsonAsParquet = new java.util.ArrayList<>(List.of(score(world.resolve("out-never-json"))));
    jsonAsParquet.set(jsonAsParquet.indexOf(pool.toString()), inputs.resolve("pool-json").toString());
    List<String> missing = new java.util.ArrayList<>(List.of(score(world.resolve("out-never-missing"))));
    missing.set(missing.indexOf(pool.toString()), world.resolve("no-pool").toString());

    MultiLayerNetwork plain = Networks.deterministicMlp(9);
    Path plainModel = Fixtures.save(plain, inputs, "plain.zip");
    List<String> noDropout = new java.util.ArrayList<>(List.of(score(world.resolve("out-never-plain"))));
    noDropout.set(noDropout.indexOf(model.toString()), plainModel.toString());
    refusedTogether(
        refusal(1, "pass --format csv", csvAsParquet.toArray(new String[0])),
        refusal(1, "pass --format json", jsonAsParquet.toArray(new String[0])),
        refusal(1, "does not exist", missing.toArray(new String[0])),
        refusal(1, "--dropconnect 0.5", noDropout.toArray(new String[0])));
  }

  @Test
  void badValuesAreUsageErrorsWithoutJavaNames() {
    Path out = world.resolve("out-never");
    List<Launcher.Refusal> cases = new java.util.ArrayList<>();
    for (String[] bad : List.of(new String[] {"--mode", "foo"}, new String[] {"--probabilities", "odds"},
        new String[] {"--dropout", "NaN"}, new String[] {"--dropconnect", "1.5"}, new String[] {"--iterations", "x"},
        new String[] {"--memory-budget", "lots"}, new String[] {"--iterations", "0"}, new String[] {"--top-k", "-1"},
        new String[] {"--output-kind", "softmax"}, new String[] {"--reduction", "median"})) {
      cases.add(refusal(2, bad[0], score(out, bad)));
    }
    for (Launcher.Result r : cli.refusedTogether(world, cases)) {
      assertFalse(r.stderr().contains("java.") || r.stderr().contains("MaskMode") || r.stderr().contains("Exception"),
          "no Java names: " + r.describe());
    }
    Launcher.Result bare = cli.run();
    assertEquals(2, bare.exitCode(), "a bare mcposterior is a usage error: " + bare.describe());
  }

  @Test
  void aColonInOutIsAPlainFolderName() throws Exception {
    Path out = world.resolve("scores:2026-12-01");
    Launcher.Result r = cli.run(score(out));
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(Files.exists(out.resolve("summary.json")));
    assertNoLeftovers(out);
  }

  @Test
  void aSuccessfulRunIsQuiet() {
    Path out = world.resolve("out-quiet");
    Launcher.Result r = cli.run(score(out));
    assertEquals(0, r.exitCode(), r.describe());
    for (String line : r.stderr().strip().lines().toList()) {
      assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d INFO (ScoreJob|progress|mcposterior\\.progress): .*"),
          "only mcposterior's own progress on the console, no warning: '" + line + "'\n" + r.describe());
    }
    Launcher.Result help = cli.run("score", "--help");
    assertEquals(0, help.exitCode());
    assertEquals("", help.stderr().strip(), "--help prints no JVM or Spark noise");
  }

  /**
   * A full disk and a read-only file system, for real: small tmpfs mounts (the tests run as root in
   * CI, which may mount; elsewhere these two are skipped, saying why).
   */
  @Test
  void aFullDiskAndAReadOnlyFileSystemAreOneParagraphAndLeaveNothing() throws Exception {
    Path full = Files.createDirectories(world.resolve("logs/full-disk"));
    org.junit.jupiter.api.Assumptions.assumeTrue(mount(full, "size=48k"), "needs root to mount a tmpfs");
    try {
      Launcher.Result r = cli.run(score(full.resolve("out"), "--write-samples", "--iterations", "2000"));
      assertEquals(1, r.exitCode(), r.describe());
      assertTrue(r.progressThenOneParagraph(), r.describe());
      assertTrue(r.stderr().contains("a disk filled up"), r.describe());
      assertFalse(r.stderr().contains("java."), "no Java class name (Hadoop wraps the cause in one): " + r.describe());
      try (Stream<Path> left = Files.list(full)) {
        assertEquals(List.of(), left.toList(), "the partial output is removed");
      }
    } finally {
      umount(full);
    }
    Path readOnly = Files.createDirectories(world.resolve("logs/read-only"));
    assertTrue(mount(readOnly, "ro,size=64k"));
    try {
      Launcher.Result r = cli.run(score(readOnly.resolve("out")));
      assertEquals(1, r.exitCode(), r.describe());
      assertTrue(r.onlyOneParagraph(), r.describe());
      assertTrue(r.stderr().contains("Read-only file system"), r.describe());
      assertEquals("", r.stdout().strip(), "no log4j stack trace on standard output");
    } finally {
      umount(readOnly);
    }
  }

  static boolean mount(Path at, String options) throws Exception {
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString()).redirectErrorStream(true)
        .start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }

  static void umount(Path at) throws Exception {
    Process p = new ProcessBuilder("umount", at.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "umount " + at + ": " + out);
  }

  static List<Path> leftovers(Path out) throws Exception {
    try (Stream<Path> s = Files.list(out.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(out.getFileName() + ".")).toList();
    }
  }

  static void assertNoLeftovers(Path out) throws Exception {
    assertEquals(List.of(), leftovers(out), "no claim, temporary or old folder left beside " + out);
  }
}
