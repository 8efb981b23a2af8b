package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mcposterior.heuristics.Heuristics;

/**
 * The path from the command line to Parquet is command -> API -> core and does not come back: the
 * API's sources name no command-line class, and no source of {@code jobs} spells a joint
 * heuristic's name (core's {@link Heuristics} decides what a name means). Read from the sources,
 * so a fully qualified reference counts as much as an import.
 */
class ApiLayeringTest {
  static List<Path> sources(String dir) throws IOException {
    try (Stream<Path> s = Files.walk(Path.of(dir))) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void theApiDependsOnNoCommandLineClass() throws IOException {
    List<String> offenders = new ArrayList<>();
    List<Path> api = sources("src/main/java/org/mcposterior/spark");
    assertTrue(api.size() > 10, "the API's sources are where this test looks: " + api);
    for (Path p : api) {
      if (Files.readString(p).contains("org.mcposterior.jobs")) {
        offenders.add(p.getFileName().toString());
      }
    }
    assertEquals(List.of(), offenders, "API classes that reach back into org.mcposterior.jobs");
  }

  @Test
  void noJobsSourceSpellsAJointHeuristicsName() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path p : sources("src/main/java")) {
      String text = Files.readString(p);
      for (String name : Heuristics.JOINT) {
        if (text.contains("\"" + name + "\"")) {
          offenders.add(p.getFileName() + ": \"" + name + "\"");
        }
      }
    }
    assertEquals(List.of(), offenders, "heuristic names belong to core's Heuristics");
  }
}
