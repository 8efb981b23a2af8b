package org.mcposterior.spark;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mcposterior.models.ModelLoadException;

/**
 * Reads a model file whole through Hadoop's file systems (local paths, HDFS, S3, ...), after
 * checking that it fits in one broadcast array and in the driver's heap beside its deserialised
 * copy (about 4 x its size).
 */
public final class ModelFiles {
  private ModelFiles() {}

  /**
   * The bytes of the model file at {@code path} (a DL4J model zip or an ONNX model).
   *
   * @param shown how the caller named it, for messages
   * @throws ModelLoadException if it is missing, not a file, too large or unreadable
   */
  public static byte[] read(Path path, String shown, Configuration conf) {
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path) || !fs.getFileStatus(path).isFile()) {
        throw new ModelLoadException("model file " + shown + " does not exist or is not a file; expected a DL4J model"
            + " zip written by ModelSerializer.writeModel or net.save(file), or an ONNX model (torch.onnx.export)");
      }
      long length = fs.getFileStatus(path).getLen();
      long heap = Runtime.getRuntime().maxMemory();
      if (length > ResourceCheck.MAX_ARRAY || length * 4 > heap) {
        throw new ModelLoadException("model file " + shown + " is " + ResourceCheck.bytes(length) + "; the driver reads it"
            + " whole and holds it with its parameters (about 4 x its size), more than "
            + (length > ResourceCheck.MAX_ARRAY ? "one Java array (2 GiB)" : "its heap (" + ResourceCheck.bytes(heap)
            + ")") + "; expected a model under " + ResourceCheck.bytes(Math.min(ResourceCheck.MAX_ARRAY, heap / 4))
            + (length > ResourceCheck.MAX_ARRAY ? "" : ", or a larger driver heap (bin/mcposterior:"
            + " MCPOSTERIOR_JAVA_OPTS=-Xmx16g; spark-submit: --driver-memory)"));
      }
      try (InputStream in = fs.open(path)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model file " + shown + ": " + CauseText.of(e), e);
    }
  }
}
