package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.jobs.testsupport.SharedSpark;
import org.mcposterior.testsupport.Networks;

/**
 * Operators can tell a run's Spark jobs apart: every job of a {@code score} run belongs to the job
 * group {@code mcposterior-score-<run id>} and its description names the phase (validate, resume,
 * sample, top-k or joint selection), read back here from a {@link SparkListener} as the Spark UI and
 * the event log see them; and the thread's own group is restored after the run.
 */
class JobPhasesTest {
  static SparkSession spark;
  @TempDir static Path dir;
  static Path model;
  static Path pool;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SharedSpark.session();
    model = Fixtures.save(Networks.tabularMlp(7), dir, "mlp.zip");
    pool = Fixtures.parquetPool(spark, dir, "pool", Fixtures.features(11, 60, 12), 2);
  }

  /** The (group, description) of every job started while {@code run} runs. */
  static List<String[]> jobsOf(Runnable run) throws Exception {
    return jobsOf(spark, run);
  }

  /** The (group, description) of every job {@code spark}'s context starts while {@code run} runs. */
  static List<String[]> jobsOf(SparkSession spark, Runnable run) throws Exception {
    List<String[]> jobs = Collections.synchronizedList(new ArrayList<>());
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.add(new String[] {start.properties().getProperty(JobPhase.GROUP),
            start.properties().getProperty(JobPhase.DESCRIPTION)});
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      run.run();
      // the listener bus is asynchronous: a last job (in a group of its own) marks the end of the run's events
      String group = spark.sparkContext().getLocalProperty(JobPhase.GROUP);
      String description = spark.sparkContext().getLocalProperty(JobPhase.DESCRIPTION);
      spark.sparkContext().setJobGroup("marker", "marker", false);
      spark.range(1).count();
      spark.sparkContext().setLocalProperty(JobPhase.GROUP, group);
      spark.sparkContext().setLocalProperty(JobPhase.DESCRIPTION, description);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (jobs.stream().noneMatch(j -> "marker".equals(j[0])) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      synchronized (jobs) {
        return jobs.stream().filter(j -> !"marker".equals(j[0])).toList();
      }
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  static Set<String> phasesOf(List<String[]> jobs) {
    Set<String> group = new LinkedHashSet<>();
    Set<String> phases = new LinkedHashSet<>();
    for (String[] j : jobs) {
      assertTrue(j[0] != null && j[0].startsWith("mcposterior-score-"), "a job outside the run's group: " + j[0]
          + " / " + j[1]);
      group.add(j[0]);
      String runId = j[0].substring("mcposterior-score-".length());
      assertTrue(j[1].startsWith("mcposterior score " + runId + ": "), j[1]);
      phases.add(j[1].split(": ")[1]);
    }
    assertEquals(1, group.size(), "one group per run: " + group);
    return phases;
  }

  @Test
  void everyJobOfAScoreRunIsInItsGroupAndNamesItsPhase() throws Exception {
    spark.sparkContext().setJobGroup("caller", "the caller's own group", false);
    List<String[]> jobs = jobsOf(() -> runScore("bald", "out-bald"));
    assertEquals("caller", spark.sparkContext().getLocalProperty(JobPhase.GROUP), "the caller's group is restored");
    spark.sparkContext().clearJobGroup();
    Set<String> phases = phasesOf(jobs.stream().filter(j -> !"caller".equals(j[0])).toList());
    assertTrue(jobs.stream().noneMatch(j -> "caller".equals(j[0])), "no job of the run is left in the caller's group");
    assertTrue(phases.containsAll(List.of("validate", "sample", "top-k")), phases.toString());
    assertTrue(!phases.contains("joint selection"), phases.toString());
    assertNull(spark.sparkContext().getLocalProperty(JobPhase.DESCRIPTION));
  }

  @Test
  void aJointHeuristicsSelectionIsItsOwnPhase() throws Exception {
    Set<String> phases = phasesOf(jobsOf(() -> runScore("batch_bald", "out-batch-bald")));
    assertTrue(phases.containsAll(List.of("validate", "sample", "joint selection")), phases.toString());
    assertTrue(!phases.contains("top-k"), phases.toString());
  }

  private static void runScore(String heuristic, String out) {
    try {
      ScoreJob.run(spark, Cli.settings("--model", model.toString(), "--pool", pool.toString(), "--out",
          dir.resolve(out).toString(), "--iterations", "8", "--seed", "3", "--top-k", "4", "--heuristic", heuristic));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
