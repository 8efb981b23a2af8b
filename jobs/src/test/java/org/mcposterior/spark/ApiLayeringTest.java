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
import org.apache.spark.sql.types.DataTypes;
import org.mcposterior.heuristics.Heuristic;

/**
 * No source of {@code jobs} spells a joint heuristic's name (core's {@link Heuristic} decides what
 * a name means); read from the sources, since a string constant leaves no dependency in the
 * bytecode (every heuristic's name and score column, and branches on heuristics, are checked by
 * {@code org.mcposterior.jobs.HeuristicRegistryUseTest}). The scores output holds every score column. That the API uses no command-line class is an ArchUnit rule ({@code
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
      for (String name : java.util.Arrays.stream(Heuristic.values()).filter(Heuristic::isJoint).map(Heuristic::label)
          .toList()) {
        if (text.contains("\"" + name + "\"")) {
          offenders.add(p.getFileName() + ": \"" + name + "\"");
        }
      }
    }
    assertEquals(List.of(), offenders, "heuristic names belong to core's Heuristic");
  }

  @Test
  void theScoresOutputHoldsEveryScoreColumnInCoresOrder() {
    List<String> fields = List.of(ScoreRows.schema(DataTypes.createStructField("id", DataTypes.StringType, false),
        false).fieldNames());
    for (Heuristic h : Heuristic.scored()) {
      assertTrue(fields.contains(h.scoreColumn()), h + " not in " + fields);
    }
    assertEquals(Heuristic.scoreColumns(), fields.stream().filter(Heuristic.scoreColumns()::contains).toList());
  }
}
