package org.mcposterior.jobs.score;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.platform.BuildInfo;
import org.mcposterior.spark.RunFormat;
import org.mcposterior.spark.ScoredPool;
import org.mcposterior.spark.ValidatedPool;

/**
 * What must be equal for a run to reuse a dead run's finished partitions: every setting that can
 * change a score (the summary's settings, less where the output goes, whether to overwrite or
 * resume, and the top-k size and candidates, which only the selection after the scores reads),
 * the key's own format ({@link RunFormat#RESUME_KEY}) and mcposterior's version, the model's
 * fingerprint, the identity of every input file (path, size, modification time), and
 * the work grid (partitions, shards, and Spark's settings that decide how files are split into
 * partitions). Keys are compared whole; the difference is named to the user.
 */
final class ResumeKey {
  private static final List<String> NOT_IN_KEY = List.of("out", "overwrite", "resume", "top_k", "candidates");
  private static final List<String> SPLIT_SETTINGS = List.of("spark.sql.files.maxPartitionBytes",
      "spark.sql.files.openCostInBytes", "spark.sql.files.minPartitionNum", "spark.sql.files.maxPartitionNum");

  private ResumeKey() {}

  static SortedMap<String, String> of(SparkSession spark, ScoreSettings s, String modelFingerprint, ValidatedPool pool,
      ValidatedPool target, ScoredPool scored) throws IOException {
    SortedMap<String, String> key = new TreeMap<>();
    for (Map.Entry<String, Object> e : s.toMap().entrySet()) {
      if (!NOT_IN_KEY.contains(e.getKey())) {
        key.put("setting " + e.getKey(), String.valueOf(e.getValue()));
      }
    }
    key.put(RunFormat.RESUME_KEY.field(), Integer.toString(RunFormat.RESUME_KEY.version()));
    key.put("mcposterior version", BuildInfo.version());
    key.put("model fingerprint", modelFingerprint);
    key.put("pool files", files(spark, pool));
    key.put("target files", target == null ? "none" : files(spark, target));
    key.put("partitions", Integer.toString(scored.outputPartitions()));
    key.put("iteration shards", Integer.toString(scored.shards()));
    key.put("pool partitions", Integer.toString(scored.partitions()));
    for (String conf : SPLIT_SETTINGS) {
      key.put("spark " + conf, spark.conf().getOption(conf).getOrElse(() -> "default"));
    }
    return key;
  }

  /** Every file the pool is read from, with its size and modification time; in path order. */
  private static String files(SparkSession spark, ValidatedPool pool) throws IOException {
    StringBuilder b = new StringBuilder();
    String[] files = pool.rows().inputFiles();
    java.util.Arrays.sort(files);
    for (String f : files) {
      Path p = UserPaths.fromSpark(f); // percent-encoded: a folder with a space is "a%20b"
      FileStatus st = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).getFileStatus(p);
      b.append(f).append(' ').append(st.getLen()).append(' ').append(st.getModificationTime()).append('\n');
    }
    return b.toString();
  }
}
