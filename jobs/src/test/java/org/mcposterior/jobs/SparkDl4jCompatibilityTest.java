package org.mcposterior.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.models.Network;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.testsupport.Networks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.mcposterior.jobs.testsupport.SharedSpark;

/**
 * Spark 4 and DL4J share one JVM: DL4J drags in old commons-lang3 and slf4j-api that break
 * SparkSession unless pinned (pom.xml). This test starts a real local SparkSession and runs a DL4J
 * network and the MC sampler inside Spark tasks, so the two can never silently break each other.
 */
class SparkDl4jCompatibilityTest {

  @Test
  void dl4jNetworkRunsInsideSparkTasks() {
    MultiLayerNetwork net = Networks.tinyMlp(3);
    byte[] model = Network.of(net).toBytes();
    INDArray x = Nd4j.create(new float[] {0f, .1f, .2f, .3f, .4f, .5f, .6f, .7f}, new long[] {2, 4}, DataType.FLOAT);
    float[] expected = net.output(x, false).data().asFloat();
    float[] expectedSamples;
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(net), SamplerConfig.defaults())) {
      expectedSamples = s.predictOnBatch(x, 5).toFloatArray();
    }

    SparkSession spark = SharedSpark.session();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<float[][]> results = jsc.parallelize(List.of(0, 1), 2).map(i -> {
      Network n = Network.fromBytes(model, "broadcast");
      INDArray in = Nd4j.create(new float[] {0f, .1f, .2f, .3f, .4f, .5f, .6f, .7f}, new long[] {2, 4}, DataType.FLOAT);
      float[] out = n.output(in)[0].data().asFloat();
      try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(n.model()), SamplerConfig.defaults())) {
        return new float[][] {out, s.predictOnBatch(in, 5).toFloatArray()};
      }
    }).collect();
    assertEquals(2, results.size());
    for (float[][] r : results) {
      assertEquals(expected.length, r[0].length);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], r[0][i], 1e-6, "DL4J output inside a Spark task");
      }
      for (int i = 0; i < expectedSamples.length; i++) {
        assertEquals(expectedSamples[i], r[1][i], 0f, "MC samples inside a Spark task equal the driver's");
      }
    }
    // Spark SQL works too (the commons-lang3 pin is what makes this line pass).
    assertTrue(spark.range(10).selectExpr("sum(id)").collectAsList().get(0).getLong(0) == 45L);
  }
}
