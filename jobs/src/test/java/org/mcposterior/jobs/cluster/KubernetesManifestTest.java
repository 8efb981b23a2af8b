package org.mcposterior.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code cluster-configs/kubernetes/sparkapplication.yaml} (a spark-operator SparkApplication)
 * parsed as YAML: every field is a field of the operator's v1beta2 API, the fields it requires for a
 * Java application in cluster mode are there, nothing depends on the operator's mutating webhook
 * (no pod {@code env}: the BLAS environment is in {@code sparkConf}; the Java options in {@code
 * javaOptions}, which the operator's monitoring does not override), every setting equals {@code
 * kubernetes/spark-defaults.conf}'s, its arguments are options of {@code score}, and the Dockerfile
 * puts the application jar where the manifest looks, on the official Spark image of the default line.
 */
class KubernetesManifestTest {

  static Map<String, Object> app;
  static Map<String, Object> spec;
  static Properties conf;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    Path dir = ClusterConfigsTest.configs().resolve("kubernetes");
    try (Reader in = Files.newBufferedReader(dir.resolve("sparkapplication.yaml"))) {
      app = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
    spec = map(app, "spec");
    conf = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve("spark-defaults.conf"))) {
      conf.load(in);
    }
  }

  @Test
  void hasWhatTheOperatorRequiresForAJavaApplicationInClusterMode() {
    assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion"));
    assertEquals("SparkApplication", app.get("kind"));
    assertNotNull(map(app, "metadata").get("name"));
    assertEquals("Java", spec.get("type"));
    assertEquals("cluster", spec.get("mode"));
    assertEquals("org.mcposterior.jobs.Main", spec.get("mainClass"));
    assertTrue(String.valueOf(spec.get("mainApplicationFile")).startsWith("local:///"), "the jar is in the image");
    assertTrue(String.valueOf(spec.get("sparkVersion")).matches("4\\.[0-2]\\.\\d+"), "the default line's Spark");
    assertEquals("OnFailure", map(spec, "restartPolicy").get("type"));
    assertTrue(((Number) map(spec, "restartPolicy").get("onFailureRetries")).intValue() >= 1);
    for (String role : List.of("driver", "executor")) {
      Map<String, Object> r = map(spec, role);
      for (String field : List.of("cores", "memory", "memoryOverhead", "javaOptions")) {
        assertNotNull(r.get(field), role + "." + field);
      }
    }
    List<?> args = (List<?>) spec.get("arguments");
    assertEquals("score", args.get(0));
    assertTrue(args.contains("--overwrite"), "a retry (restartPolicy) rewrites --out only with --overwrite");
    AirflowDagTest.assertOptionsOfScore(args.stream().map(String::valueOf).toList(), "sparkapplication.yaml");
  }

  /**
   * The JSON field names of the operator's v1beta2 types (kubeflow/spark-operator,
   * api/v1beta2/sparkapplication_types.go: SparkApplicationSpec, SparkPodSpec with DriverSpec or
   * ExecutorSpec, RestartPolicy); a misspelt field is silently dropped by the API server.
   */
  static final Set<String> SPEC_FIELDS = Set.of("type", "sparkVersion", "mode", "proxyUser", "image",
      "imagePullPolicy", "imagePullSecrets", "mainClass", "mainApplicationFile", "arguments", "sparkConf", "hadoopConf",
      "sparkConfigMap", "hadoopConfigMap", "volumes", "driver", "executor", "deps", "restartPolicy", "nodeSelector",
      "failureRetries", "retryInterval", "pythonVersion", "memoryOverheadFactor", "monitoring", "batchScheduler",
      "timeToLiveSeconds", "batchSchedulerOptions", "sparkUIOptions", "driverIngressOptions", "dynamicAllocation");
  static final Set<String> POD_FIELDS = Set.of("template", "cores", "coreLimit", "memory", "memoryOverhead", "gpu",
      "image", "configMaps", "secrets", "env", "envVars", "envFrom", "envSecretKeyRefs", "labels", "annotations",
      "volumeMounts", "affinity", "tolerations", "podSecurityContext", "securityContext", "schedulerName", "sidecars",
      "initContainers", "hostNetwork", "nodeSelector", "dnsConfig", "terminationGracePeriodSeconds", "serviceAccount",
      "hostAliases", "shareProcessNamespace");
  static final Set<String> DRIVER_FIELDS = Set.of("podName", "coreRequest", "javaOptions", "lifecycle",
      "kubernetesMaster", "serviceAnnotations", "serviceLabels", "ports", "priorityClassName");
  static final Set<String> EXECUTOR_FIELDS = Set.of("instances", "coreRequest", "javaOptions", "lifecycle",
      "deleteOnTermination", "ports", "priorityClassName");
  static final Set<String> RESTART_FIELDS = Set.of("type", "onSubmissionFailureRetries", "onFailureRetries",
      "onSubmissionFailureRetryInterval", "onFailureRetryInterval");

  private static void assertFields(Map<String, Object> m, Set<String> allowed, String where) {
    for (String k : m.keySet()) {
      assertTrue(allowed.contains(k), where + "." + k + " is not a field of the operator's v1beta2 API");
    }
  }

  @Test
  void everyFieldIsAFieldOfTheOperatorsV1beta2Api() {
    assertEquals(Set.of("apiVersion", "kind", "metadata", "spec"), app.keySet());
    assertFields(spec, SPEC_FIELDS, "spec");
    Set<String> driver = new java.util.HashSet<>(POD_FIELDS);
    driver.addAll(DRIVER_FIELDS);
    Set<String> executor = new java.util.HashSet<>(POD_FIELDS);
    executor.addAll(EXECUTOR_FIELDS);
    assertFields(map(spec, "driver"), driver, "spec.driver");
    assertFields(map(spec, "executor"), executor, "spec.executor");
    assertFields(map(spec, "restartPolicy"), RESTART_FIELDS, "spec.restartPolicy");
  }

  @Test
  void nothingNeedsTheOperatorsWebhook() {
    for (String role : List.of("driver", "executor")) {
      for (String field : List.of("env", "envVars", "envFrom", "envSecretKeyRefs", "volumeMounts")) {
        assertTrue(!map(spec, role).containsKey(field), role + "." + field + " is applied only by the operator's"
            + " mutating webhook; set the environment through sparkConf instead");
      }
    }
    Map<String, Object> sparkConf = map(spec, "sparkConf");
    for (String k : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
      assertTrue(!sparkConf.containsKey(k), k + " in sparkConf is replaced by the operator's javaOptions when its"
          + " monitoring is on: the Java options belong in driver/executor.javaOptions");
    }
    for (String blas : List.of("OPENBLAS_CORETYPE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")) {
      assertTrue(sparkConf.containsKey("spark.kubernetes.driverEnv." + blas)
          && sparkConf.containsKey("spark.executorEnv." + blas), "driver and executors get " + blas + " from sparkConf");
    }
  }

  @Test
  void settingsEqualTheSparkDefaultsTemplate() {
    Map<String, Object> driver = map(spec, "driver");
    Map<String, Object> executor = map(spec, "executor");
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("spark.kubernetes.container.image", str(spec.get("image")));
    expected.put("spark.kubernetes.namespace", str(map(app, "metadata").get("namespace")));
    expected.put("spark.kubernetes.authenticate.driver.serviceAccountName", str(driver.get("serviceAccount")));
    expected.put("spark.driver.cores", str(driver.get("cores")));
    expected.put("spark.driver.memory", str(driver.get("memory")));
    expected.put("spark.driver.memoryOverhead", str(driver.get("memoryOverhead")));
    expected.put("spark.executor.instances", str(executor.get("instances")));
    expected.put("spark.executor.cores", str(executor.get("cores")));
    expected.put("spark.executor.memory", str(executor.get("memory")));
    expected.put("spark.executor.memoryOverhead", str(executor.get("memoryOverhead")));
    expected.put("spark.driver.extraJavaOptions", str(driver.get("javaOptions")));
    expected.put("spark.executor.extraJavaOptions", str(executor.get("javaOptions")));
    map(spec, "sparkConf").forEach((k, v) -> expected.put(k, str(v)));
    for (var e : expected.entrySet()) {
      String template = conf.getProperty(e.getKey());
      assertNotNull(template, "spark-defaults.conf has " + e.getKey() + " (the manifest sets it)");
      assertEquals(normalize(template), normalize(e.getValue()), e.getKey() + ": manifest = template");
    }
    assertTrue(str(executor.get("javaOptions")).contains("--add-opens"), "Java 17 flags and nd4j caps");
    for (String k : conf.stringPropertyNames()) {
      if (k.startsWith("spark.executorEnv.") || k.startsWith("spark.kubernetes.driverEnv.") || k.endsWith("JavaOptions")) {
        assertTrue(expected.containsKey(k), "the manifest carries the template's " + k);
      }
    }
  }

  @Test
  void dockerfilePutsTheJarWhereTheManifestLooksOnTheDefaultLinesSparkImage() throws IOException {
    String docker = Files.readString(ClusterConfigsTest.configs().resolve("kubernetes").resolve("Dockerfile"));
    Matcher from = Pattern.compile("(?m)^ARG SPARK_IMAGE=spark:(\\d+\\.\\d+\\.\\d+)-scala(\\d+\\.\\d+)-java17").matcher(docker);
    assertTrue(from.find(), "the default base is an official spark:<version>-scala<x>-java17 image");
    assertEquals(spec.get("sparkVersion"), from.group(1), "image and manifest name the same Spark");
    String jar = ProductJar.path().getFileName().toString();
    if (jar.contains("_2.13-")) {
      assertEquals("2.13", from.group(2), "the default line is Scala 2.13");
      assertTrue(docker.contains("ARG APP_JAR=jobs/target/" + jar), "the default APP_JAR is this build's jar " + jar);
    }
    assertTrue(docker.contains("/opt/mcposterior/mcposterior.jar"), "COPY destination");
    assertEquals("local:///opt/mcposterior/mcposterior.jar", spec.get("mainApplicationFile"));
    assertTrue(str(conf.getProperty("spark.kubernetes.container.image")).endsWith("-spark-" + from.group(1)),
        "the image tag names its Spark");
  }

  private static String normalize(String v) {
    return String.join(" ", v.trim().split("\\s+"));
  }

  private static String str(Object o) {
    return String.valueOf(o).trim();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    assertTrue(v instanceof Map, key + " is a mapping");
    return (Map<String, Object>) v;
  }

}
