package org.mcposterior.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Bad input to {@code report} (and {@code score --report}) through the command line: one clear
 * paragraph naming the value and the fix, exit code 1, and nothing written.
 */
class ReportBadInputTest {
  static SparkSession spark;
  @TempDir static Path dir;
  static Path model;
  static Path pool;
  static Path scored;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    model = ReportFixtures.cnn(dir);
    pool = ReportFixtures.imagePool(spark, dir, "pool", 60);
    scored = dir.resolve("scored");
    ReportFixtures.Run r = ReportFixtures.cli("score", "--model", model.toString(), "--pool", pool.toString(), "--out",
        scored.toString(), "--input-shape", "1,8,8", "--iterations", "4", "--top-k", "5");
    assertEquals(0, r.code(), r.err());
  }

  static List<String> listing(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Runs the command, expects exit 1 with one paragraph mentioning every string, and nothing new in {@code dir}. */
  static String refused(List<String> args, String... mentions) throws Exception {
    List<String> before = listing(dir);
    ReportFixtures.Run r = ReportFixtures.cli(args.toArray(new String[0]));
    assertEquals(1, r.code(), () -> "exit code; out: " + r.out() + " err: " + r.err());
    String err = r.err().trim();
    assertFalse(err.contains("\n"), () -> "one paragraph: " + err);
    assertFalse(err.contains("\tat ") || err.contains(".java:"), () -> "no stack trace: " + err);
    for (String m : mentions) {
      assertTrue(err.contains(m), () -> "mentions '" + m + "': " + err);
    }
    assertEquals(before, listing(dir), "nothing written");
    return err;
  }

  @Test
  void aFolderThatIsNotAScoreOutput() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    refused(List.of("report", "--scores", empty.toString(), "--out", dir.resolve("r1.html").toString()),
        empty.toString(), "not a score output", "summary.json", "no manifest.json");
    refused(List.of("report", "--scores", pool.toString(), "--out", dir.resolve("r1.html").toString()),
        "not a score output", "summary.json");
    refused(List.of("report", "--scores", dir.resolve("nowhere").toString(), "--out", dir.resolve("r1.html").toString()),
        "is not a folder");
    Path fake = Files.createDirectories(dir.resolve("fake"));
    Files.createDirectories(fake.resolve("scores"));
    Files.createDirectories(fake.resolve("top_k"));
    Files.writeString(fake.resolve("summary.json"), "{not json");
    refused(List.of("report", "--scores", fake.toString(), "--out", dir.resolve("r1.html").toString()),
        "summary.json", "no manifest.json");
  }

  @Test
  void aMissingOrUnfitLabelColumn() throws Exception {
    refused(List.of("report", "--scores", scored.toString(), "--out", dir.resolve("r2.html").toString(),
        "--label-col", "nope"), "no label column 'nope'", "[id, features, label]");
    refused(List.of("report", "--scores", scored.toString(), "--out", dir.resolve("r2.html").toString(),
        "--label-col", "id"), "label column 'id'", "integer class indices");
  }

  @Test
  void aReportNeverWritesIntoItsInputs() throws Exception {
    byte[] modelBefore = Files.readAllBytes(model);
    refused(List.of("report", "--scores", scored.toString(), "--out", model.toString(), "--overwrite"),
        "is the run's --model", "never writes into its inputs");
    assertArrayEquals(modelBefore, Files.readAllBytes(model), "the model is untouched");
    List<String> scoredBefore = listing(scored);
    refused(List.of("report", "--scores", scored.toString(), "--out", scored.resolve("report.html").toString()),
        "lies inside --scores");
    assertEquals(scoredBefore, listing(scored));
  }

  @Test
  void anExistingReportWithoutOverwrite() throws Exception {
    Path existing = dir.resolve("existing.html");
    Files.writeString(existing, "old page");
    refused(List.of("report", "--scores", scored.toString(), "--out", existing.toString()),
        existing.toString(), "already exists", "--overwrite");
    assertEquals("old page", Files.readString(existing));
    // score --report checks the report path before any work: no scores are written either
    Path out = dir.resolve("not-scored");
    refused(List.of("score", "--model", model.toString(), "--pool", pool.toString(), "--out", out.toString(),
        "--input-shape", "1,8,8", "--report", existing.toString()), "already exists");
    assertFalse(Files.exists(out));
    assertEquals("old page", Files.readString(existing));
    // --overwrite replaces only a page a run wrote (issue 16): a user's own file is refused and kept
    refused(List.of("report", "--scores", scored.toString(), "--out", existing.toString(), "--overwrite"),
        existing.toString(), "is not a page an mcposterior run wrote");
    assertEquals("old page", Files.readString(existing));
    // a run's page is replaced, atomically (no temporary sibling left)
    Path page = dir.resolve("page.html");
    ReportFixtures.Run first = ReportFixtures.cli("report", "--scores", scored.toString(), "--out", page.toString());
    assertEquals(0, first.code(), first.err());
    ReportFixtures.Run ok = ReportFixtures.cli("report", "--scores", scored.toString(), "--out", page.toString(),
        "--overwrite");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(Files.readString(page).startsWith("<!DOCTYPE html>"));
    assertTrue(listing(dir).stream().noneMatch(n -> n.contains(".tmp-")), "no temporary file left");
    Files.delete(page);
  }

  /**
   * A copy of the score output {@code scored} whose summary.json is {@code edit}ed, with its
   * manifest made again (as if a run had written it so): what another mcposterior version leaves.
   */
  static Path withSummary(String name, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit)
      throws Exception {
    Path copy = dir.resolve(name);
    try (Stream<Path> all = Files.walk(scored)) {
      for (Path p : all.toList()) {
        Path to = copy.resolve(scored.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else if (!p.getFileName().toString().equals(".summary.json.crc")
            && !p.getFileName().toString().equals(org.mcposterior.spark.RunManifest.FILE)) {
          Files.copy(p, to);
        }
      }
    }
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode summary =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(copy.resolve("summary.json").toFile());
    edit.accept(summary);
    Files.write(copy.resolve("summary.json"), json.writeValueAsBytes(summary));
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
    org.apache.hadoop.fs.Path h = new org.apache.hadoop.fs.Path(copy.toUri());
    org.mcposterior.spark.RunManifest.of(fs, h, java.util.UUID.randomUUID().toString(), "score", java.util.Set.of())
        .write(fs, h);
    return copy;
  }

  @Test
  void aSummaryOfANewerFormatVersionIsRefusedByTheReportAndItsReader() throws Exception {
    com.fasterxml.jackson.databind.JsonNode written = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(scored.resolve("summary.json").toFile());
    assertEquals(1, written.get("format_version").asInt(), "a score run writes its summary's format version");
    assertEquals(org.mcposterior.spark.RunFormatTest.pomVersion(), written.at("/versions/mcposterior").asText(),
        "and the pom's project version");
    Path newer = withSummary("newer", s -> s.put("format_version", 9));
    String err = refused(List.of("report", "--scores", newer.toString(), "--out", dir.resolve("r9.html").toString()),
        newer + "/summary.json is a run summary in format version 9, written by a newer mcposterior",
        "reads a run summary in version 1 only", "use the mcposterior version that wrote it, or a newer one");
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    org.mcposterior.spark.UnsupportedFormatException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.mcposterior.spark.UnsupportedFormatException.class, () -> RunInputs.readSummary(newer.toString(), conf));
    assertTrue(err.contains(e.getMessage()), "the reader's paragraph is the report's: " + err);
    Path before = withSummary("unversioned", s -> s.remove("format_version"));
    assertEquals("succeeded", RunInputs.readSummary(before.toString(), conf).get("status"),
        "a summary from before format versions is read as version 1");
  }
}
