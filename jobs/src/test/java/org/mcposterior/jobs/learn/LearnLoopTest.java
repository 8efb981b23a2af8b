package org.mcposterior.jobs.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.FashionMnist;
import org.mcposterior.jobs.Main;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * The loop's mechanics on real Fashion-MNIST (bin/test installs Debian's package), through the
 * command line, in Spark local mode: 1 seed, 3 steps, a 1,000-image pool, small training. No
 * accuracy is asserted.
 */
class LearnLoopTest {
  static final int POOL = 1000, INITIAL = 20, QUERY = 20, STEPS = 3;
  static SparkSession spark;
  @TempDir static Path dir;
  static JsonNode first;
  static JsonNode second;

  static JsonNode run(String name, String heuristics) throws Exception {
    Path out = dir.resolve(name);
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "learn", "--out", out.toString(),
        "--pool-size", "" + POOL, "--initial", "" + INITIAL, "--query", "" + QUERY, "--steps", "" + STEPS,
        "--heuristics", heuristics, "--seeds", "5", "--epochs", "2", "--min-batches", "20", "--test-size", "500",
        "--iterations", "10");
    assertEquals(0, code, err.toString());
    return new ObjectMapper().readTree(out.resolve("steps.json").toFile()).get("steps"); // the versioned file's steps
  }

  @BeforeAll
  static void setUp() throws Exception {
    assertTrue(FashionMnist.available(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is missing under "
        + FashionMnist.DEFAULT_DIR + ": install Debian's dataset-fashion-mnist (bin/test does)");
    spark = SharedSpark.session();
    first = run("first", "bald,random");
    second = run("second", "bald"); // the rerun: bald only, to keep the test short
  }

  static int[] ints(JsonNode a) {
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asInt();
    }
    return v;
  }

  static List<JsonNode> curve(JsonNode steps, String heuristic) {
    List<JsonNode> c = new ArrayList<>();
    steps.forEach(s -> {
      if (s.get("heuristic").asText().equals(heuristic)) {
        c.add(s);
      }
    });
    return c;
  }

  @Test
  void theLabelledSetGrowsByExactlyThePicksWhichAreNewDistinctPoolPositions() {
    for (String h : List.of("bald", "random")) {
      List<JsonNode> c = curve(first, h);
      assertEquals(STEPS + 1, c.size());
      Set<Integer> everPicked = new HashSet<>();
      for (int k = 0; k <= STEPS; k++) {
        JsonNode s = c.get(k);
        int[] labelled = ints(s.get("labelled"));
        assertEquals(k, s.get("step").asInt());
        assertEquals(INITIAL + k * QUERY, labelled.length, h + " step " + k);
        assertEquals(labelled.length, s.get("labels").asInt());
        assertEquals(labelled.length, new HashSet<>(toList(labelled)).size(), "an example labelled twice");
        int[] picked = ints(s.get("picked"));
        assertEquals(k < STEPS ? QUERY : 0, picked.length);
        Set<Integer> before = new HashSet<>(toList(labelled));
        for (int p : picked) {
          assertTrue(p >= 0 && p < POOL, "pick " + p + " is not a pool position");
          assertTrue(!before.contains(p), "pick " + p + " was already labelled");
          assertTrue(everPicked.add(p), "pick " + p + " picked twice");
        }
        if (k < STEPS) {
          int[] next = ints(c.get(k + 1).get("labelled"));
          int[] expected = new int[labelled.length + picked.length];
          System.arraycopy(labelled, 0, expected, 0, labelled.length);
          System.arraycopy(picked, 0, expected, labelled.length, picked.length);
          assertArrayEquals(expected, next, "next labelled set = this one + this step's picks");
        }
        int sum = 0;
        for (int n : ints(s.get("picked_classes"))) {
          sum += n;
        }
        assertEquals(picked.length, sum);
      }
      int[] initialClasses = ints(c.get(0).get("labelled_classes"));
      assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, initialClasses, "balanced initial set");
    }
  }

  @Test
  void everyStepOfEveryHeuristicStartsTrainingFromTheSameWeights() {
    Set<String> starts = new HashSet<>();
    first.forEach(s -> starts.add(s.get("start_fingerprint").asText()));
    assertEquals(1, starts.size(), "initial weights differ between steps: " + starts);
    assertArrayEquals(ints(curve(first, "bald").get(0).get("labelled")), ints(curve(first, "random").get(0).get("labelled")),
        "heuristics of one seed share the initial set");
  }

  @Test
  void aRerunWithTheSeedPicksTheSame() {
    List<JsonNode> a = curve(first, "bald"), b = curve(second, "bald");
    assertEquals(STEPS + 1, b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(ints(a.get(i).get("picked")), ints(b.get(i).get("picked")), "step " + i);
      assertEquals(a.get(i).get("test_accuracy").asDouble(), b.get(i).get("test_accuracy").asDouble(),
          "a rerun trains the same networks");
      assertEquals(a.get(i).get("start_fingerprint").asText(), b.get(i).get("start_fingerprint").asText());
    }
  }

  @Test
  void writesTheSummaryParquetAndPage() throws Exception {
    Path out = dir.resolve("first");
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(STEPS + 1, summary.get("curves").get("bald").get("labels").size());
    assertTrue(summary.get("labels_to_reach_random").has("labels_needed"));
    assertEquals((STEPS + 1) * 2, spark.read().parquet(out.resolve("steps").toString()).count());
    assertTrue(Files.readString(out.resolve("curves.html")).contains("<svg"), "learning curves drawn");
    try (var files = Files.list(dir)) {
      assertEquals(0, files.filter(p -> p.getFileName().toString().contains(".tmp-")).count(),
          "no temporary folders left next to --out");
    }
  }

  @Test
  void mergingRunsCombinesTheirCurvesAndRefusesACurveTwice() throws Exception {
    Path merged = dir.resolve("merged");
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "learn", "--out", merged.toString(),
        "--merge", dir.resolve("first").toString());
    assertEquals(0, code, err.toString());
    ObjectMapper m = new ObjectMapper();
    JsonNode a = m.readTree(dir.resolve("first").resolve("summary.json").toFile()).get("curves");
    JsonNode b = m.readTree(merged.resolve("summary.json").toFile()).get("curves");
    for (String h : List.of("bald", "random")) {
      assertEquals(a.get(h).get("test_accuracy"), b.get(h).get("test_accuracy"), h);
      assertEquals(a.get(h).get("mc_nll"), b.get(h).get("mc_nll"), h);
    }
    assertEquals(m.readTree(dir.resolve("first").resolve("steps.json").toFile()), m.readTree(merged.resolve("steps.json").toFile()));
    Path twice = dir.resolve("twice");
    StringWriter err2 = new StringWriter();
    int code2 = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err2), "learn", "--out", twice.toString(),
        "--merge", dir.resolve("first") + "," + dir.resolve("second"));
    assertEquals(1, code2);
    assertTrue(err2.toString().contains("bald seed 5 appears in more than one run"), err2.toString());
    assertTrue(!Files.exists(twice));
  }

  static List<Integer> toList(int[] a) {
    List<Integer> l = new ArrayList<>();
    for (int v : a) {
      l.add(v);
    }
    return l;
  }
}
