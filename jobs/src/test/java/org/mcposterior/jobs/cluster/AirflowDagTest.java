package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.Main;

/**
 * {@code cluster-configs/airflow/mcposterior_score_dag.py} read by python3's own parser ({@code ast},
 * in a child process; no Airflow needed): both DAGs run {@code score} with SCORE_ARGS, every option
 * there is one {@code score --help} lists, and since the DAGs retry, SCORE_ARGS writes with
 * {@code --overwrite} (a retry of a run that got as far as writing must replace, not refuse).
 */
class AirflowDagTest {

  /** Prints, as JSON, what the DAG file passes: SCORE_ARGS, default retries, and how each operator uses them. */
  private static final String READER = String.join("\n",
      "import ast, json, sys",
      "tree = ast.parse(open(sys.argv[1], encoding='utf-8').read(), filename=sys.argv[1])",
      "out = {'score_args': None, 'retries': None, 'operators': {}}",
      "def name(n):",
      "    return n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else None",
      "for node in ast.walk(tree):",
      "    if isinstance(node, (ast.Assign, ast.AnnAssign)):",
      "        targets = node.targets if isinstance(node, ast.Assign) else [node.target]",
      "        for t in targets:",
      "            if name(t) == 'SCORE_ARGS':",
      "                out['score_args'] = ast.literal_eval(node.value)",
      "            if name(t) == 'DEFAULT_ARGS':",
      "                out['retries'] = ast.literal_eval(node.value.values[[k.value for k in node.value.keys].index('retries')])",
      "    if isinstance(node, ast.Call) and name(node.func) in ('SparkSubmitOperator', 'BashOperator'):",
      "        kw = {k.arg: k.value for k in node.keywords}",
      "        if name(node.func) == 'SparkSubmitOperator':",
      "            a = kw['application_args']",
      "            use = [e.value if isinstance(e, ast.Constant) else '*' + name(e.value) for e in a.elts]",
      "        else:",
      "            use = sorted({n.id for n in ast.walk(kw['bash_command']) if isinstance(n, ast.Name)})",
      "        out['operators'][name(node.func)] = use",
      "print(json.dumps(out))");

  @TempDir
  Path tmp;

  @Test
  void dagsRunScoreWithKnownOptionsAndRetriesOverwrite() throws Exception {
    Path dag = ClusterConfigsTest.configs().resolve("airflow").resolve("mcposterior_score_dag.py");
    Path reader = Files.writeString(tmp.resolve("read_dag.py"), READER);
    Process p = new ProcessBuilder("python3", reader.toString(), dag.toString()).redirectError(tmp.resolve("err").toFile())
        .redirectOutput(tmp.resolve("out").toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 finished");
    assertEquals(0, p.exitValue(), "python3 parsed the DAG: " + Files.readString(tmp.resolve("err")));
    JsonNode got = new ObjectMapper().readTree(Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8));

    List<String> args = new ArrayList<>();
    got.get("score_args").forEach(a -> args.add(a.asText()));
    assertTrue(!args.isEmpty(), "SCORE_ARGS is a literal list: " + got);
    assertOptionsOfScore(args, dag.getFileName().toString());
    assertTrue(got.get("retries").asInt() >= 1, "the DAGs retry: " + got);
    assertTrue(args.contains("--overwrite"), "retried runs write with --overwrite: " + args);
    assertEquals("[\"score\",\"*SCORE_ARGS\"]", got.get("operators").get("SparkSubmitOperator").toString(),
        "SparkSubmitOperator runs score with SCORE_ARGS");
    assertTrue(got.get("operators").get("BashOperator").toString().contains("SCORE_ARGS"),
        "the BashOperator's command is built from SCORE_ARGS: " + got);
  }

  /** Every {@code --option} in {@code args} is one that {@code mcposterior score --help} lists. */
  static void assertOptionsOfScore(List<String> args, String where) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, Main.execute(new PrintWriter(out), new PrintWriter(err), "score", "--help"), err.toString());
    Set<String> known = new TreeSet<>();
    Matcher m = Pattern.compile("(?<![\\w-])(--[a-z][a-z0-9-]*)").matcher(out.toString());
    while (m.find()) {
      known.add(m.group(1));
    }
    assertTrue(known.contains("--model") && known.contains("--overwrite"), "score --help lists its options: " + known);
    for (String a : args) {
      if (a.startsWith("--")) {
        String option = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        assertTrue(known.contains(option), where + " passes " + option + ", which score --help does not list: " + known);
      }
    }
  }

}
