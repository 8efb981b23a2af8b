package org.mcposterior.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's "Supported DL4J layers" section lists every class of {@link ConformanceTable} under
 * the heading of how the plan treats it (native, through DL4J, refused), and nothing else.
 */
class ReadmeListsConformanceTest {

  @Test
  void readmeListsEveryClassOfTheTableUnderItsTreatment() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    int start = text.indexOf("## Supported DL4J layers");
    assertTrue(start >= 0, "README.md has no '## Supported DL4J layers' section");
    int end = text.indexOf("\n## ", start + 5);
    String section = text.substring(start, end < 0 ? text.length() : end);
    String nat = between(section, "**Native kernels**", "**Through DL4J");
    String dl4j = between(section, "**Through DL4J", "**Refused**");
    String refused = between(section, "**Refused**", "Configuration flags");
    List<String> wrong = new ArrayList<>();
    int listed = 0;
    for (Map.Entry<Class<?>, ConformanceTable.Case> e : ConformanceTable.cases().entrySet()) {
      String name = "`" + e.getKey().getSimpleName() + "`";
      String where = switch (e.getValue().how()) {
        case NATIVE -> nat;
        case DL4J -> dl4j;
        case REFUSED -> refused;
      };
      if (!where.contains(name)) {
        wrong.add(name + " should be listed as " + e.getValue().how());
      }
      listed++;
    }
    assertEquals(List.of(), wrong, "README.md disagrees with the conformance table");
    long backticked = (nat + dl4j + refused).chars().filter(c -> c == '`').count() / 2;
    assertEquals(listed, backticked, "README.md lists classes the conformance table does not have");
  }

  private static String between(String s, String from, String to) {
    int a = s.indexOf(from);
    int b = s.indexOf(to, a + 1);
    assertTrue(a >= 0 && b > a, "README section lacks '" + from + "' before '" + to + "'");
    return s.substring(a, b);
  }
}
