package org.mcposterior.sampling;

import org.mcposterior.models.ReferenceNetworks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.mcposterior.models.Network;
import org.mcposterior.stochastic.McDropConnect;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.testsupport.Tolerances;
import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Streaming a pool batch by batch, McDropoutLayer persistence, configured DropConnect. */
class StreamingTest {

  @Test
  void datasetIsStreamedBatchByBatchWithProgressAndEqualsOneBatch() {
    MultiLayerNetwork net = ReferenceNetworks.mlp(1);
    INDArray pool = Networks.input(2, 0, 1, 50, 784);
    List<INDArray> batches = new ArrayList<>();
    int[] sizes = {7, 13, 1, 29};
    int from = 0;
    for (int s : sizes) {
      batches.add(pool.get(NDArrayIndex.interval(from, from + s)));
      from += s;
    }
    List<Samples> received = new ArrayList<>();
    List<Long> firsts = new ArrayList<>();
    List<Long> progress = new ArrayList<>();
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults())) {
      long n = s.predictOnDataset(batches.iterator(), 12, (i, first, samples) -> {
        assertEquals(received.size(), i);
        received.add(samples);
        firsts.add(first);
      }, (done, rate) -> progress.add(done));
      assertEquals(50, n);
      assertEquals(List.of(0L, 7L, 20L, 21L), firsts);
      assertEquals(List.of(7L, 20L, 21L, 50L), progress);
      Samples whole = s.predictOnBatch(pool, 12);
      Tolerances.assertClose(whole.toFloatArray(), Samples.concat(received).toFloatArray(), 1e-6, "streamed = whole");
    }
  }

  @Test
  void mcDropoutLayerSurvivesSaveAndLoad() throws Exception {
    MultiLayerNetwork net = Networks.referenceMcMlp(3);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ModelSerializer.writeModel(net, out, false);
    Network loaded = Network.fromBytes(out.toByteArray(), "memory");
    INDArray x = Networks.input(4, -1, 1, 5, 10);
    // DL4J's own inference of the reloaded network is MC too, and repeats the original's sequence.
    MultiLayerNetwork again = loaded.multiLayer();
    assertEquals(net.output(x, false), again.output(x, false));
    try (PosteriorSampler a = PosteriorSampler.of(StochasticNetwork.of(net), SamplerConfig.defaults());
        PosteriorSampler b = PosteriorSampler.of(StochasticNetwork.of(again), SamplerConfig.defaults())) {
      assertEquals(a.predictOnBatch(x, 9), b.predictOnBatch(x, 9));
    }
  }

  @Test
  void configuredDl4jDropConnectIsKeptOnAtInference() {
    var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(5)
        .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT).list()
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(6).nOut(20)
            .activation(org.nd4j.linalg.activations.Activation.RELU)
            .weightNoise(new org.deeplearning4j.nn.conf.weightnoise.DropConnect(0.7)).build())
        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
            org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nIn(20).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    INDArray x = Networks.input(6, 0, 1, 4, 6);
    try (PosteriorSampler s = PosteriorSampler.of(McDropConnect.patch(net), SamplerConfig.defaults())) {
      Samples samples = s.predictOnBatch(x, 50);
      double spread = 0;
      for (int t = 1; t < 50; t++) {
        spread = Math.max(spread, Math.abs(samples.get(0, 0, t) - samples.get(0, 0, 0)));
      }
      assertTrue(spread > 1e-3, "configured DropConnect (retain 0.7) makes samples vary");
      assertTrue(s.plan(new int[][] {{6}}).describe().contains("dropconnect p=0.3"), s.plan(new int[][] {{6}}).describe());
    }
  }
}
