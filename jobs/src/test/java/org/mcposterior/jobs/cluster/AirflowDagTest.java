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
      "out = {'score_args': None, 'retries': None, 'operators': {}, 'spark_submit_keywords': [], 'env_vars': None,",
      "       'names': sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)})}",
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
      "        if name(node.func) == 'SparkSubmitOperator':",
      "            out['spark_submit_keywords'] = sorted(k.arg for k in node.keywords if k.arg)",
      "            out['env_vars'] = ast.unparse(kw['env_vars']) if 'env_vars' in kw else None",
      "print(json.dumps(out))");

  @TempDir
  Path tmp;

  @Test
  void dagsRunScoreWithKnownOptionsAndRetriesOverwrite() throws Exception {
    Path dag = ClusterConfigsTest.configs().resolve("airflow").resolve("mcposterior_score_dag.py");
    JsonNode got = read();

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

  /**
   * The keyword parameters of {@code SparkSubmitOperator.__init__} in apache-airflow-providers-apache-spark,
   * read with python3's {@code ast} from the provider's source (apache/airflow at 015d5de,
   * providers/apache/spark/src/airflow/providers/apache/spark/operators/spark_submit.py), plus the
   * {@code BaseOperator} keywords the DAG uses. An unknown keyword makes Airflow refuse the DAG.
   */
  static final Set<String> SPARK_SUBMIT_PARAMETERS = Set.of("application", "conf", "conn_id", "files", "py_files",
      "archives", "driver_class_path", "jars", "java_class", "packages", "exclude_packages", "repositories",
      "total_executor_cores", "executor_cores", "executor_memory", "driver_memory", "keytab", "principal",
      "proxy_user", "name", "num_executors", "status_poll_interval", "application_args", "env_vars", "verbose",
      "spark_binary", "properties_file", "yarn_queue", "deploy_mode", "use_krb5ccache", "post_submit_commands",
      "track_driver_via_k8s_api", "yarn_track_via_rm_api", "yarn_rm_auth", "openlineage_inject_parent_job_info",
      "openlineage_inject_transport_info", "reconnect_on_retry", "durable",
      // BaseOperator
      "task_id");

  @Test
  void sparkSubmitOperatorTakesItsSettingsThroughItsOwnParameters() throws Exception {
    JsonNode got = read();
    Set<String> keywords = new TreeSet<>();
    got.get("spark_submit_keywords").forEach(k -> keywords.add(k.asText()));
    for (String k : keywords) {
      assertTrue(SPARK_SUBMIT_PARAMETERS.contains(k), "SparkSubmitOperator has no parameter " + k);
    }
    assertTrue(keywords.containsAll(List.of("properties_file", "deploy_mode", "conn_id", "application", "java_class")),
        "settings through the operator's properties_file and deploy_mode: " + keywords);
    assertTrue(!keywords.contains("conf"), "no spark-defaults.conf re-parsed by hand into conf: " + keywords);
    assertTrue(got.get("env_vars").asText().contains("if DEPLOY_MODE == 'client'"),
        "env_vars (refused in standalone cluster mode, and not a cluster driver's environment) in client mode only: "
        + got.get("env_vars"));
    Set<String> names = new TreeSet<>();
    got.get("names").forEach(n -> names.add(n.asText()));
    assertTrue(!names.contains("read_spark_defaults"), "no hand-written spark-defaults.conf reader");
    String dag = Files.readString(ClusterConfigsTest.configs().resolve("airflow").resolve("mcposterior_score_dag.py"));
    assertTrue(!dag.contains("\"spark-home\"") && !dag.contains("'spark-home'"),
        "no spark-home connection extra, which the current provider refuses");
  }

  private JsonNode read() throws Exception {
    Path dag = ClusterConfigsTest.configs().resolve("airflow").resolve("mcposterior_score_dag.py");
    Path reader = Files.writeString(tmp.resolve("read_dag.py"), READER);
    Process p = new ProcessBuilder("python3", reader.toString(), dag.toString()).redirectError(tmp.resolve("err").toFile())
        .redirectOutput(tmp.resolve("out").toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 finished");
    assertEquals(0, p.exitValue(), "python3 parsed the DAG: " + Files.readString(tmp.resolve("err")));
    return new ObjectMapper().readTree(Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8));
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
