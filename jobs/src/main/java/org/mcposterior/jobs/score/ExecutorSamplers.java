package org.mcposterior.jobs.score;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.broadcast.Broadcast;
import org.mcposterior.models.Network;
import org.mcposterior.platform.BlasSelfCheck;
import org.mcposterior.platform.NativeGemm;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;

/**
 * One sampler per model per executor JVM: the broadcast model bytes are deserialised once, keyed
 * by the model's fingerprint and the sampling settings, and shared by every task the JVM runs
 * (the sampler is thread-safe; each concurrent task gets its own runner). The first use also runs
 * the BLAS self-check and sets BLAS to one thread per task, so BLAS threads x task slots never
 * exceed the executor's cores.
 */
final class ExecutorSamplers {
  private static final ConcurrentHashMap<String, PosteriorSampler> SAMPLERS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static volatile boolean configured;

  private ExecutorSamplers() {}

  static PosteriorSampler get(String fingerprint, Broadcast<byte[]> model, ScoreSettings settings, SamplerConfig config) {
    configure();
    String key = fingerprint + "|" + settings.dropout() + "|" + settings.dropConnect() + "|" + settings.dropConnectLayers()
        + "|" + config;
    return SAMPLERS.computeIfAbsent(key, k -> {
      LOADS.incrementAndGet();
      Network net = Network.fromBytes(model.value(), "broadcast model " + fingerprint.substring(0, 12));
      return PosteriorSampler.of(ScoreJob.stochastic(net, settings), config);
    });
  }

  private static void configure() {
    if (!configured) {
      synchronized (ExecutorSamplers.class) {
        if (!configured) {
          BlasSelfCheck.requireCorrect();
          NativeGemm.setThreads(Integer.getInteger("mcposterior.blasThreads", 1));
          configured = true;
        }
      }
    }
  }

  /** How many times this JVM deserialised a model (tests check "once per JVM"). */
  static int modelLoads() {
    return LOADS.get();
  }
}
