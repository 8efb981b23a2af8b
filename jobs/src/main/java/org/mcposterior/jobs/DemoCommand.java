package org.mcposterior.jobs;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.sampling.Samples;
import org.mcposterior.stochastic.McDropConnect;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.stochastic.StochasticNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Samples the posterior of the reference examples and prints their shapes and a summary. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Sample the posterior of small built-in networks and print shapes and a summary.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--iterations", defaultValue = "10000", description = "Stochastic passes per example (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--seed", defaultValue = "0", description = "Master seed of every mask (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    SamplerConfig cfg = SamplerConfig.defaults().withSeed(seed);
    MultiLayerNetwork mlp = DemoNetworks.referenceMlp(seed);
    Nd4j.getRandom().setSeed(seed);
    INDArray x = Nd4j.rand(DataType.FLOAT, 8, 10);
    summarise("MC dropout, MLP 10-8-4-2", McDropout.patch(mlp), cfg, x);
    MultiLayerNetwork cnn = DemoNetworks.referenceDropConnectCnn(seed);
    INDArray img = Nd4j.zeros(DataType.FLOAT, 1, 3, 10, 10).addi(1.0 / 255);
    summarise("MC DropConnect (p=0.9 on Linear), Conv2d(3->8, 10x10) -> Linear(8->1) -> sigmoid",
        McDropConnect.patch(cnn, 0.9, "Linear"), cfg, img);
    return 0;
  }

  private void summarise(String title, StochasticNetwork net, SamplerConfig cfg, INDArray x) {
    long t0 = System.nanoTime();
    Samples s;
    try (PosteriorSampler sampler = PosteriorSampler.of(net, cfg)) {
      s = sampler.predictOnBatch(x, iterations);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.println(title);
    System.out.printf(Locale.ROOT, "  input %s -> samples %s in %.2f s%n", java.util.Arrays.toString(x.shape()),
        java.util.Arrays.toString(s.shape()), secs);
    for (int n = 0; n < Math.min(3, s.batchSize()); n++) {
      StringBuilder sb = new StringBuilder("  example " + n + ":");
      for (int o = 0; o < s.outputSize(); o++) {
        double sum = 0, sq = 0;
        for (int t = 0; t < s.iterations(); t++) {
          double v = s.get(n, o, t);
          sum += v;
          sq += v * v;
        }
        double mean = sum / s.iterations();
        sb.append(String.format(Locale.ROOT, " output %d mean %.4f sd %.4f;", o, mean,
            Math.sqrt(Math.max(0, sq / s.iterations() - mean * mean))));
      }
      System.out.println(sb);
    }
  }
}
