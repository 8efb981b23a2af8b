package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder is an output only when its manifest is valid and matches it exactly (DESIGN.md, invariant 8). */
class RunManifestTest {
  @TempDir Path dir;
  FileSystem fs;
  org.apache.hadoop.fs.Path hdir;
  final String run = UUID.randomUUID().toString();

  @BeforeEach
  void write() throws Exception {
    fs = FileSystem.getLocal(new Configuration());
    hdir = new org.apache.hadoop.fs.Path(dir.toUri());
    Files.createDirectories(dir.resolve("scores/empty"));
    Files.writeString(dir.resolve("scores/part-00000.parquet"), "0123456789");
    Files.writeString(dir.resolve("summary.json"), "{}");
    Files.writeString(dir.resolve("name:with:colons"), "x");
    Files.writeString(dir.resolve("_MARKER"), "excluded");
    RunManifest.of(fs, hdir, run, "score", Set.of("_MARKER")).write(fs, hdir);
    Files.delete(dir.resolve("_MARKER"));
  }

  RunManifest.Check check() throws Exception {
    return RunManifest.check(fs, hdir);
  }

  @Test
  void aFolderAsWrittenIsValidAndNamesItsRun() throws Exception {
    RunManifest.Check c = check();
    assertTrue(c.valid(), c.problem());
    assertEquals(run, c.manifest().runId());
    assertEquals("score", c.manifest().command());
    assertEquals(Set.of("scores/part-00000.parquet", "summary.json", "name:with:colons"), c.manifest().files().keySet());
  }

  @Test
  void anAddedFileOrFolderIsNamed() throws Exception {
    Files.writeString(dir.resolve("scores/notes.txt"), "mine");
    assertEquals("it holds scores/notes.txt, which the run did not write (not in its manifest.json)", check().problem());
    Files.delete(dir.resolve("scores/notes.txt"));
    Files.createDirectories(dir.resolve("plots"));
    assertTrue(check().problem().contains("the folder plots"), check().problem());
  }

  @Test
  void aChangedFileOfTheSameSizeIsFoundByItsChecksum() throws Exception {
    Files.writeString(dir.resolve("scores/part-00000.parquet"), "0123456780");
    assertTrue(check().problem().contains("checksum differs"), check().problem());
    Files.writeString(dir.resolve("scores/part-00000.parquet"), "01234");
    assertTrue(check().problem().contains("5 bytes, 10 written"), check().problem());
  }

  @Test
  void aLostFileOrFolderIsNamed() throws Exception {
    Files.delete(dir.resolve("scores/empty"));
    assertEquals("its folder scores/empty is missing (listed in its manifest.json)", check().problem());
    Files.createDirectories(dir.resolve("scores/empty"));
    Files.delete(dir.resolve("summary.json"));
    assertEquals("its file summary.json is missing (listed in its manifest.json)", check().problem());
  }

  @Test
  void aSymbolicLinkIsNeverPartOfAnOutput() throws Exception {
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("summary.json"));
    assertTrue(check().problem().contains("symbolic link"), check().problem());
  }

  @Test
  void aManifestIsParsedStrictly() throws Exception {
    Path mf = dir.resolve(RunManifest.FILE);
    String good = Files.readString(mf);
    for (String[] bad : new String[][] {
        {"\"version\" : 1", "\"version\" : 2"}, {run, "../../elsewhere"}, {"scores/part-00000.parquet", "../x"},
        {"\"format\" : \"mcposterior-output-manifest\"", "\"format\" : \"other\""}}) {
      Files.writeString(mf, good.replace(bad[0], bad[1]));
      assertFalse(check().valid(), "refused: " + bad[1]);
      assertTrue(check().problem().contains("not a valid mcposterior manifest"), check().problem());
    }
    Files.writeString(mf, "not json");
    assertTrue(check().problem().contains("not JSON"), check().problem());
    Files.delete(mf);
    assertTrue(check().problem().contains("has no manifest.json"), check().problem());
  }

  @Test
  void aRunIdHasOneForm() {
    assertThrows(IllegalArgumentException.class, () -> RunManifest.of(fs, hdir, "../x", "score", Set.of()));
  }
}
