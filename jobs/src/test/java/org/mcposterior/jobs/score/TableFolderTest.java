package org.mcposterior.jobs.score;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table's folder is not a folder of Parquet files: a Delta Lake, Iceberg or Hudi table (or a
 * partition folder inside one) given as {@code --pool} is refused before any work, naming the table
 * kind and how to read it, because its folder also holds files the table has removed.
 */
class TableFolderTest {
  @TempDir Path dir;

  private Path parquetFile(Path folder, String name) throws Exception {
    Files.createDirectories(folder);
    byte[] b = "PAR1 not really a footer, enough for the format check".getBytes(StandardCharsets.US_ASCII);
    return Files.write(folder.resolve(name), b);
  }

  private JobInputException refused(Path pool) {
    return assertThrows(JobInputException.class,
        () -> PoolFormat.check(new Configuration(), "--pool", pool.toString(), "parquet"));
  }

  @Test
  void aDeltaTableAndAPartitionOfItAreRefused() throws Exception {
    Path table = dir.resolve("events");
    parquetFile(table, "part-00000.parquet");
    parquetFile(table.resolve("day=1"), "part-00001.parquet");
    Files.createDirectories(table.resolve("_delta_log"));
    Files.writeString(table.resolve("_delta_log").resolve("00000000000000000000.json"), "{}");
    JobInputException e = refused(table);
    assertTrue(e.getMessage().contains("is a Delta Lake table") && e.getMessage().contains("pass --format delta")
        && e.getMessage().contains("--pool-version") && e.getMessage().contains("removed"), e.getMessage());
    JobInputException inner = refused(table.resolve("day=1"));
    assertTrue(inner.getMessage().contains("lies inside " ) && inner.getMessage().contains("Delta Lake")
        && inner.getMessage().contains("the table's folder, " + table), inner.getMessage());
  }

  @Test
  void anIcebergOrHudiTableIsRefused() throws Exception {
    Path iceberg = dir.resolve("ice");
    parquetFile(iceberg.resolve("data"), "00000-0-data.parquet");
    Files.createDirectories(iceberg.resolve("metadata"));
    Files.writeString(iceberg.resolve("metadata").resolve("v1.metadata.json"), "{}");
    assertTrue(refused(iceberg).getMessage().contains("Apache Iceberg")
        && refused(iceberg).getMessage().contains("pass --format iceberg"));
    assertTrue(refused(iceberg.resolve("data")).getMessage().contains("lies inside"));
    Path hudi = dir.resolve("hudi");
    parquetFile(hudi, "a.parquet");
    Files.createDirectories(hudi.resolve(".hoodie"));
    assertTrue(refused(hudi).getMessage().contains("Apache Hudi")
        && refused(hudi).getMessage().contains("format(\"hudi\")"));
  }

  @Test
  void aFolderOfParquetFilesWithAMetadataFolderOfOtherFilesIsAPool() throws Exception {
    Path pool = dir.resolve("pool");
    parquetFile(pool, "part-0.parquet");
    Files.createDirectories(dir.resolve("metadata"));
    Files.writeString(dir.resolve("metadata").resolve("notes.txt"), "not a table");
    assertDoesNotThrow(() -> PoolFormat.check(new Configuration(), "--pool", pool.toString(), "parquet"));
  }
}
