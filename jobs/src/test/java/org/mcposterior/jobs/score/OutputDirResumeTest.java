package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume step of the output protocol, on folders a dead run left (made here by hand, as a
 * killed run leaves them): what is reused, what is deleted, what is left alone. No Spark.
 */
class OutputDirResumeTest {
  @TempDir Path dir;

  static final SortedMap<String, String> KEY = new TreeMap<>(Map.of("setting seed", "7", "partitions", "8"));

  /** A dead run's temporary folder beside {@code out}: marker, resume key, two finished part files, a task's leftovers. */
  Path deadRun(Path out, SortedMap<String, String> key) throws Exception {
    String run = UUID.randomUUID().toString();
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp-" + run);
    Files.createDirectories(tmp.resolve("scores/_temporary/0"));
    Files.writeString(tmp.resolve(OutputDir.MARKER), OutputDir.markerText(run));
    Files.writeString(tmp.resolve(OutputDir.RESUME), new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValueAsString(key));
    Files.writeString(tmp.resolve("scores/part-00003-aaaa-c000.snappy.parquet"), "three");
    Files.writeString(tmp.resolve("scores/.part-00003-aaaa-c000.snappy.parquet.crc"), "crc");
    Files.writeString(tmp.resolve("scores/part-00005-aaaa-c000.snappy.parquet"), "five");
    Files.writeString(tmp.resolve("scores/_temporary/0/part-00006-aaaa-c000.snappy.parquet"), "half written");
    return tmp;
  }

  OutputDir claim(Path out) {
    return OutputDir.claim(out.toString(), false, Map.of(), new Configuration(), "score", true);
  }

  List<String> beside(Path out) throws Exception {
    try (Stream<Path> s = Files.list(out.getParent())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(out.getFileName() + ".")).sorted().toList();
    }
  }

  @Test
  void theSameKeyReusesTheFinishedPartsOnly() throws Exception {
    Path out = dir.resolve("out");
    deadRun(out, KEY);
    try (OutputDir d = claim(out)) {
      OutputDir.Resumed r = d.resume(KEY, "scores", true);
      assertEquals(List.of(3, 5), List.copyOf(r.partitions()));
      assertTrue(r.note().contains("2 finished partitions reused"), r.note());
      Path scores = Path.of(d.tmpPath().toUri().getPath()).resolve("scores");
      assertEquals("three", Files.readString(scores.resolve("part-00003-aaaa-c000.snappy.parquet")));
      assertFalse(Files.exists(scores.resolve("_temporary")), "a task's unfinished output is not reused");
      assertEquals(1, beside(out).stream().filter(n -> n.contains(".tmp-")).count(), "only this run's folder: "
          + beside(out));
    }
  }

  @Test
  void anotherKeyOrNoResumeStartsFreshAndSaysWhy() throws Exception {
    SortedMap<String, String> other = new TreeMap<>(KEY);
    other.put("setting seed", "8");
    assertStartsFresh(dir.resolve("other"), other, true, "setting seed 7 -> 8");
    assertStartsFresh(dir.resolve("fresh"), KEY, false, "--no-resume");
  }

  /** A run on {@code out}, beside a dead run with {@link #KEY}, reuses nothing, says why, and leaves nothing beside it. */
  void assertStartsFresh(Path out, SortedMap<String, String> key, boolean resume, String why) throws Exception {
    deadRun(out, KEY);
    try (OutputDir d = claim(out)) {
      OutputDir.Resumed r = d.resume(key, "scores", resume);
      assertTrue(r.partitions().isEmpty());
      assertTrue(r.note().contains(why), r.note());
      d.abort(new IllegalStateException("the test's run ends here"));
    }
    assertEquals(List.of(), beside(out), "the dead run's folder is deleted, this run's released unused");
  }

  @Test
  void aFolderWhoseMarkerNamesAnotherRunIsLeftAlone() throws Exception {
    Path out = dir.resolve("forged");
    Path tmp = deadRun(out, KEY);
    Files.writeString(tmp.resolve(OutputDir.MARKER), OutputDir.markerText(UUID.randomUUID().toString()));
    Path mine = Files.createDirectories(dir.resolve("forged.tmp-notes"));
    Files.writeString(mine.resolve("notes.txt"), "mine");
    try (OutputDir d = claim(out)) {
      assertTrue(d.resume(KEY, "scores", true).partitions().isEmpty());
    }
    assertTrue(Files.exists(tmp.resolve("scores/part-00003-aaaa-c000.snappy.parquet")), "not this run's to take");
    assertEquals("mine", Files.readString(mine.resolve("notes.txt")));
  }
}
