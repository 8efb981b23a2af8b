package org.mcposterior.jobs.score;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The driver JVM's heap high-water marks since construction. {@code peakBytes} is what the heap
 * pools held at most, garbage included (an upper bound; it grows with -Xmx, not with the pool).
 * {@code liveBytes} is the most the old generation held right after a collection: the data the
 * JVM really kept, the figure that must stay flat as pools grow. In local mode the executors
 * share the JVM, so both count their work too.
 */
final class HeapPeak implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private volatile long live;

  HeapPeak() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mcposterior-heap");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getName().contains("Old")
          && p.getCollectionUsage() != null) {
        live = Math.max(live, p.getCollectionUsage().getUsed());
      }
    }
  }

  long peakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  long liveBytes() {
    sample();
    return live;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
