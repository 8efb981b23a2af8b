package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.report.ReportFile;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Issue 16 through {@code bin/mcposterior}, as a user meets it: a run owns only what it wrote. An
 * existing folder is an earlier output only by its manifest (never by a {@code summary.json}); a
 * claim file is untrusted input; readers refuse an output that lost or changed a file; a killed
 * run resumes. Each refusal: its exit code, one paragraph, and every file around the run hashed
 * before and after.
 */
@Tag("cli")
class OutputOwnershipTest {
  static SparkSession spark;
  @TempDir static Path world;
  static Path inputs;
  static Path model;
  static Path pool;
  static Path earlier;
  static Launcher cli;
  /** For the runs that sample for a while: the optimising compiler on (the mask kernels use the Vector API). */
  static Launcher sampler;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    inputs = Files.createDirectories(world.resolve("inputs"));
    model = Fixtures.save(Networks.tabularMlp(3), inputs, "mlp.zip");
    pool = Fixtures.parquetPool(spark, inputs, "pool", Fixtures.features(1, 30, 12), 2);
    cli = new Launcher(Files.createDirectories(world.resolve("cwd")), Files.createDirectories(world.resolve("logs")),
        Launcher.FAST_START);
    sampler = new Launcher(world.resolve("cwd"), world.resolve("logs"), "-Dspark.ui.enabled=false");
    earlier = world.resolve("earlier");
    String[] args = score(earlier);
    ScoreJob.run(spark, Cli.settings(java.util.Arrays.copyOfRange(args, 1, args.length))); // in this JVM: no start-up
  }

  /** score with the test's defaults; an option in {@code more} replaces the default's value. */
  static String[] score(Path out, String... more) {
    return Launcher.withOptions(List.of("score", "--model", model.toString(), "--pool", pool.toString(), "--out",
        out.toString(), "--iterations", "8", "--top-k", "5", "--seed", "3", "--master", "local[2]"), more);
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

  /** A copy of the earlier output, to damage. */
  static Path copyOfEarlier(String name) throws Exception {
    Path copy = world.resolve(name);
    try (Stream<Path> all = Files.walk(earlier)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path to = copy.resolve(earlier.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return copy;
  }

  @Test
  void aProjectFolderWithItsOwnSummaryIsNeverReplaced() throws Exception {
    Path project = Files.createDirectories(world.resolve("project"));
    Files.writeString(project.resolve("summary.json"), "{\"status\": \"succeeded\", \"settings\": {}}");
    Files.createDirectories(project.resolve("src"));
    Files.writeString(project.resolve("src/train.py"), "print('mine')");
    Files.writeString(project.resolve("notes.md"), "my notes");
    refusedTogether(
        refusal(1, "no manifest.json", score(project, "--overwrite")),
        refusal(1, "no manifest.json", "sample", "--model", model.toString(), "--input", pool.toString(), "--iterations",
            "5", "--out", project.toString(), "--overwrite"),
        refusal(1, "no manifest.json", "learn", "--out", project.toString(), "--overwrite", "--steps", "1"));
  }

  @Test
  void anEarlierOutputWithAUsersFileAddedOrAFileChangedOrLostIsNotReplaced() throws Exception {
    Path added = copyOfEarlier("with-notes");
    Files.writeString(added.resolve("notes.txt"), "my plot notes");

    Path changed = copyOfEarlier("changed");
    Files.writeString(changed.resolve("summary.json"), "{}");

    Path lost = copyOfEarlier("lost");
    Path part;
    try (Stream<Path> s = Files.list(lost.resolve("scores"))) {
      part = s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
    }
    Files.delete(part);
    refusedTogether(
        refusal(1, "it holds notes.txt, which the run did not write", score(added, "--overwrite")),
        refusal(1, "summary.json was changed", score(changed, "--overwrite")),
        refusal(1, "is missing", score(lost, "--overwrite")),
        refusal(1, "is missing", "report", "--scores", lost.toString(), "--out", world.resolve("lost.html").toString()));
  }

  @Test
  void anEarlierOutputExactlyAsWrittenIsReplacedAndTheNewOneHasAManifest() throws Exception {
    Path again = copyOfEarlier("again");
    Launcher.Result r = cli.run(score(again, "--overwrite", "--seed", "4"));
    assertEquals(0, r.exitCode(), r.describe());
    JsonNode m = new ObjectMapper().readTree(again.resolve("manifest.json").toFile());
    assertEquals(1, m.get("version").asInt());
    assertEquals("score", m.get("command").asText());
    List<String> listed = new ArrayList<>();
    m.get("files").forEach(f -> listed.add(f.get("path").asText()));
    assertTrue(listed.contains("summary.json") && listed.stream().anyMatch(p -> p.startsWith("scores/part-")), listed.toString());
    assertFalse(listed.contains("manifest.json"));
    assertTrue(Files.readString(again.resolve("summary.json")).contains("\"seed\" : 4"));
  }

  @Test
  void aClaimFileIsUntrustedInput() throws Exception {
    Path sibling = Files.createDirectories(world.resolve("sibling"));
    Files.writeString(sibling.resolve("data.csv"), "precious");
    Path out = world.resolve("crafted");
    // A crafted claim whose run id would name the sibling folder if paths were built from it.
    Files.writeString(world.resolve("crafted.lock"), "run=/../sibling\nhost=nowhere\npid=1\nprocess_start=0\nsince=x\n");
    Path mine = world.resolve("mine");
    Files.writeString(world.resolve("mine.lock"), "my lock file for my own tool");
    Launcher.Result r = refusedTogether(
        refusal(1, "is not an mcposterior claim", score(out)),
        refusal(1, "is not an mcposterior claim", score(mine))).get(1);
    assertFalse(r.stderr().contains("being written by another mcposterior run"), r.describe());
  }

  @Test
  void reportReplacesOnlyItsOwnPage() throws Exception {
    Path page = world.resolve("user-page.html");
    Files.writeString(page, "<html>my own page</html>");
    refused(1, "is not a page an mcposterior run wrote", "report", "--scores", earlier.toString(), "--out",
        page.toString(), "--overwrite");

    Path ours = world.resolve("ours.html");
    Launcher.Result r = cli.run("report", "--scores", earlier.toString(), "--out", ours.toString());
    assertEquals(0, r.exitCode(), r.describe());
    assertNull(ReportFile.problem(ours), "a page the run wrote carries a valid manifest");
    r = cli.run("report", "--scores", earlier.toString(), "--out", ours.toString(), "--overwrite");
    assertEquals(0, r.exitCode(), "an unchanged earlier page is replaced: " + r.describe());

    Files.writeString(ours, Files.readString(ours).replace("<body", "<body data-edited=\"yes\""));
    refused(1, "changed since it was written", "report", "--scores", earlier.toString(), "--out", ours.toString(),
        "--overwrite");
  }

  @Test
  void learnMergeReadsOnlyCompleteOutputs() throws Exception {
    Path fake = Files.createDirectories(world.resolve("fake-learn"));
    Files.writeString(fake.resolve("summary.json"), "{\"settings\": {}}");
    Files.writeString(fake.resolve("steps.json"), "[]");
    refusedTogether(
        refusal(1, "no manifest.json", "learn", "--merge", fake.toString(), "--out", world.resolve("merged").toString()),
        refusal(1, "is the output of a score run", "learn", "--merge", earlier.toString(), "--out",
            world.resolve("merged").toString()));
  }

  /**
   * Resume: a driver killed with SIGKILL once about half the partitions are written; the same
   * command again computes only the rest, says so, and gives exactly a clean run's output; a
   * rerun with another seed starts fresh and says why.
   */
  @Test
  void aKilledRunResumesFromItsFinishedPartitions() throws Exception {
    Path big = Fixtures.parquetPool(spark, inputs, "big-pool", Fixtures.features(2, 800, 12), 8);
    Path out = world.resolve("resumed");
    Path clean = world.resolve("clean");
    String[] args = {"score", "--model", model.toString(), "--pool", big.toString(), "--iterations", "2000", "--top-k",
        "25", "--seed", "11", "--master", "local[2]", "--out"};

    Path so = world.resolve("logs/killed.out"), se = world.resolve("logs/killed.err");
    Process doomed = sampler.start(so, se, concat(args, out.toString()));
    Path parts = null;
    long deadline = System.nanoTime() + 240_000_000_000L;
    int written = 0;
    while (written < 4) {
      assertTrue(doomed.isAlive(), "the run ended before half its partitions were written: " + Files.readString(se));
      assertTrue(System.nanoTime() < deadline, "no partitions written in four minutes");
      if (parts == null) {
        try (Stream<Path> s = Files.list(world)) {
          parts = s.filter(p -> p.getFileName().toString().startsWith("resumed.tmp-")).findFirst()
              .map(p -> p.resolve("scores")).orElse(null);
        }
      }
      if (parts != null && Files.isDirectory(parts)) {
        try (Stream<Path> s = Files.list(parts)) {
          written = (int) s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
      }
      Thread.sleep(20);
    }
    doomed.destroyForcibly().waitFor();
    assertFalse(Files.exists(out), "a killed run wrote nothing at --out");

    Launcher.Result resumed = sampler.run(concat(args, out.toString()));
    assertEquals(0, resumed.exitCode(), resumed.describe());
    assertTrue(resumed.stderr().contains("partitions reused"), resumed.describe());
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    int reused = summary.at("/resume/reused_partitions").asInt();
    int computed = summary.at("/resume/computed_partitions").asInt();
    assertTrue(reused >= 4 && reused < 8, "about half reused: " + summary.get("resume"));
    assertEquals(8, reused + computed, summary.get("resume").toString());
    assertNoLeftovers(out);

    // The uninterrupted run, in this JVM (no start-up to pay): the same settings through the same job.
    java.util.Map<String, Object> fresh = ScoreJob.run(spark, Cli.settings(java.util.Arrays.copyOfRange(
        concat(args, clean.toString()), 1, args.length + 1)));
    assertEquals(0, ((java.util.Map<?, ?>) fresh.get("resume")).get("reused_partitions"));
    assertSameScores(out, clean);

    // Stopped again (SIGTERM), then rerun with another seed: nothing reused, and the console says why.
    Path se2 = world.resolve("logs/killed2.err");
    Process again = sampler.start(world.resolve("logs/killed2.out"), se2, concat(args, out.toString(), "--overwrite"));
    Path key = null;
    while (key == null || !Files.exists(key)) { // the run has recorded what it computes
      assertTrue(again.isAlive(), Files.readString(se2));
      try (Stream<Path> s = Files.list(world)) {
        key = s.filter(p -> p.getFileName().toString().startsWith("resumed.tmp-")).findFirst()
            .map(p -> p.resolve(OutputDir.RESUME)).orElse(null);
      }
      Thread.sleep(20);
    }
    again.destroy(); // SIGTERM, as a scheduler stops a task: the run says so, and keeps its work for a resume
    assertTrue(again.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "a stopped run ends");
    String stopped = Launcher.stderrOnceFlushed(se2, "the run was stopped before it finished");
    assertTrue(stopped.contains("the run was stopped before it finished"), stopped);
    assertFalse(stopped.contains("Exception"), stopped);
    try (Stream<Path> s = Files.list(world)) {
      assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("resumed.tmp-")).count(),
          "the stopped run's temporary folder is kept for a resume");
    }
    List<String> other = new ArrayList<>(List.of(concat(args, out.toString(), "--overwrite")));
    other.set(other.indexOf("11"), "12");
    Launcher.Result reseeded = sampler.run(other.toArray(new String[0]));
    assertEquals(0, reseeded.exitCode(), reseeded.describe());
    assertTrue(reseeded.stderr().contains("not reused") && reseeded.stderr().contains("seed 11 -> 12"),
        reseeded.describe());
    assertEquals(0, new ObjectMapper().readTree(out.resolve("summary.json").toFile()).at("/resume/reused_partitions")
        .asInt());
    assertNoLeftovers(out);
  }

  static void assertSameScores(Path a, Path b) {
    List<Row> ra = spark.read().parquet(a.resolve("scores").toString()).orderBy("id").collectAsList();
    List<Row> rb = spark.read().parquet(b.resolve("scores").toString()).orderBy("id").collectAsList();
    assertEquals(rb.size(), ra.size());
    for (int i = 0; i < ra.size(); i++) {
      assertEquals(rb.get(i).getAs("id"), (Object) ra.get(i).getAs("id"));
      for (String c : List.of("bald", "entropy", "variance", "margin", "certainty", "priority")) {
        assertEquals(rb.get(i).<Double>getAs(c), ra.get(i).<Double>getAs(c), 1e-9, c + " of " + ra.get(i).getAs("id"));
      }
    }
    List<Row> ta = spark.read().parquet(a.resolve("top_k").toString()).orderBy("rank").collectAsList();
    List<Row> tb = spark.read().parquet(b.resolve("top_k").toString()).orderBy("rank").collectAsList();
    assertEquals(tb.stream().map(r -> r.getAs("id")).toList(), ta.stream().map(r -> r.getAs("id")).toList());
    assertNotEquals(0, ta.size());
  }

  static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  static void assertNoLeftovers(Path out) throws Exception {
    try (Stream<Path> s = Files.list(out.getParent())) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(out.getFileName() + ".")).toList(),
          "no claim, temporary or old folder left beside " + out);
    }
  }
}
