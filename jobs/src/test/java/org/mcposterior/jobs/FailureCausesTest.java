package org.mcposterior.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.mcposterior.jobs.score.JobInputException;

/** Paragraphs name causes in words: the disk-full cause as Hadoop wraps it, and foreign text quoted by own messages. */
class FailureCausesTest {
  @Test
  void aFullDiskWrappedByHadoopNamesNoJavaClass() {
    // Hadoop's local file system reports a full disk as FSError("java.io.IOException: ...") around
    // the IOException; Spark wraps both in its task-write error.
    IOException disk = new IOException("No space left on device");
    Error fsError = new Error(disk.toString(), disk);
    Failure f = Failure.of(new SparkException("[TASK_WRITE_FAILED] Task failed while writing rows to file:/x."
        + " SQLSTATE: 58030", new RuntimeException("Unable to close resource", fsError)), null);
    assertEquals(1, f.exitCode());
    assertTrue(f.paragraph().startsWith("a disk filled up while the run was writing (No space left on device);"),
        f.paragraph());
    assertFalse(f.paragraph().contains("java.") || f.paragraph().contains("SQLSTATE"), f.paragraph());
  }

  @Test
  void ownMessagesQuotingSparkAreCleaned() {
    Failure f = Failure.of(new JobInputException("pool p cannot be read as csv: [PATH_NOT_FOUND] Path does not"
        + " exist: file:/p. SQLSTATE: 42K03; check the path"), null);
    assertEquals("pool p cannot be read as csv: Path does not exist: file:/p.; check the path", f.paragraph());
  }
}
