package org.mcposterior.jobs.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.Main;

/**
 * Bad input to {@code learn} through the command line: one paragraph naming the value and the
 * fix, exit code 2 for what the arguments alone show and 1 for what reading the input finds,
 * nothing written, and no training started (no step was logged).
 */
class LearnBadInputTest {
  @TempDir Path dir;

  String refused(int expectedCode, List<String> args, String... mentions) throws Exception {
    Path out = dir.resolve("out");
    List<String> all = new ArrayList<>(List.of("learn", "--out", out.toString()));
    all.addAll(args);
    StringWriter err = new StringWriter(), outText = new StringWriter();
    java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    int code;
    System.setOut(new java.io.PrintStream(stdout, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      code = Main.execute(new PrintWriter(outText), new PrintWriter(err), all.toArray(new String[0]));
    } finally {
      System.setOut(old);
    }
    String msg = err.toString();
    assertEquals(expectedCode, code, "exit code for " + all + ": " + msg);
    for (String m : mentions) {
      assertTrue(msg.contains(m), "message should mention '" + m + "': " + msg);
    }
    assertEquals(1, msg.strip().split("\n").length, "one paragraph: " + msg);
    assertFalse(msg.contains("\tat "), "no stack trace: " + msg);
    assertFalse(stdout.toString(java.nio.charset.StandardCharsets.UTF_8).contains(" step "),
        "no training may start: " + stdout);
    assertFalse(Files.exists(out), "nothing written to --out");
    try (var files = Files.list(dir)) {
      assertEquals(0, files.filter(p -> p.getFileName().toString().startsWith("out.")).count(), "no temporary output");
    }
    return msg;
  }

  @Test
  void aQueryLargerThanThePoolLeft() throws Exception {
    refused(2, List.of("--pool-size", "100", "--query", "20", "--steps", "5"), "--query 20", "--pool-size is 100",
        "pool left");
  }

  @Test
  void anUnknownHeuristic() throws Exception {
    refused(2, List.of("--heuristics", "random,bold"), "'bold'", "bald");
  }

  @Test
  void missingDataSetFiles() throws Exception {
    Path data = Files.createDirectories(dir.resolve("empty-data"));
    refused(1, List.of("--data", data.toString()), data.toString(), "train-images-idx3-ubyte.gz",
        "dataset-fashion-mnist");
  }

  @Test
  void corruptDataSetFiles() throws Exception {
    Path data = Files.createDirectories(dir.resolve("bad-data"));
    for (String f : LearnSettings.FILES) {
      Files.write(data.resolve(f), new byte[] {1, 2, 3});
    }
    refused(1, List.of("--data", data.toString()), "cannot read Fashion-MNIST", data.toString());
  }

  @Test
  void badNumbersAndNames() throws Exception {
    refused(2, List.of("--network", "resnet"), "--network resnet", "mlp");
    refused(2, List.of("--posterior", "dropconnect", "--weight-drop", "1.5"), "--weight-drop = 1.5");
    refused(2, List.of("--pool-size", "70000"), "--pool-size = 70000", "60000");
    refused(2, List.of("--seeds", "1,1"), "repeats a seed");
    refused(2, List.of("--learning-rate", "-1"), "learning rate -1.0");
  }

  @Test
  void aNonNumberIsAUsageError() throws Exception {
    refused(2, List.of("--steps", "ten"), "'ten' is not an int");
  }

  @Test
  void anExistingOutputIsKept() throws Exception {
    Path out = Files.createDirectories(dir.resolve("kept"));
    Files.writeString(out.resolve("mine.txt"), "user data");
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "learn", "--out", out.toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains("already exists"), err.toString());
    assertEquals("user data", Files.readString(out.resolve("mine.txt")));
  }

  @Test
  void overwriteReplacesOnlyAnEarlierMcposteriorOutput() throws Exception {
    Path out = Files.createDirectories(dir.resolve("not-ours"));
    Files.writeString(out.resolve("mine.txt"), "user data");
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "learn", "--out", out.toString(),
        "--overwrite", "--pool-size", "1000", "--steps", "1");
    assertEquals(1, code, err.toString());
    assertTrue(err.toString().contains("is not an mcposterior output"), err.toString());
    assertEquals("user data", Files.readString(out.resolve("mine.txt")));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.filter(p -> p.getFileName().toString().startsWith("not-ours.")).count(),
          "no claim or temporary output left beside --out");
    }
  }
}
