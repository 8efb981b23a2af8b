package org.mcposterior.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mcposterior.heuristics.Heuristic;

/**
 * {@code jobs} knows heuristics only through core's {@link Heuristic} registry: no source under
 * {@code src/main/java} holds a string literal that is a heuristic's name or score column (alone,
 * in any case, or as a comma-separated list of them), and none branches on a heuristic ({@code
 * switch} on one, a {@code case} label or an {@code ==}/{@code equals} against a constant). Read
 * from the sources, since a string constant leaves no trace in the bytecode.
 *
 * <p>Names inside longer messages ("pass --heuristic batch_bald or epig") are prose, not a name the
 * code acts on, and are left alone; a literal exactly equal to a name (or a list of names) is what
 * the code would compare, look up or default to, and is refused. Referring to a constant ({@code
 * Heuristic.BATCH_BALD} for the API's BatchBALD entry point) is the registry's use, not a branch.
 */
class HeuristicRegistryUseTest {
  private static final Path MAIN = Path.of("src/main/java");

  /** Every heuristic's label and score column. */
  private static Set<String> names() {
    Set<String> names = new LinkedHashSet<>(Heuristic.labels());
    names.addAll(Heuristic.scoreColumns());
    return names;
  }

  @Test
  void noSourceHoldsAHeuristicNameAsALiteral() throws IOException {
    Set<String> names = names();
    List<String> offenders = new ArrayList<>();
    for (Path p : sources()) {
      for (Literal l : JavaSource.literals(Files.readString(p))) {
        String v = l.value().trim().toLowerCase(Locale.ROOT);
        List<String> parts = Arrays.stream(v.split(",", -1)).map(String::trim).toList();
        if (!v.isEmpty() && names.containsAll(parts)) {
          offenders.add(MAIN.relativize(p) + ":" + l.line() + ": \"" + l.value() + "\"");
        }
      }
    }
    assertEquals(List.of(), offenders, "heuristic names and score columns come from core's Heuristic (label(),"
        + " scoreColumn(), labels()), not from literals in jobs");
  }

  @Test
  void noSourceBranchesOnAHeuristic() throws IOException {
    String constants = Arrays.stream(Heuristic.values()).map(Enum::name).collect(Collectors.joining("|"));
    List<Pattern> branches = List.of(
        Pattern.compile("switch\\s*\\([^)]*(?i:heuristic)"),
        Pattern.compile("\\bcase\\s+(?:Heuristic\\.)?(?:" + constants + ")\\b"),
        Pattern.compile("[=!]=\\s*(?:Heuristic\\.)?(?:" + constants + ")\\b"),
        Pattern.compile("\\b(?:Heuristic\\.)(?:" + constants + ")\\s*[=!]="),
        Pattern.compile("\\b(?:Heuristic\\.)(?:" + constants + ")\\s*\\.equals\\s*\\("),
        Pattern.compile("\\.equals\\s*\\(\\s*(?:Heuristic\\.)(?:" + constants + ")\\b"));
    List<String> offenders = new ArrayList<>();
    for (Path p : sources()) {
      String[] lines = JavaSource.code(Files.readString(p)).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        for (Pattern b : branches) {
          if (b.matcher(lines[i]).find()) {
            offenders.add(MAIN.relativize(p) + ":" + (i + 1) + ": " + lines[i].trim());
          }
        }
      }
    }
    assertEquals(List.of(), offenders, "what differs per heuristic is a property of core's Heuristic (isJoint(),"
        + " needsTarget(), fits(), priority(), joint()), not a branch in jobs");
  }

  @Test
  void theScanSeesLiteralsAndBranchesAndSkipsComments() {
    // The scan itself: a literal in code is found with its line, one in a comment or a longer message is not.
    String src = "class A {\n  // \"bald\" in a comment\n  /* \"epig\" */ String a = \"x\";\n"
        + "  String b = \"BATCH_BALD\", c = \"pass --heuristic epig\", d = \"random,bald\";\n"
        + "  char q = '\"'; String e = \"a \\\"quoted\\\" bald\";\n  void f(Heuristic h) { switch (h) { } }\n}\n";
    Set<String> names = names();
    List<String> found = JavaSource.literals(src).stream()
        .filter(l -> names.containsAll(Arrays.stream(l.value().toLowerCase(Locale.ROOT).split(",")).map(String::trim)
            .toList()))
        .map(l -> l.line() + ":" + l.value()).toList();
    assertEquals(List.of("4:BATCH_BALD", "4:random,bald"), found);
    assertTrue(JavaSource.code(src).contains("switch (h)") && !JavaSource.code(src).contains("in a comment"));
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** A string literal's value (escapes left as written) and the line it starts on. */
  record Literal(String value, int line) {}

  /** Just enough of Java's lexical structure to tell code, comments, strings and chars apart. */
  static final class JavaSource {
    private JavaSource() {}

    /** The string literals of {@code src} outside comments (text blocks included, as one literal). */
    static List<Literal> literals(String src) {
      List<Literal> out = new ArrayList<>();
      scan(src, out, null);
      return out;
    }

    /** {@code src} with comments removed and string and char literals emptied, lines kept. */
    static String code(String src) {
      StringBuilder b = new StringBuilder();
      scan(src, null, b);
      return b.toString();
    }

    private static void scan(String s, List<Literal> literals, StringBuilder code) {
      int line = 1;
      int i = 0;
      int n = s.length();
      while (i < n) {
        char c = s.charAt(i);
        if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
          while (i < n && s.charAt(i) != '\n') {
            i++;
          }
        } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
          int end = s.indexOf("*/", i + 2);
          end = end < 0 ? n : end + 2;
          line += newlines(s, i, end, code);
          i = end;
        } else if (c == '"' || c == '\'') {
          boolean block = c == '"' && s.startsWith("\"\"\"", i);
          String close = block ? "\"\"\"" : String.valueOf(c);
          int start = i + close.length();
          int j = start;
          while (j < n && !s.startsWith(close, j)) {
            j += s.charAt(j) == '\\' ? 2 : 1;
          }
          if (literals != null && c == '"') {
            literals.add(new Literal(s.substring(start, Math.min(j, n)), line));
          }
          if (code != null) {
            code.append(close).append(close);
          }
          int end = Math.min(n, j + close.length());
          line += newlines(s, i, end, code);
          i = end;
        } else {
          if (c == '\n') {
            line++;
          }
          if (code != null) {
            code.append(c);
          }
          i++;
        }
      }
    }

    /** The newlines in {@code s[from, to)}, also appended to {@code code} so its lines stay aligned. */
    private static int newlines(String s, int from, int to, StringBuilder code) {
      int k = 0;
      for (int i = from; i < to; i++) {
        if (s.charAt(i) == '\n') {
          k++;
          if (code != null) {
            code.append('\n');
          }
        }
      }
      return k;
    }
  }
}
