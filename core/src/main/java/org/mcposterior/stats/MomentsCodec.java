package org.mcposterior.stats;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The compact binary form of {@link Moments} and {@link MomentsBatch}, for the Spark shuffle and
 * for files. Big-endian, fixed layout:
 *
 * <pre>
 * byte    format version ({@value #FORMAT_VERSION}), checked first on read
 * byte    kind: 1 = one example (Moments), 2 = a batch (MomentsBatch)
 * byte    r, the rank of the output shape (1 to 127)
 * int[r]  the output shape [C, d1, ...]
 * kind 1: long count; double[K] sums; double[K] sums of squares; double[P] sums of p ln p
 * kind 2: int N; long[N] counts; double[N K] sums; double[N K] squares; double[N P] p ln p
 * int     CRC-32C of every byte before it
 * </pre>
 *
 * where {@code K = C * P} and {@code P} is the product of the extra dimensions. One example of 10
 * classes takes {@code 3 + 4 + 8 + 8 * 21 + 4 = 187} bytes. Doubles are written bit for bit, so
 * a round trip is exact. A reader refuses, with {@link MomentsFormatException}, any other version,
 * the other kind, a length that does not match the header (truncated or padded bytes) and a
 * checksum mismatch (corrupted bytes). Stateless and thread-safe.
 */
public final class MomentsCodec {
  /** The version this build writes and the only one it reads. */
  public static final byte FORMAT_VERSION = 1;

  static final byte KIND_EXAMPLE = 1;
  static final byte KIND_BATCH = 2;
  private static final int CRC_BYTES = 4;

  private MomentsCodec() {}

  /** The bytes of one example's moments. */
  public static byte[] encode(Moments m) {
    OutputShape s = m.shape();
    ByteBuffer b = ByteBuffer.allocate(headerBytes(s) + 8 + 8 * (2 * s.size() + s.positions()) + CRC_BYTES);
    putHeader(b, KIND_EXAMPLE, s);
    b.putLong(m.count());
    putAll(b, m.sumsArray());
    putAll(b, m.squaresArray());
    putAll(b, m.plogpArray());
    return finish(b);
  }

  /** The bytes of a whole batch of moments. */
  public static byte[] encode(MomentsBatch batch) {
    OutputShape s = batch.shape();
    long n = batch.batchSize();
    long size = headerBytes(s) + 4 + 8 * n + 8 * n * (2L * s.size() + s.positions()) + CRC_BYTES;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a batch of " + n + " examples of shape " + s + " needs " + size
          + " bytes, more than a byte array holds. Fix: encode smaller batches");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size);
    putHeader(b, KIND_BATCH, s);
    b.putInt(batch.batchSize());
    for (long c : batch.countsArray()) {
      b.putLong(c);
    }
    putAll(b, batch.sumsArray());
    putAll(b, batch.squaresArray());
    putAll(b, batch.plogpArray());
    return finish(b);
  }

  /**
   * Reads one example's moments written by {@link #encode(Moments)}.
   *
   * @throws MomentsFormatException on another version, the batch kind, a wrong length or a bad
   *     checksum
   */
  public static Moments decodeMoments(byte[] bytes) {
    ByteBuffer b = open(bytes, KIND_EXAMPLE);
    OutputShape s = readShape(b, bytes.length);
    expectLength(bytes, headerBytes(s) + 8L + 8L * (2L * s.size() + s.positions()) + CRC_BYTES, "one example of shape " + s);
    long count = readCount(b, 0);
    return new Moments(s, count, getAll(b, s.size()), getAll(b, s.size()), getAll(b, s.positions()));
  }

  /**
   * Reads a batch of moments written by {@link #encode(MomentsBatch)}.
   *
   * @throws MomentsFormatException on another version, the example kind, a wrong length or a bad
   *     checksum
   */
  public static MomentsBatch decodeBatch(byte[] bytes) {
    ByteBuffer b = open(bytes, KIND_BATCH);
    OutputShape s = readShape(b, bytes.length);
    int n = readInt(b, bytes.length);
    if (n < 0) {
      throw new MomentsFormatException("moments bytes declare a batch of " + n + " examples: expected >= 0."
          + " The bytes are corrupted; re-encode them");
    }
    expectLength(bytes, headerBytes(s) + 4L + 8L * n + 8L * n * (2L * s.size() + s.positions()) + CRC_BYTES,
        "a batch of " + n + " examples of shape " + s);
    MomentsBatch batch = MomentsBatch.empty(n, s.dims());
    long[] counts = batch.countsArray();
    for (int i = 0; i < n; i++) {
      counts[i] = readCount(b, i);
    }
    b.asDoubleBuffer().get(batch.sumsArray()).get(batch.squaresArray()).get(batch.plogpArray());
    return batch;
  }

  private static int headerBytes(OutputShape s) {
    return 3 + 4 * s.dims().length;
  }

  private static void putHeader(ByteBuffer b, byte kind, OutputShape s) {
    int[] dims = s.dims();
    if (dims.length > Byte.MAX_VALUE) {
      throw new IllegalArgumentException("output shape " + s + " has rank " + dims.length + ": at most "
          + Byte.MAX_VALUE + " can be encoded");
    }
    b.put(FORMAT_VERSION).put(kind).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
  }

  private static void putAll(ByteBuffer b, double[] values) {
    b.asDoubleBuffer().put(values);
    b.position(b.position() + 8 * values.length);
  }

  private static double[] getAll(ByteBuffer b, int n) {
    double[] v = new double[n];
    b.asDoubleBuffer().get(v);
    b.position(b.position() + 8 * n);
    return v;
  }

  private static byte[] finish(ByteBuffer b) {
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static ByteBuffer open(byte[] bytes, byte kind) {
    String what = kind == KIND_EXAMPLE ? "one example's Moments" : "a MomentsBatch";
    if (bytes.length < 3 + CRC_BYTES) {
      throw new MomentsFormatException("moments bytes are " + bytes.length + " long: expected at least "
          + (3 + CRC_BYTES) + " for " + what + ". The bytes are truncated; re-encode them with MomentsCodec");
    }
    if (bytes[0] != FORMAT_VERSION) {
      throw new MomentsFormatException("moments bytes have format version " + bytes[0] + ": this build reads"
          + " version " + FORMAT_VERSION + " only. Fix: read them with the mcposterior version that wrote"
          + " them, or recompute the moments");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - CRC_BYTES);
    int stored = ByteBuffer.wrap(bytes, bytes.length - CRC_BYTES, CRC_BYTES).getInt();
    if (stored != (int) crc.getValue()) {
      throw new MomentsFormatException("moments bytes (" + bytes.length + " bytes) have checksum "
          + Integer.toHexString(stored) + " but their content hashes to " + Integer.toHexString((int) crc.getValue())
          + ": the bytes are truncated or corrupted. Fix: re-encode them from the source moments");
    }
    if (bytes[1] != kind) {
      String found = bytes[1] == KIND_EXAMPLE ? "one example (Moments)" : bytes[1] == KIND_BATCH
          ? "a batch (MomentsBatch)" : "unknown kind " + bytes[1];
      throw new MomentsFormatException("moments bytes hold " + found + ", expected " + what + ". Fix: decode with "
          + (bytes[1] == KIND_BATCH ? "MomentsCodec.decodeBatch" : "MomentsCodec.decodeMoments"));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - CRC_BYTES);
    b.position(2);
    return b;
  }

  private static OutputShape readShape(ByteBuffer b, int length) {
    int rank = b.get();
    if (rank < 1) {
      throw new MomentsFormatException("moments bytes declare an output shape of rank " + rank
          + ": expected 1 to " + Byte.MAX_VALUE + ". The bytes are corrupted; re-encode them");
    }
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = readInt(b, length);
    }
    try {
      return OutputShape.of(dims);
    } catch (InvalidSamplesException e) {
      throw new MomentsFormatException("moments bytes declare an invalid output shape: " + e.getMessage());
    }
  }

  private static int readInt(ByteBuffer b, int length) {
    try {
      return b.getInt();
    } catch (BufferUnderflowException e) {
      throw new MomentsFormatException("moments bytes end after " + length + " bytes, inside the header."
          + " The bytes are truncated; re-encode them");
    }
  }

  private static long readCount(ByteBuffer b, int example) {
    long c = b.getLong();
    if (c < 0) {
      throw new MomentsFormatException("moments bytes hold iteration count " + c + " for example " + example
          + ": expected >= 0. The bytes are corrupted; re-encode them");
    }
    return c;
  }

  private static void expectLength(byte[] bytes, long expected, String what) {
    if (bytes.length != expected) {
      throw new MomentsFormatException("moments bytes are " + bytes.length + " long, but " + what + " takes "
          + expected + " bytes: the bytes are " + (bytes.length < expected ? "truncated" : "padded or concatenated")
          + ". Fix: pass exactly the bytes MomentsCodec.encode wrote");
    }
  }
}
