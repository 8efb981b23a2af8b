package org.mcposterior.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.mcposterior.sampling.PosteriorSampler;
import org.mcposterior.sampling.SampleArrays;
import org.mcposterior.sampling.SamplerConfig;
import org.mcposterior.stats.Samples;
import org.mcposterior.stochastic.StochasticNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX models exported from PyTorch ({@code core/src/test/resources/onnx}, made by {@code
 * make_onnx_fixtures.py}) compute what PyTorch computed: each op's tiny graph deterministically, in
 * DL4J and in the compiled forward plan the sampler runs; and the MC posterior of baal's own
 * examples (MC dropout MLP, DropConnect DummyModel) equals its exact value, enumerated over all
 * masks in float64.
 */
class OnnxImportTest {
  /** PyTorch's float32 against ours: the 1e-5, relative to values above 1. */
  private static final double TOLERANCE = 1e-5;

  static Stream<String> deterministicFixtures() {
    return OnnxFixture.names().stream().filter(n -> !OnnxFixture.of(n).has("unsupported_op"));
  }

  private static void assertClose(double[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": number of values");
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(expected[i] - actual[i]);
      if (!(err <= tol * Math.max(1.0, Math.abs(expected[i])))) {
        fail(what + ": value " + i + " is " + actual[i] + ", PyTorch gives " + expected[i] + " (difference " + err
            + ")\nall: " + Arrays.toString(actual) + "\nexpected: " + Arrays.toString(expected));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deterministicFixtures")
  void deterministicOutputEqualsPyTorch(String name) {
    OnnxFixture f = OnnxFixture.of(name);
    Network net = f.network();
    INDArray x = f.inputs();
    INDArray y = net.output(x)[0].castTo(DataType.FLOAT);
    y = y.reshape('c', y.size(0), y.length() / y.size(0));
    double[][] expected = f.rows("outputs");
    for (int i = 0; i < expected.length; i++) {
      assertClose(expected[i], y.getRow(i).dup('c').data().asFloat(), TOLERANCE, name + " in DL4J, example " + i);
    }
    // DL4J's own zip of the translated network (what PosteriorScorer.of(network) broadcasts) reads back the same
    INDArray again = Network.fromBytes(net.toBytes(), name + " as a DL4J zip").output(x)[0].castTo(DataType.FLOAT);
    assertEquals(y, again.reshape('c', y.shape()), name + ": the DL4J zip of the translated network");
    if (!f.has("dropout")) {
      // the compiled plan the sampler runs, with nothing stochastic: every iteration is the eval output
      try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(net.model()),
          SamplerConfig.defaults().withAllowDeterministic(true))) {
        Samples samples = s.predictOnBatch(x, 2);
        for (int i = 0; i < expected.length; i++) {
          for (int t = 0; t < 2; t++) {
            float[] it = SampleArrays.toINDArray(samples.slice(i, i + 1).iterationRange(t, t + 1)).dup('c').data()
                .asFloat();
            assertClose(expected[i], it, TOLERANCE, name + " in the compiled plan, example " + i + ", iteration " + t);
          }
        }
      }
    }
  }

  @Test
  void anUnsupportedOpIsRefusedNamingItsNode() {
    OnnxFixture f = OnnxFixture.of("unsupported_sin");
    ModelLoadException e = assertThrows(ModelLoadException.class, f::network);
    String node = f.json().get("unsupported_node").asText();
    assertTrue(e.getMessage().contains("'" + node + "'") && e.getMessage().contains("op Sin"), e.getMessage());
    assertTrue(e.getMessage().contains("Supported ops:"), e.getMessage());
  }

  @Test
  void modelsAreRecognisedByContentNotByName() {
    OnnxFixture f = OnnxFixture.of("gemm");
    assertTrue(OnnxModels.isOnnx(f.onnx()));
    byte[] zip = f.network().toBytes();
    assertFalse(OnnxModels.isOnnx(zip), "a DL4J zip is not ONNX");
    // an ONNX file under any name loads as ONNX; the DL4J zip of the same network loads as DL4J
    assertEquals(5, Network.fromBytes(f.onnx(), "model.zip").graph().outputSingle(f.inputs()).size(1));
    assertEquals(5, Network.fromBytes(zip, "model.onnx").graph().outputSingle(f.inputs()).size(1));
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> Network.fromBytes("not a model at all".getBytes(java.nio.charset.StandardCharsets.UTF_8), "notes.txt"));
    assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("ONNX")
        && e.getMessage().contains("DL4J"), e.getMessage());
  }

  @Test
  void aLogSoftmaxOutputIsAClassDistribution() {
    Network net = OnnxFixture.of("log_softmax").network();
    assertEquals(org.mcposterior.stats.OutputKind.CLASSES, OutputKinds.of(net, new int[] {5}, null).kind());
  }

  @Test
  void theInputShapeComesFromTheGraph() {
    assertEquals(List.of(10), Arrays.stream(InputShapes.expected(OnnxFixture.of("baal_mlp").network(), null))
        .boxed().toList());
    assertEquals(List.of(300), Arrays.stream(InputShapes.expected(OnnxFixture.of("baal_dummy").network(), null))
        .boxed().toList());
  }

  /** Mean and sd of {@code t} samples of each example and output, against the exact ones within 5 standard errors. */
  private static void assertPosterior(OnnxFixture f, StochasticNetwork mc, int iterations) {
    double[] exactMean = f.flat(f.json().get("exact_mean"));
    double[] exactSd = f.flat(f.json().get("exact_sd"));
    try (PosteriorSampler s = PosteriorSampler.of(mc, SamplerConfig.defaults().withSeed(7))) {
      Samples samples = s.predictOnBatch(f.inputs(), iterations);
      int outputs = samples.outputShape()[0];
      for (int n = 0; n < samples.batchSize(); n++) {
        for (int o = 0; o < outputs; o++) {
          double sum = 0;
          double sq = 0;
          for (int t = 0; t < iterations; t++) {
            double v = samples.get(n, o, t);
            sum += v;
            sq += v * v;
          }
          double mean = sum / iterations;
          double sd = Math.sqrt(Math.max(0, sq / iterations - mean * mean));
          int k = n * outputs + o;
          double se = exactSd[k] / Math.sqrt(iterations);
          assertTrue(Math.abs(mean - exactMean[k]) <= 5 * se, f.name() + " example " + n + " output " + o + ": MC mean "
              + mean + ", exact " + exactMean[k] + " (standard error " + se + ")");
          // the sd of a sample sd is about sd * sqrt((kurtosis - 1) / (4 T)); 10 % is far above it at this T
          assertEquals(exactSd[k], sd, 0.1 * exactSd[k] + 1e-6, f.name() + " example " + n + " output " + o + ": sd");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mlpOpsets")
  void mcDropoutMeanEqualsTheExactPosteriorPredictive(String name) {
    OnnxFixture f = OnnxFixture.of(name);
    assertPosterior(f, StochasticNetwork.builder(f.network()).mcDropout().build(), 20_000);
  }

  static Stream<String> mlpOpsets() {
    return Stream.of("baal_mlp", "baal_mlp_opset11", "baal_mlp_opset17");
  }

  @Test
  void dropConnectMeanEqualsTheExactExpectation() {
    OnnxFixture f = OnnxFixture.of("baal_dummy");
    assertPosterior(f, StochasticNetwork.builder(f.network()).dropConnect(0.9, "Linear").build(), 20_000);
  }
}
