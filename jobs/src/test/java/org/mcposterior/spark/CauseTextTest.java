package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Foreign messages as a user reads them: the words that say what happened, nothing Java- or Spark-internal. */
class CauseTextTest {
  @Test
  void sparkErrorClassesAndSqlStatesGo() {
    assertEquals("Path does not exist: file:/data/pool.", CauseText.clean(
        "[PATH_NOT_FOUND] Path does not exist: file:/data/pool. SQLSTATE: 42K03"));
    assertEquals("Could not read footer for file: file:/p/README.txt.", CauseText.clean(
        "[FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER] Could not read footer for file: file:/p/README.txt. SQLSTATE: KD001"
            + "\n\tat org.apache.spark..."));
  }

  @Test
  void javaClassNamesGoButBracketsOfTheMessageStay() {
    assertEquals("No space left on device", CauseText.of(new RuntimeException(
        "java.io.IOException: No space left on device")));
    assertEquals("x (No such file or directory)", CauseText.clean("java.io.FileNotFoundException: x (No such file"
        + " or directory)"));
    assertEquals("columns are [id, features, LABEL_2]", CauseText.clean("columns are [id, features, LABEL_2]"));
    assertEquals("no details given", CauseText.of(new IOException()));
  }
}
