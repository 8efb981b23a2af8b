package org.mcposterior.jobs.score;

import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One phase of a run (validating the pool, sampling, selecting), as operators see it: every Spark
 * job the phase starts belongs to the job group {@code mcposterior-<command>-<run id>} and carries
 * the description {@code mcposterior <command> <run id>: <phase>: <what>}, so the Spark UI and the
 * event log say what each job is and which run it serves, and a stuck phase can be told from a slow
 * one. The phase is logged as it starts, to the run's log file (logger {@code mcposterior.phase});
 * the console's progress lines name the sampling phase. Spark keeps the group and description per thread: closing
 * the phase restores the thread's earlier ones (none, usually), so a caller's own group survives.
 */
final class JobPhase implements AutoCloseable {
  /** Phases go to the run's log file, not the console, where a refusal stays one paragraph (bin/mcposterior). */
  private static final Logger LOG = LoggerFactory.getLogger("mcposterior.phase");
  static final String GROUP = "spark.jobGroup.id";
  static final String DESCRIPTION = "spark.job.description";
  static final String INTERRUPT = "spark.job.interruptOnCancel";

  private final SparkContext sc;
  private final String group;
  private final String description;
  private final String interrupt;

  private JobPhase(SparkContext sc) {
    this.sc = sc;
    this.group = sc.getLocalProperty(GROUP);
    this.description = sc.getLocalProperty(DESCRIPTION);
    this.interrupt = sc.getLocalProperty(INTERRUPT);
  }

  /** The job group of run {@code runId} of {@code command}. */
  static String group(String command, String runId) {
    return "mcposterior-" + command + "-" + runId;
  }

  /**
   * Starts phase {@code phase} ({@code validate}, {@code sample}, {@code top-k}, {@code joint
   * selection}...) of run {@code runId}; {@code what} says what its jobs compute, for the UI.
   */
  static JobPhase start(SparkContext sc, String command, String runId, String phase, String what) {
    JobPhase p = new JobPhase(sc);
    sc.setJobGroup(group(command, runId), "mcposterior " + command + " " + runId + ": " + phase + ": " + what, false);
    LOG.info("phase {}: {}", phase, what);
    return p;
  }

  @Override
  public void close() {
    sc.setLocalProperty(GROUP, group);
    sc.setLocalProperty(DESCRIPTION, description);
    sc.setLocalProperty(INTERRUPT, interrupt);
  }
}
