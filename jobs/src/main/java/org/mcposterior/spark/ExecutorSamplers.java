package org.mcposterior.spark;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.mcposterior.models.Network;
import org.mcposterior.platform.BlasSelfCheck;
import org.mcposterior.platform.NativeGemm;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;

/**
 * One sampler per model and stochastic settings per executor JVM: the broadcast model bytes are
 * deserialised once and the sampler is shared by every task the JVM runs (the sampler is
 * thread-safe; each concurrent task gets its own runner). The first use also runs the BLAS
 * self-check and sets BLAS to one thread per task, so BLAS threads x task slots never exceed the
 * executor's cores.
 *
 * <p>Tasks lease a sampler and give it back ({@link Lease#close}); at most {@value #KEPT} samplers
 * are kept warm, the least recently used idle ones beyond that are closed, releasing their native
 * memory. A JVM that scores many models in turn (the {@code learn} loop scores a new model every
 * step) thus holds the native memory of a few, not of all of them. A sampler in use is never closed.
 */
final class ExecutorSamplers {
  /** Samplers kept per JVM when idle. */
  static final int KEPT = 2;

  /** What a sampler depends on besides the model bytes: a value, compared field by field. */
  record Key(String fingerprint, double dropout, double dropConnect, List<String> dropConnectLayers,
      SamplerConfig config) {}

  private static final class Entry {
    final PosteriorSampler sampler;
    int users;

    Entry(PosteriorSampler sampler) {
      this.sampler = sampler;
    }
  }

  /** A sampler lent to one task; close it when the task's batch is done. */
  static final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    PosteriorSampler sampler() {
      return entry.sampler;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        giveBack(entry);
      }
    }
  }

  private static final Map<Key, Entry> SAMPLERS = new LinkedHashMap<>(16, 0.75f, true); // access order
  private static int loads;
  private static boolean configured;

  private ExecutorSamplers() {}

  static synchronized Lease lease(String fingerprint, Broadcast<byte[]> model, ScorerSettings settings,
      SamplerConfig config) {
    configure();
    Key key = new Key(fingerprint, settings.dropout(), settings.dropConnect(), settings.dropConnectLayers(), config);
    Entry e = SAMPLERS.get(key);
    if (e == null) {
      loads++;
      Network net = Network.fromBytes(model.value(), "broadcast model " + fingerprint.substring(0, 12));
      e = new Entry(PosteriorSampler.of(settings.stochastic(net), config));
      SAMPLERS.put(key, e);
    }
    e.users++;
    closeIdleBeyondKept();
    return new Lease(e);
  }

  private static synchronized void giveBack(Entry e) {
    e.users--;
    closeIdleBeyondKept();
  }

  /** Closes idle samplers, least recently used first, while more than {@link #KEPT} are held. */
  private static void closeIdleBeyondKept() {
    Iterator<Entry> it = SAMPLERS.values().iterator();
    while (SAMPLERS.size() > KEPT && it.hasNext()) {
      Entry e = it.next();
      if (e.users == 0) {
        it.remove();
        e.sampler.close();
      }
    }
  }

  private static void configure() {
    if (!configured) {
      BlasSelfCheck.requireCorrect();
      NativeGemm.setThreads(Integer.getInteger("mcposterior.blasThreads", 1));
      configured = true;
    }
  }

  /** How many times this JVM deserialised a model (tests check "once per JVM"). */
  static synchronized int modelLoads() {
    return loads;
  }

  /** How many samplers this JVM holds now (tests check the bound). */
  static synchronized int held() {
    return SAMPLERS.size();
  }
}
