package org.mcposterior.sampling;

import org.mcposterior.models.ReferenceNetworks;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.mcposterior.models.InputShapeException;
import org.mcposterior.models.ModelLoadException;
import org.mcposterior.models.Network;
import org.mcposterior.stochastic.InvalidProbabilityException;
import org.mcposterior.stochastic.McDropConnect;
import org.mcposterior.stochastic.McDropout;
import org.mcposterior.stochastic.McDropoutLayer;
import org.mcposterior.stochastic.NoMatchingLayerException;
import org.mcposterior.stochastic.NothingStochasticException;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad input is refused with a typed exception whose message names the value and what was expected. */
class BadInputTest {
  private final MultiLayerNetwork mlp = ReferenceNetworks.referenceMlp(1);

  private static <T extends Throwable> void assertRefused(Class<T> type, Executable call, String... mentions) {
    T e = assertThrows(type, call);
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), "message should mention '" + m + "': " + e.getMessage());
    }
  }

  private PosteriorSampler sampler() {
    return PosteriorSampler.of(McDropout.patch(mlp), SamplerConfig.defaults());
  }

  @Test
  void iterationsMustBePositive() {
    try (PosteriorSampler s = sampler()) {
      INDArray x = Networks.input(1, 0, 1, 4, 10);
      assertRefused(InvalidSamplingArgumentException.class, () -> s.predictOnBatch(x, 0), "iterations = 0", "positive");
      assertRefused(InvalidSamplingArgumentException.class, () -> s.predictOnBatch(x, -3), "iterations = -3");
    }
  }

  @Test
  void firstIterationMustNotBeNegativeThroughEitherEntry() {
    try (PosteriorSampler s = sampler()) {
      INDArray x = Networks.input(1, 0, 1, 4, 10);
      assertRefused(InvalidSamplingArgumentException.class,
          () -> s.predictOnBatch(new INDArray[] {x}, new long[] {1, 2, 3, 4}, -1, 5), "first iteration = -1");
      assertRefused(InvalidSamplingArgumentException.class, () -> s.predictOnBatch(new float[][] {x.data().asFloat()},
          new int[][] {{10}}, new long[] {1, 2, 3, 4}, -1, 5), "first iteration = -1");
    }
  }

  @Test
  void probabilitiesMustBeInZeroOne() {
    assertRefused(InvalidProbabilityException.class, () -> McDropout.patch(mlp, 1.0), "1.0", "[0, 1)", "retain");
    assertRefused(InvalidProbabilityException.class, () -> McDropout.patch(mlp, -0.1), "-0.1");
    assertRefused(InvalidProbabilityException.class, () -> McDropConnect.patch(mlp, 1.5, "Linear"), "weight dropout = 1.5");
    assertRefused(InvalidProbabilityException.class, () -> McDropConnect.patch(mlp, Double.NaN, "Linear"), "NaN");
    assertRefused(InvalidProbabilityException.class, () -> new McDropoutLayer(1.0), "MC dropout p = 1.0");
  }

  @Test
  void inputWidthMustMatchTheNetwork() {
    try (PosteriorSampler s = sampler()) {
      assertRefused(InputShapeException.class, () -> s.predictOnBatch(Networks.input(1, 0, 1, 4, 12), 5),
          "expects 10 input features", "receives 12", "[batch, 10]");
      assertRefused(InputShapeException.class, () -> s.predictOnBatch(Nd4j.rand(DataType.FLOAT, 10), 5), "rank 1");
      assertRefused(InputShapeException.class, () -> s.predictOnBatch(Nd4j.create(DataType.FLOAT, 0, 10), 5), "empty");
    }
    MultiLayerNetwork cnn = ReferenceNetworks.cnn(2);
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(cnn), SamplerConfig.defaults())) {
      assertRefused(InputShapeException.class, () -> s.predictOnBatch(Networks.input(1, 0, 1, 2, 700), 5), "784", "700");
    }
    MultiLayerNetwork conv = ReferenceNetworks.referenceDropConnectCnn(3);
    try (PosteriorSampler s = PosteriorSampler.of(McDropConnect.patch(conv, 0.5, "Linear"), SamplerConfig.defaults())) {
      assertRefused(InputShapeException.class, () -> s.predictOnBatch(Networks.input(1, 0, 1, 2, 4, 10, 10), 5),
          "expects 3 input channels", "receives 4");
      assertRefused(InputShapeException.class, () -> s.predictOnBatch(Networks.input(1, 0, 1, 2, 3, 6, 6), 5),
          "does not fit", "6x6");
    }
  }

  @Test
  void nanInputsAreRefused() {
    try (PosteriorSampler s = sampler()) {
      INDArray x = Networks.input(1, 0, 1, 4, 10);
      x.putScalar(2, 7, Float.NaN);
      assertRefused(InputShapeException.class, () -> s.predictOnBatch(x, 5), "NaN", "example 2", "value 7");
      INDArray y = Networks.input(1, 0, 1, 4, 10);
      y.putScalar(0, 0, Float.POSITIVE_INFINITY);
      assertRefused(InputShapeException.class, () -> s.predictOnBatch(y, 5), "Infinity");
    }
  }

  @Test
  void layerTypesMustExistAndMatch() {
    assertRefused(NoMatchingLayerException.class, () -> McDropConnect.patch(mlp, 0.5, "Lstm"), "'Lstm'", "Linear", "Conv2d");
    assertRefused(NoMatchingLayerException.class, () -> McDropConnect.patch(mlp, 0.5, "Conv2d"), "[Conv2d]",
        "match no layer", "DenseLayer");
    assertRefused(NoMatchingLayerException.class, () -> McDropConnect.patch(mlp), "no layer with DL4J DropConnect");
    assertRefused(NoMatchingLayerException.class, () -> McDropConnect.patch(mlp, 0.5, new String[0]), "no layer types");
  }

  @Test
  void nothingStochasticIsRefusedUnlessAllowed() {
    assertRefused(NothingStochasticException.class,
        () -> PosteriorSampler.of(StochasticNetwork.of(mlp), SamplerConfig.defaults()),
        "no stochastic part", "McDropout.patch", "withAllowDeterministic");
    MultiLayerNetwork noDropout = ReferenceNetworks.referenceDropConnectCnn(4);
    assertRefused(NothingStochasticException.class,
        () -> PosteriorSampler.of(McDropout.patch(noDropout), SamplerConfig.defaults()), "no stochastic part");
    try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(mlp),
        SamplerConfig.defaults().withAllowDeterministic(true))) {
      Samples samples = s.predictOnBatch(Networks.input(1, 0, 1, 3, 10), 4);
      for (int t = 1; t < 4; t++) {
        assertTrue(samples.get(1, 0, t) == samples.get(1, 0, 0), "T equal samples");
      }
    }
  }

  @Test
  void memoryBudgetMustHoldOneExample() {
    MultiLayerNetwork cnn = ReferenceNetworks.cnn(5);
    try (PosteriorSampler s = PosteriorSampler.of(McDropout.patch(cnn), SamplerConfig.defaults().withMemoryBudget(100_000))) {
      assertRefused(InvalidSamplingArgumentException.class, () -> s.predictOnBatch(Networks.input(1, 0, 1, 2, 784), 5),
          "memory budget = 100000 bytes", "raise the budget");
    }
    assertRefused(InvalidSamplingArgumentException.class, () -> SamplerConfig.defaults().withMemoryBudget(10), "memory budget = 10");
    assertRefused(InvalidSamplingArgumentException.class, () -> SamplerConfig.defaults().withThreads(0), "threads = 0");
  }

  @Test
  void exampleKeysMustMatchTheBatch() {
    try (PosteriorSampler s = sampler()) {
      assertRefused(InvalidSamplingArgumentException.class,
          () -> s.predictOnBatch(Networks.input(1, 0, 1, 4, 10), new long[3], 5), "3 example keys", "batch of 4");
    }
  }

  @Test
  void missingOrCorruptModelFiles() throws Exception {
    java.nio.file.Path missing = java.nio.file.Path.of("/nonexistent/model.zip");
    assertRefused(ModelLoadException.class, () -> Network.load(missing), "/nonexistent/model.zip", "does not exist");
    java.nio.file.Path junk = java.nio.file.Files.createTempFile("junk", ".zip");
    try {
      java.nio.file.Files.writeString(junk, "not a zip at all");
      assertRefused(ModelLoadException.class, () -> Network.load(junk), junk.toString(), "not a zip file");
    } finally {
      java.nio.file.Files.deleteIfExists(junk);
    }
  }
}
