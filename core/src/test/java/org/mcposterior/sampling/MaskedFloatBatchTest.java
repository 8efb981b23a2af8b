package org.mcposterior.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.models.InputShapeException;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float[] form of the masked {@code predictOnBatch} (the Spark job's path) gives exactly the
 * samples of the INDArray form, MC dropout on, and refuses a mask that does not fit.
 */
class MaskedFloatBatchTest {
  @Test
  void theFloatFormEqualsTheIndarrayForm() {
    MultiLayerNetwork net = Networks.lstmPerStep(51);
    INDArray x = Networks.input(52, -1, 1, 3, 3, 7);
    float[] m = {1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    INDArray mask = Nd4j.create(m, new long[] {3, 7}, 'c').castTo(DataType.FLOAT);
    long[] keys = {5, 6, 7};
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.builder(net).mcDropout(0.3).build(),
        SamplerConfig.defaults().withSeed(4))) {
      float[] viaArrays = s.predictOnBatch(x, mask, keys, 2, 5).get(0).toFloatArray();
      float[] viaFloats = s.predictOnBatch(x.dup('c').data().asFloat(), new int[] {3, 7}, m, keys, 2, 5).get(0)
          .toFloatArray();
      assertArrayEquals(viaArrays, viaFloats);
      InputShapeException e = assertThrows(InputShapeException.class,
          () -> s.predictOnBatch(x.dup('c').data().asFloat(), new int[] {3, 7}, new float[20], keys, 0, 2));
      assertTrue(e.getMessage().contains("expected 3 examples x 7 time steps"), e.getMessage());
      float[] twos = m.clone();
      twos[4] = 2;
      e = assertThrows(InputShapeException.class,
          () -> s.predictOnBatch(x.dup('c').data().asFloat(), new int[] {3, 7}, twos, keys, 0, 2));
      assertTrue(e.getMessage().contains("holds 2.0 at example 0, time step 4"), e.getMessage());
    }
  }
}
