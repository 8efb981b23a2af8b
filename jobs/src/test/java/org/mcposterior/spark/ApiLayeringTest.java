package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mcposterior.heuristics.Heuristics;

/**
 * No source of {@code jobs} spells a joint heuristic's name (core's {@link Heuristics} decides what
 * a name means); read from the sources, since a string constant leaves no dependency in the
 * bytecode. That the API uses no command-line class is an ArchUnit rule ({@code
 * JobsLayeringTest.theApiDoesNotDependOnTheCommandLine}).
 */
class ApiLayeringTest {
  static List<Path> sources(String dir) throws IOException {
    try (Stream<Path> s = Files.walk(Path.of(dir))) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
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
