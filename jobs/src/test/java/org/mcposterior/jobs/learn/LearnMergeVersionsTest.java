package org.mcposterior.jobs.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.spark.RunManifest;
import org.mcposterior.spark.UnsupportedFormatException;

/**
 * {@code learn --merge} checks the format version of each run's summary.json and steps.json before
 * it reads anything else of them ({@link org.mcposterior.spark.RunFormat}); a steps.json from before
 * versions (the bare list) is still read.
 */
class LearnMergeVersionsTest {
  @TempDir Path dir;

  /** A learn output as a run leaves it (files and manifest), with the given summary.json and steps.json. */
  Path run(String name, String summary, String steps) throws Exception {
    Path run = Files.createDirectories(dir.resolve(name));
    Files.writeString(run.resolve("summary.json"), summary);
    Files.writeString(run.resolve("steps.json"), steps);
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path h = new org.apache.hadoop.fs.Path(run.toUri());
    RunManifest.of(fs, h, UUID.randomUUID().toString(), "learn", Set.of()).write(fs, h);
    return run;
  }

  @Test
  void aSummaryOrStepsOfANewerVersionIsRefusedNamingFileAndVersion() throws Exception {
    Path newerSummary = run("a", "{\"format_version\": 5, \"status\": \"succeeded\", \"settings\": {}}",
        "{\"format_version\": 1, \"steps\": []}");
    UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
        () -> LearnMerge.merge(List.of(newerSummary), dir.resolve("merged"), false, m -> {}));
    assertTrue(e.getMessage().startsWith("--merge " + newerSummary.resolve("summary.json") + " is a run summary in"
        + " format version 5, written by a newer mcposterior"), e.getMessage());
    Path newerSteps = run("b", "{\"format_version\": 1, \"status\": \"succeeded\", \"settings\": {}}",
        "{\"format_version\": 3, \"steps\": []}");
    e = assertThrows(UnsupportedFormatException.class,
        () -> LearnMerge.merge(List.of(newerSteps), dir.resolve("merged"), false, m -> {}));
    assertTrue(e.getMessage().contains(newerSteps.resolve("steps.json") + " is a learn steps file in format version 3"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("merged")), "nothing written");
  }

  @Test
  void stepsFromBeforeVersionsAreTheBareListOfTheSameSteps() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode legacy = json.readTree("[{\"step\": 0}, {\"step\": 1}]");
    assertEquals(legacy, LearnMerge.stepsOf(dir, legacy));
    JsonNode v1 = json.readTree("{\"format_version\": 1, \"versions\": {}, \"steps\": [{\"step\": 0}, {\"step\": 1}]}");
    assertEquals(legacy, LearnMerge.stepsOf(dir, v1));
  }
}
