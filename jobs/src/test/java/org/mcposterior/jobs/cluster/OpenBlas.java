package org.mcposterior.jobs.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The BLAS settings every cluster JVM that runs DL4J needs: nd4j's OpenBLAS kernel and one BLAS
 * thread per task slot (DESIGN.md, invariant 7). Clusters hand them to executors only through an
 * application's settings, never through the daemons' environment, so a configuration that forgets
 * them fails in the tests as on a real cluster. Stateless.
 */
final class OpenBlas {

  /** Kernel when the test JVM sets none: correct on every AVX2 CPU. */
  static final String DEFAULT_CORETYPE = "HASWELL";
  /** The environment variables that steer OpenBLAS. */
  static final Set<String> VARIABLES = Set.of("OPENBLAS_CORETYPE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS");

  private OpenBlas() {
  }

  /** {@code OPENBLAS_CORETYPE} of the test JVM, else {@link #DEFAULT_CORETYPE}. */
  static String coretype() {
    String c = System.getenv("OPENBLAS_CORETYPE");
    return c == null || c.isBlank() ? DEFAULT_CORETYPE : c;
  }

  /** The kernel and one thread, as environment variables, in a fixed order. */
  static Map<String, String> singleThreaded(String coretype) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OPENBLAS_CORETYPE", coretype);
    env.put("OMP_NUM_THREADS", "1");
    env.put("OPENBLAS_NUM_THREADS", "1");
    return env;
  }
}
