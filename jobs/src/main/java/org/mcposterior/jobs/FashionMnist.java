package org.mcposterior.jobs;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, arXiv:1708.07747) from the IDX files Debian's
 * {@code dataset-fashion-mnist} package installs under {@code /usr/share/datasets/fashion-mnist}:
 * 28x28 grey images scaled to [0, 1], labels 0-9.
 */
public final class FashionMnist {
  /** Where Debian's package installs the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Images {@code [n][784]} in [0, 1] and their labels. */
  public record Split(float[][] images, int[] labels) {}

  private FashionMnist() {}

  public static boolean available(Path dir) {
    return Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
        && Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"));
  }

  /** The 60,000 training or 10,000 test examples, the first {@code limit} of them. */
  public static Split load(Path dir, boolean train, int limit) throws IOException {
    String prefix = train ? "train" : "t10k";
    float[][] images = images(dir.resolve(prefix + "-images-idx3-ubyte.gz"), limit);
    int[] labels = labels(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), images.length);
    return new Split(images, labels);
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(in), 1 << 16));
  }

  static float[][] images(Path file, int limit) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != 0x00000803) {
        throw new IOException(file + " is not an IDX image file (magic " + Integer.toHexString(magic) + ", expected 803)");
      }
      int n = Math.min(in.readInt(), limit);
      int rows = in.readInt(), cols = in.readInt();
      float[][] x = new float[n][rows * cols];
      byte[] buf = new byte[rows * cols];
      for (int i = 0; i < n; i++) {
        in.readFully(buf);
        for (int j = 0; j < buf.length; j++) {
          x[i][j] = (buf[j] & 0xFF) / 255f;
        }
      }
      return x;
    }
  }

  static int[] labels(Path file, int limit) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != 0x00000801) {
        throw new IOException(file + " is not an IDX label file (magic " + Integer.toHexString(magic) + ", expected 801)");
      }
      int n = Math.min(in.readInt(), limit);
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = in.readUnsignedByte();
      }
      return y;
    }
  }
}
