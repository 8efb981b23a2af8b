package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.platform.BuildInfo;

/**
 * The format versions of the files runs read back ({@link RunFormat}): what is written, what is
 * read, and the one paragraph that refuses a newer file; and the build's version as the pom says.
 */
public class RunFormatTest {
  @TempDir Path dir;

  /** The parent pom's {@code <version>}, read from the source tree (Surefire runs in the jobs module). */
  public static String pomVersion() throws Exception {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    String pom = Files.readString(module.resolveSibling("pom.xml"));
    Matcher m = Pattern.compile("<artifactId>mcposterior-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertTrue(m.find(), "the parent pom names its version");
    return m.group(1);
  }

  @Test
  void theWrittenVersionIsThePomsProjectVersion() throws Exception {
    String pom = pomVersion();
    assertEquals(pom, BuildInfo.version());
    Map<String, Object> header = RunFormat.SUMMARY.header();
    assertEquals(1, header.get("format_version"));
    assertEquals(Map.of("mcposterior", pom, "deeplearning4j", BuildInfo.deeplearning4jVersion()), header.get("versions"));
    assertFalse(BuildInfo.deeplearning4jVersion().contains("${"), BuildInfo.deeplearning4jVersion());
  }

  @Test
  void aNewerVersionIsRefusedWithOneParagraphNamingFileVersionAndFix() {
    ObjectNode summary = new ObjectMapper().createObjectNode().put("format_version", 7).put("status", "succeeded");
    UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
        () -> RunFormat.SUMMARY.check("--scores /data/run/summary.json", summary));
    assertEquals("--scores /data/run/summary.json is a run summary in format version 7, written by a newer mcposterior;"
        + " this mcposterior (" + BuildInfo.version() + ") reads a run summary in version 1 only, so nothing was read"
        + " from it: use the mcposterior version that wrote it, or a newer one", e.getMessage());
    assertTrue(e instanceof InvalidInputException, "the command line's exit code 1");
    e = assertThrows(UnsupportedFormatException.class,
        () -> RunFormat.STEPS.check("steps.json", Map.of("format_version", 2)));
    assertTrue(e.getMessage().contains("format version 2") && e.getMessage().contains("newer mcposterior"), e.getMessage());
    e = assertThrows(UnsupportedFormatException.class, () -> RunFormat.CLAIM.checkText("the claim", "3"));
    assertTrue(e.getMessage().contains("format version 3"), e.getMessage());
  }

  @Test
  void aVersionNoMcposteriorWritesIsRefusedAsDamaged() {
    for (Object bad : new Object[] {0, -1, "1", 1.5}) {
      UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
          () -> RunFormat.SUMMARY.check("summary.json", Map.of("format_version", bad)), String.valueOf(bad));
      assertTrue(e.getMessage().contains("which no mcposterior writes"), e.getMessage());
    }
  }

  @Test
  void filesFromBeforeVersionsAreVersion1ExceptTheManifestWhichAlwaysHadOne() {
    assertEquals(1, RunFormat.SUMMARY.check("summary.json", Map.of("status", "succeeded")));
    assertEquals(1, RunFormat.SUMMARY.check("summary.json", new ObjectMapper().createObjectNode()));
    assertEquals(1, RunFormat.STEPS.check("steps.json", Map.of()));
    assertEquals(1, RunFormat.CLAIM.checkText("claim", null));
    assertEquals(1, RunFormat.MARKER.checkText("marker", null));
    assertEquals(1, RunFormat.SUMMARY.check("summary.json", Map.of("format_version", 1)));
    UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
        () -> RunFormat.MANIFEST.check("manifest.json", new ObjectMapper().createObjectNode()));
    assertTrue(e.getMessage().contains("has no \"version\""), e.getMessage());
  }

  @Test
  void aManifestOfANewerVersionIsNotAnOutputAndReadersSayWhy() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path hdir = new org.apache.hadoop.fs.Path(dir.toUri());
    Files.writeString(dir.resolve("summary.json"), "{}");
    RunManifest.of(fs, hdir, UUID.randomUUID().toString(), "score", Set.of()).write(fs, hdir);
    ObjectMapper json = new ObjectMapper();
    ObjectNode m = (ObjectNode) json.readTree(dir.resolve(RunManifest.FILE).toFile());
    assertEquals(RunFormat.MANIFEST.version(), m.get("version").asInt(), "written with this build's version");
    assertTrue(RunManifest.check(fs, hdir).valid());
    m.put("version", 2);
    Files.write(dir.resolve(RunManifest.FILE), json.writeValueAsBytes(m));
    RunManifest.Check c = RunManifest.check(fs, hdir);
    assertFalse(c.valid());
    assertNotNull(c.unsupported());
    UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
        () -> RunManifest.require(fs, hdir, "score", "--scores " + dir));
    assertTrue(e.getMessage().contains("an output manifest in format version 2") && e.getMessage().contains("a newer one"),
        e.getMessage());
  }
}
