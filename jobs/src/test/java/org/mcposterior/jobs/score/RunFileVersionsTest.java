package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.spark.UnsupportedFormatException;

/**
 * The output protocol's own files carry a format version ({@link org.mcposterior.spark.RunFormat}):
 * a claim or marker from before versions is still recognised, one of a newer version is not read.
 */
class RunFileVersionsTest {
  @TempDir Path dir;

  static final String HOLDER = "host=somewhere\npid=1\nprocess_start=0\nsince=2026-01-01T00:00:00Z\n";

  org.apache.hadoop.fs.Path out() {
    return new org.apache.hadoop.fs.Path(dir.resolve("out").toUri());
  }

  @Test
  void claimsOfThisVersionAndFromBeforeVersionsAreRead() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    String run = UUID.randomUUID().toString();
    Files.writeString(dir.resolve("out.lock"), "run=" + run + "\n" + HOLDER);
    assertEquals(run, OutputClaim.holder(fs, out()).orElseThrow().runId(), "a claim from before versions");
    Files.writeString(dir.resolve("out.lock"), "format=1\nrun=" + run + "\n" + HOLDER);
    assertEquals(run, OutputClaim.holder(fs, out()).orElseThrow().runId());
    Files.delete(dir.resolve("out.lock"));
    try (OutputClaim c = OutputClaim.tryTake(fs, out()).orElseThrow()) {
      assertTrue(Files.readString(dir.resolve("out.lock")).contains("\nformat=1\n"), "a claim is written with its version");
      assertEquals(c.self().runId(), OutputClaim.holder(fs, out()).orElseThrow().runId());
    }
  }

  @Test
  void aClaimOfANewerVersionIsRefusedNamingItEvenWithKeysThisBuildDoesNotKnow() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Files.writeString(dir.resolve("out.lock"), "format=2\nrun=" + UUID.randomUUID() + "\nlease=30\n" + HOLDER);
    UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> OutputClaim.holder(fs, out()));
    assertTrue(e.getMessage().contains("out.lock beside --out is a claim file in format version 2"), e.getMessage());
    Files.writeString(dir.resolve("out.lock"), "format=x\nrun=" + UUID.randomUUID() + "\n" + HOLDER);
    assertThrows(OutputClaim.NotAClaimException.class, () -> OutputClaim.holder(fs, out()));
  }

  @Test
  void markersOfThisVersionAndFromBeforeVersionsNameTheirRunANewerOneDoesNot() {
    String run = UUID.randomUUID().toString();
    org.apache.hadoop.fs.Path where = new org.apache.hadoop.fs.Path(dir.toUri());
    assertEquals("format=1\nrun=" + run + "\n", OutputDir.markerText(run));
    for (String ours : List.of(OutputDir.markerText(run), "run=" + run + "\n")) {
      assertTrue(Leftovers.markerNames(ours, run, where), ours);
      assertFalse(Leftovers.markerNames(ours, UUID.randomUUID().toString(), where), "another run's: " + ours);
    }
    assertFalse(Leftovers.markerNames("format=2\nrun=" + run + "\n", run, where), "a newer mcposterior's: left alone");
  }
}
