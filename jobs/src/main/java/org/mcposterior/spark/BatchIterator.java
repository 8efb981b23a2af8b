package org.mcposterior.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An iterator that refills a buffer batch by batch from its source, so a task streams its rows:
 * it holds one batch's results at a time, never its partition's.
 */
abstract class BatchIterator<T> implements Iterator<T> {
  private final List<T> buffer = new ArrayList<>();
  private int pos;

  /** Adds the results of the next batch to {@code buffer}. */
  abstract void fill(List<T> buffer);

  /** Whether the source has no rows left. */
  abstract boolean exhausted();

  @Override
  public boolean hasNext() {
    while (pos >= buffer.size()) {
      if (exhausted()) {
        return false;
      }
      buffer.clear();
      pos = 0;
      fill(buffer);
    }
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return buffer.get(pos++);
  }

  /** At most {@code n} items of {@code it}, so one fill samples one batch. */
  static <T> Iterator<T> take(Iterator<T> it, int n) {
    return new Iterator<>() {
      private int taken;

      @Override
      public boolean hasNext() {
        return taken < n && it.hasNext();
      }

      @Override
      public T next() {
        taken++;
        return it.next();
      }
    };
  }
}
