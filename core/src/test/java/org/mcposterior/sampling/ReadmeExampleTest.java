package org.mcposterior.sampling;

import org.mcposterior.models.ReferenceNetworks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcposterior.heuristics.Bald;
import org.mcposterior.heuristics.Heuristic;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The README's Java example, as written there, runs. */
class ReadmeExampleTest {
  @TempDir Path dir;

  @Test
  void readmeExampleRuns() throws Exception {
    Path zip = dir.resolve("model.zip");
    ModelSerializer.writeModel(ReferenceNetworks.mlp(1), zip.toFile(), false);
    INDArray x = Networks.input(2, 0, 1, 30, 784);
    List<INDArray> batchList = List.of(x.get(NDArrayIndex.interval(0, 15)), x.get(NDArrayIndex.interval(15, 30)));
    var batches = batchList.iterator();
    List<Long> stored = new ArrayList<>();

    // --- as in README.md ---
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File(zip.toString()));
    StochasticNetwork mc = McDropout.patch(net);
    try (PosteriorSampler sampler = PosteriorSampler.of(mc, SamplerConfig.defaults().withSeed(42))) {
      Samples s = sampler.predictOnBatch(x, 20);
      int[] shape = s.shape();
      double[] bald = new Bald().scores(s);
      int[] pick = Heuristic.byName("batch_bald").create().select(s, 10); // or Heuristic.BATCH_BALD
      sampler.predictOnDataset(batches, 20, (i, first, samples) -> stored.add(first), (done, rate) -> { });
      // --- checks ---
      assertArrayEquals(new int[] {30, 10, 20}, shape);
      assertEquals(30, bald.length);
      assertEquals(10, pick.length);
      assertEquals(List.of(0L, 15L), stored);
    }
    Model original = mc.unpatch();
    assertSame(net, original);
  }
}
