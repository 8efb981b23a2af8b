package org.mcposterior.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.mcposterior.jobs.score.JobInputException;
import org.mcposterior.jobs.score.JobSettingsException;

/** Every kind of failure becomes one line with the cause and the fix, and the right exit code. */
class FailureTest {
  /** How a task's failure reaches the driver: wrapped in Spark's writer and job exceptions. */
  static Throwable fromTask(Throwable inTask) {
    return new SparkException("Job aborted due to stage failure: Task 1 in stage 10.0 failed 1 times, most recent"
        + " failure: Lost task 1.0\n\nDriver stacktrace:", new SparkException("[TASK_WRITE_FAILED] Task failed while"
        + " writing rows to file:/x", inTask));
  }

  @Test
  void ownExceptionsKeepTheirMessageAndUsageIsTwo() {
    Failure usage = Failure.of(new JobSettingsException("--top-k = 0; expected a positive number"), null);
    assertEquals(2, usage.exitCode());
    assertEquals("--top-k = 0; expected a positive number", usage.paragraph());
    Failure input = Failure.of(fromTask(new JobInputException("pool x has 3 rows\nwith NaN")), "/tmp/l.log");
    assertEquals(1, input.exitCode());
    assertEquals("pool x has 3 rows with NaN", input.paragraph(), "one line, the task's own message");
  }

  @Test
  void diskFullNamesTheFixNotTheStack() {
    Failure f = Failure.of(fromTask(new IOException("No space left on device")), "/tmp/l.log");
    assertEquals(1, f.exitCode());
    assertTrue(f.paragraph().startsWith("a disk filled up"), f.paragraph());
    assertTrue(f.paragraph().contains("/tmp/l.log"), "names the log file: " + f.paragraph());
    assertFalse(f.paragraph().contains("\n"));
  }

  @Test
  void heapAndNativeMemoryGiveTheirOwnAdvice() {
    Failure heap = Failure.of(fromTask(new OutOfMemoryError("Java heap space")), null);
    assertTrue(heap.paragraph().contains("Java heap memory") && heap.paragraph().contains("--driver-memory"),
        heap.paragraph());
    assertFalse(heap.paragraph().contains("javacpp"), heap.paragraph());
    Failure nat = Failure.of(new OutOfMemoryError("Cannot allocate new FloatPointer(1000): totalBytes = 1G,"
        + " physicalBytes = 2G"), null);
    assertTrue(nat.paragraph().contains("native memory") && nat.paragraph().contains("javacpp.maxbytes"),
        nat.paragraph());
  }

  @Test
  void unknownFailuresNameTheRootCause() {
    Failure f = Failure.of(fromTask(new IllegalStateException("kaput")), null);
    assertEquals(1, f.exitCode());
    assertTrue(f.paragraph().contains("IllegalStateException: kaput") && f.paragraph().contains("--verbose"),
        f.paragraph());
  }
}
