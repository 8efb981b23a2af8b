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
import org.mcposterior.testsupport.Tolerances;
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
    assertEquals(List.of(108), Arrays.stream(InputShapes.expected(OnnxFixture.of("channels_last").network(), null))
        .boxed().toList());
    // a graph whose first node is no layer (a scale, then a ReLU) still knows its input from the file
    onnx.Onnx.TensorProto two = onnx.Onnx.TensorProto.newBuilder().setName("k").setDataType(
        onnx.Onnx.TensorProto.DataType.FLOAT_VALUE).addFloatData(2f).build();
    onnx.Onnx.NodeProto mul = node("scale", "Mul", List.of("x", "k"));
    Network scaled = OnnxModels.read(graph(new long[] {7}, mul, two), "scale.onnx");
    assertEquals(List.of(7), Arrays.stream(InputShapes.expected(scaled, null)).boxed().toList());
    assertEquals(List.of(7), Arrays.stream(InputShapes.expected(scaled.copy(), null)).boxed().toList());
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

  /** {@code iterations} samples of each example of fixture {@code f} under {@code mc}, as [example][output][t]. */
  private static float[][][] sample(OnnxFixture f, StochasticNetwork mc, int iterations, long seed) {
    try (PosteriorSampler s = PosteriorSampler.of(mc, SamplerConfig.defaults().withSeed(seed))) {
      Samples samples = s.predictOnBatch(f.inputs(), iterations);
      int outputs = samples.outputSize();
      float[][][] out = new float[samples.batchSize()][outputs][iterations];
      for (int n = 0; n < out.length; n++) {
        for (int o = 0; o < outputs; o++) {
          for (int t = 0; t < iterations; t++) {
            out[n][o][t] = samples.get(n, o, t);
          }
        }
      }
      return out;
    }
  }

  @Test
  void theDropoutOptionOverridesTheRatioOfOnnxDropoutNodes() {
    // at a drop probability of 1e-7 no unit of 12 is dropped in 50 iterations (seeded): every sample is the eval
    // output, so the override reached both Dropout nodes; at their own 0.5 the samples spread
    for (String name : List.of("baal_mlp", "bn_training_export")) {
      OnnxFixture f = OnnxFixture.of(name);
      double[][] eval = f.rows("outputs");
      float[][][] nearZero = sample(f, StochasticNetwork.builder(f.network()).mcDropout(1e-7).build(), 50, 1);
      for (int n = 0; n < eval.length; n++) {
        for (int o = 0; o < eval[n].length; o++) {
          for (int t = 0; t < 50; t++) {
            assertEquals(eval[n][o], nearZero[n][o][t], TOLERANCE * Math.max(1, Math.abs(eval[n][o])),
                name + " (batch-norm in inference mode, dropout off) example " + n + " output " + o);
          }
        }
      }
      float[][][] own = sample(f, StochasticNetwork.builder(f.network()).mcDropout().build(), 50, 1);
      java.util.Set<Float> distinct = new java.util.HashSet<>();
      for (float v : own[0][0]) {
        distinct.add(v);
      }
      assertTrue(distinct.size() > 5, name + ": the nodes' own ratio makes samples differ");
    }
  }

  /**
   * DropConnect on the weights of an ONNX Conv or MatMul with linear outputs: kept weights are scaled
   * by 1/(1-p) (baal's semantics), so the MC mean is the eval output, within 5 standard errors.
   */
  @ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.CsvSource({"conv_strided_dilated, Conv2d", "matmul_add, Linear", "gemm, Linear"})
  void dropConnectOnOnnxWeightsIsUnbiased(String name, String layers) {
    OnnxFixture f = OnnxFixture.of(name);
    int t = 4000;
    float[][][] s = sample(f, StochasticNetwork.builder(f.network()).dropConnect(0.5, layers).build(), t, 3);
    double[][] eval = f.rows("outputs");
    int spread = 0;
    for (int n = 0; n < eval.length; n++) {
      for (int o = 0; o < eval[n].length; o++) {
        double mean = 0;
        double sq = 0;
        for (float v : s[n][o]) {
          mean += v;
          sq += (double) v * v;
        }
        mean /= t;
        double sd = Math.sqrt(Math.max(0, sq / t - mean * mean));
        spread += sd > 1e-3 ? 1 : 0;
        assertTrue(Math.abs(mean - eval[n][o]) <= 5 * sd / Math.sqrt(t) + 1e-6, name + " example " + n + " output " + o
            + ": MC mean " + mean + ", eval output " + eval[n][o] + ", sd " + sd);
      }
    }
    assertTrue(spread > 0, name + ": DropConnect makes the samples spread");
  }

  @Test
  void dropConnectOnADepthwiseConvIsRefusedNotSkipped() {
    // baal's Conv2d includes depthwise convolutions; their weights cannot be dropped here (DL4J runs them)
    Network net = OnnxFixture.of("conv_depthwise").network();
    RuntimeException e = assertThrows(RuntimeException.class, () -> {
      try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.builder(net).dropConnect(0.5, "Conv2d").build(),
          SamplerConfig.defaults())) {
        s.predictOnBatch(OnnxFixture.of("conv_depthwise").inputs(), 2);
      }
    });
    assertTrue(e.getMessage().contains("DropConnect cannot run on") && e.getMessage().contains("Depthwise"),
        e.getMessage());
  }

  // ---------------------------------------------------------------- refusals, on graphs written here

  /** A one-node graph over an input of per-example shape {@code dims} (batch dynamic), opset 13. */
  private static byte[] graph(long[] dims, onnx.Onnx.NodeProto node, onnx.Onnx.TensorProto... initializers) {
    onnx.Onnx.TensorShapeProto.Builder shape = onnx.Onnx.TensorShapeProto.newBuilder()
        .addDim(onnx.Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    for (long d : dims) {
      shape.addDim(onnx.Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    onnx.Onnx.ValueInfoProto input = onnx.Onnx.ValueInfoProto.newBuilder().setName("x").setType(
        onnx.Onnx.TypeProto.newBuilder().setTensorType(onnx.Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(onnx.Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    onnx.Onnx.GraphProto.Builder g = onnx.Onnx.GraphProto.newBuilder().setName("g").addInput(input).addNode(node)
        .addOutput(onnx.Onnx.ValueInfoProto.newBuilder().setName(node.getOutput(0)));
    for (onnx.Onnx.TensorProto t : initializers) {
      g.addInitializer(t);
    }
    return onnx.Onnx.ModelProto.newBuilder().setIrVersion(8).addOpsetImport(onnx.Onnx.OperatorSetIdProto.newBuilder()
        .setVersion(13)).setGraph(g).build().toByteArray();
  }

  private static onnx.Onnx.TensorProto weights(String name, long... dims) {
    onnx.Onnx.TensorProto.Builder t = onnx.Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(onnx.Onnx.TensorProto.DataType.FLOAT_VALUE);
    long size = 1;
    for (long d : dims) {
      t.addDims(d);
      size *= d;
    }
    for (long i = 0; i < size; i++) {
      t.addFloatData(0.01f * i);
    }
    return t.build();
  }

  private static onnx.Onnx.AttributeProto ints(String name, long... v) {
    onnx.Onnx.AttributeProto.Builder a = onnx.Onnx.AttributeProto.newBuilder().setName(name)
        .setType(onnx.Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static onnx.Onnx.AttributeProto integer(String name, long v) {
    return onnx.Onnx.AttributeProto.newBuilder().setName(name).setType(onnx.Onnx.AttributeProto.AttributeType.INT)
        .setI(v).build();
  }

  private static onnx.Onnx.NodeProto node(String name, String op, List<String> inputs, onnx.Onnx.AttributeProto... a) {
    return onnx.Onnx.NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(inputs).addOutput("y")
        .addAllAttribute(List.of(a)).build();
  }

  private static void assertRefused(byte[] model, String... mentions) {
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxModels.read(model, "m.onnx"));
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), "'" + m + "' in: " + e.getMessage());
    }
  }

  @Test
  void whatTheTranslationDoesNotReproduceIsRefusedNamingTheNode() {
    // a grouped convolution that is not depthwise
    assertRefused(graph(new long[] {4, 6, 6}, node("conv_g2", "Conv", List.of("x", "w"), integer("group", 2)),
        weights("w", 4, 2, 3, 3)), "'conv_g2'", "op Conv", "group=2");
    // a transpose that is not a layout change
    assertRefused(graph(new long[] {3, 4, 5}, node("swap_hw", "Transpose", List.of("x"), ints("perm", 0, 1, 3, 2))),
        "'swap_hw'", "op Transpose", "[0, 1, 3, 2]");
    // ceil_mode where it adds a window
    assertRefused(graph(new long[] {1, 5, 5}, node("pool", "MaxPool", List.of("x"), ints("kernel_shape", 2, 2),
        ints("strides", 2, 2), integer("ceil_mode", 1))), "'pool'", "ceil_mode=1");
    // an attribute the op's translation does not know
    assertRefused(graph(new long[] {6}, node("mm", "Gemm", List.of("x", "w"), integer("transA", 1)),
        weights("w", 6, 2)), "'mm'", "transA=1");
    // softmax over images
    assertRefused(graph(new long[] {3, 4, 4}, node("sm", "Softmax", List.of("x"), integer("axis", 1))), "'sm'",
        "op Softmax");
    // an output left channels-last (a Keras segmentation map): scored channels-first, so refused
    assertRefused(graph(new long[] {3, 4, 5}, node("to_nhwc", "Transpose", List.of("x"), ints("perm", 0, 2, 3, 1))),
        "channels-last", "[4, 5, 3]");
    // an op of another domain
    onnx.Onnx.NodeProto custom = node("mine", "FusedThing", List.of("x")).toBuilder().setDomain("com.example").build();
    assertRefused(graph(new long[] {6}, custom), "'mine'", "com.example.FusedThing");
  }

  /** Ops PyTorch does not write for the fixtures (it drops Identity, writes a MaxPool for a global max): by hand. */
  @Test
  void globalMaxPoolAndIdentityWrittenByHand() {
    INDArray x = org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, 2, 3 * 4 * 5).subi(0.5);
    Network pool = OnnxModels.read(graph(new long[] {3, 4, 5}, node("gmp", "GlobalMaxPool", List.of("x"))), "gmp.onnx");
    INDArray y = pool.output(x)[0];
    INDArray expected = x.reshape('c', 2, 3, 20).max(2);
    Tolerances.assertClose(expected, y.reshape(2, 3), 0, "GlobalMaxPool is the largest value of each channel");
    // Identity after a ReLU is the ReLU; Identity alone computes nothing from the input: refused as such
    onnx.Onnx.NodeProto relu = onnx.Onnx.NodeProto.newBuilder().setName("relu").setOpType("Relu").addInput("x")
        .addOutput("r").build();
    onnx.Onnx.ModelProto one = parse(graph(new long[] {6}, node("id", "Identity", List.of("r"))));
    byte[] two = one.toBuilder().setGraph(one.getGraph().toBuilder().addNode(0, relu)).build().toByteArray();
    INDArray z = org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, 2, 6).subi(0.5);
    Tolerances.assertClose(org.nd4j.linalg.ops.transforms.Transforms.relu(z, true),
        OnnxModels.read(two, "relu-identity.onnx").output(z)[0], 0, "Relu then Identity");
    assertRefused(graph(new long[] {6}, node("id", "Identity", List.of("x"))), "'y' is its input");
  }

  /** Pads equal on one axis and not on the other: the same as a Pad node then an unpadded Conv. */
  @Test
  void convPadsAsymmetricOnOneAxisEqualPadThenConv() {
    onnx.Onnx.TensorProto w = weights("w", 2, 1, 3, 3);
    Network padded = OnnxModels.read(graph(new long[] {1, 5, 5}, node("c", "Conv", List.of("x", "w"),
        ints("pads", 1, 0, 1, 1)), w), "pads.onnx");
    onnx.Onnx.TensorProto pads = onnx.Onnx.TensorProto.newBuilder().setName("p").setDataType(
        onnx.Onnx.TensorProto.DataType.INT64_VALUE).addDims(8).addAllInt64Data(List.of(0L, 0L, 1L, 0L, 0L, 0L, 1L, 1L))
        .build();
    onnx.Onnx.NodeProto pad = onnx.Onnx.NodeProto.newBuilder().setName("pad").setOpType("Pad").addInput("x")
        .addInput("p").addOutput("xp").build();
    onnx.Onnx.ModelProto one = parse(graph(new long[] {1, 5, 5}, node("c", "Conv", List.of("xp", "w")), w, pads));
    Network separate = OnnxModels.read(one.toBuilder().setGraph(one.getGraph().toBuilder().addNode(0, pad)).build()
        .toByteArray(), "pad-then-conv.onnx");
    INDArray x = org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, 2, 25).subi(0.5);
    INDArray expected = separate.output(x)[0];
    assertEquals(List.of(2L, 2L, 5L, 4L), Arrays.stream(expected.shape()).boxed().toList(), "ONNX's output shape");
    Tolerances.assertClose(expected, padded.output(x)[0], 1e-6, "Conv with pads [1, 0, 1, 1]");
  }

  @Test
  void aModelOfAnotherOpsetOrWithTwoInputsIsRefused() {
    byte[] ok = graph(new long[] {6}, node("r", "Relu", List.of("x")));
    onnx.Onnx.ModelProto m = parse(ok);
    assertRefused(m.toBuilder().setOpsetImport(0, onnx.Onnx.OperatorSetIdProto.newBuilder().setVersion(6)).build()
        .toByteArray(), "opset 6");
    onnx.Onnx.GraphProto twoInputs = m.getGraph().toBuilder().addInput(m.getGraph().getInput(0).toBuilder()
        .setName("x2")).build();
    assertRefused(m.toBuilder().setGraph(twoInputs).build().toByteArray(), "2 inputs");
    assertEquals(6, OnnxModels.read(ok, "relu.onnx").graph().outputSingle(org.nd4j.linalg.factory.Nd4j.ones(
        DataType.FLOAT, 2, 6)).size(1));
  }

  private static onnx.Onnx.ModelProto parse(byte[] b) {
    try {
      return onnx.Onnx.ModelProto.parseFrom(b);
    } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
