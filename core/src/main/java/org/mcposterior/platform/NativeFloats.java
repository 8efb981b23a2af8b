package org.mcposterior.platform;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A float array in native memory, readable and writable from Java (through a direct
 * {@link FloatBuffer} view) and passable to BLAS without a copy.
 *
 * <p>Not thread-safe: one owner at a time. {@link #close()} frees the memory at once instead of
 * waiting for the garbage collector; using the array after that is an error.
 */
public final class NativeFloats implements AutoCloseable {
  private final FloatPointer pointer;
  private final FloatBuffer buffer;
  private final long length;

  private NativeFloats(long length) {
    this(length, true);
  }

  private NativeFloats(long length, boolean zero) {
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("native float array length " + length
          + " is outside [0, " + Integer.MAX_VALUE + "]; lower the batch size or the memory budget");
    }
    this.length = length;
    this.pointer = new FloatPointer(Math.max(1, length));
    if (zero) {
      this.pointer.fill(0);
    }
    this.buffer = pointer.asBuffer();
  }

  /** A zero-filled array of {@code length} floats. */
  public static NativeFloats allocate(long length) {
    return new NativeFloats(length);
  }

  /**
   * An array of {@code length} floats with undefined contents, for a caller that writes all of
   * it before reading: skips the zeroing pass over fresh pages.
   */
  public static NativeFloats allocateUninitialised(long length) {
    return new NativeFloats(length, false);
  }

  /** A copy of {@code values} in native memory. */
  public static NativeFloats of(float[] values) {
    NativeFloats f = new NativeFloats(values.length);
    f.buffer.put(0, values);
    return f;
  }

  public int length() {
    return (int) length;
  }

  /** The direct buffer over this memory; absolute get/put only (its position is shared). */
  public FloatBuffer buffer() {
    return buffer;
  }

  FloatPointer pointer() {
    return pointer;
  }

  public float get(int i) {
    return buffer.get(i);
  }

  public void set(int i, float v) {
    buffer.put(i, v);
  }

  /** Copies {@code len} floats from {@code src[srcOff..]} to this array at {@code off}. */
  public void copyFrom(int off, float[] src, int srcOff, int len) {
    buffer.put(off, src, srcOff, len);
  }

  /** Copies {@code len} floats of this array from {@code off} into {@code dst[dstOff..]}. */
  public void copyTo(int off, float[] dst, int dstOff, int len) {
    buffer.get(off, dst, dstOff, len);
  }

  /** Copies {@code len} floats from {@code src} at {@code srcOff} into this array at {@code off}. */
  public void copyFrom(int off, NativeFloats src, int srcOff, int len) {
    buffer.put(off, src.buffer, srcOff, len);
  }

  @Override
  public void close() {
    pointer.deallocate();
  }
}
