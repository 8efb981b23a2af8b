package org.mcposterior.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.stats.OutputKind;
import org.mcposterior.stats.OutputKindException;
import org.mcposterior.stats.OutputView;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The output kind decided from each DL4J output layer (activation, loss, data format) and the
 * output shape, the user's kind checked against the shape, and the refusals where neither decides.
 */
class OutputKindsTest {

  /**
   * A graph whose output vertex "out" is the layer {@code out} on the input (no input types, so
   * DL4J infers nothing): enough to read its configuration.
   */
  private static Network single(Layer out) {
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
        .addInputs("in").addLayer("out", out, "in").setOutputs("out").build());
    g.init();
    return Network.of(g);
  }

  @Test
  void aMultiLayerNetworkIsReadFromItsLastLayer() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build())
        .build());
    net.init();
    OutputView v = OutputKinds.of(Network.of(net), new int[] {2}, null);
    assertEquals(OutputKind.REGRESSION, v.kind());
    assertArrayEquals(new int[] {1, 2}, v.scoredShape());
    OutputKindException e = assertThrows(OutputKindException.class,
        () -> OutputKinds.of(Network.of(net), new int[] {2}, OutputKind.BINARY));
    assertTrue(e.getMessage().contains("output layer 1 (OutputLayer)"), e.getMessage());
  }

  private static OutputKind auto(Layer out, int... raw) {
    return OutputKinds.of(single(out), raw, null).kind();
  }

  @Test
  void classificationLayersWithSoftmaxAreOneDistribution() {
    assertEquals(OutputKind.CLASSES, auto(new OutputLayer.Builder(LossFunction.MCXENT).nIn(4).nOut(3)
        .activation(Activation.SOFTMAX).build(), 3));
    assertEquals(OutputKind.CLASSES, auto(new LossLayer.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX)
        .build(), 4));
    assertEquals(OutputKind.CLASSES, auto(new CenterLossOutputLayer.Builder(LossFunction.MCXENT).nIn(4).nOut(3)
        .activation(Activation.SOFTMAX).build(), 3));
    // A plain layer as output: its softmax is still one distribution.
    assertEquals(OutputKind.CLASSES, auto(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.SOFTMAX)
        .build(), 5));
  }

  @Test
  void sigmoidsAreBinaryForOneValueAndMultiLabelForSeveral() {
    assertEquals(OutputKind.BINARY, auto(new OutputLayer.Builder(LossFunction.XENT).nIn(4).nOut(1)
        .activation(Activation.SIGMOID).build(), 1));
    assertEquals(OutputKind.MULTI_LABEL, auto(new OutputLayer.Builder(LossFunction.XENT).nIn(4).nOut(6)
        .activation(Activation.SIGMOID).build(), 6));
    OutputView v = OutputKinds.of(single(new OutputLayer.Builder(LossFunction.XENT).nIn(4).nOut(6)
        .activation(Activation.SIGMOID).build()), new int[] {6}, null);
    assertArrayEquals(new int[] {2, 6}, v.scoredShape(), "each label a position with two classes [1 - p, p]");
  }

  @Test
  void mapsAndSequencesArePerPosition() {
    assertEquals(OutputKind.PER_POSITION, auto(new CnnLossLayer.Builder(LossFunction.XENT)
        .activation(Activation.SIGMOID).build(), 1, 8, 8));
    assertEquals(OutputKind.PER_POSITION, auto(new CnnLossLayer.Builder(LossFunction.MCXENT)
        .activation(Activation.SOFTMAX).build(), 3, 8, 8));
    assertEquals(OutputKind.MULTI_LABEL, auto(new CnnLossLayer.Builder(LossFunction.XENT)
        .activation(Activation.SIGMOID).build(), 3, 8, 8), "several sigmoid channels: every value its own label");
    assertEquals(OutputKind.PER_POSITION, auto(new RnnOutputLayer.Builder(LossFunction.MCXENT).nIn(4).nOut(5)
        .activation(Activation.SOFTMAX).build(), 5, 7));
    assertEquals(OutputKind.PER_POSITION, auto(new RnnLossLayer.Builder(LossFunction.MCXENT)
        .activation(Activation.SOFTMAX).build(), 5, 7));
    assertEquals(OutputKind.PER_POSITION, auto(new Cnn3DLossLayer.Builder(Convolution3D.DataFormat.NCDHW)
        .lossFunction(LossFunction.MCXENT).activation(Activation.SOFTMAX).build(), 2, 3, 3, 3));
    assertArrayEquals(new int[] {2, 8, 8}, OutputKinds.of(single(new CnnLossLayer.Builder(LossFunction.XENT)
        .activation(Activation.SIGMOID).build()), new int[] {1, 8, 8}, null).scoredShape());
  }

  @Test
  void aRegressionLossIsRegression() {
    for (LossFunction l : new LossFunction[] {LossFunction.MSE, LossFunction.L1, LossFunction.L2,
        LossFunction.MEAN_ABSOLUTE_ERROR}) {
      assertEquals(OutputKind.REGRESSION, auto(new OutputLayer.Builder(l).nIn(4).nOut(2)
          .activation(Activation.IDENTITY).build(), 2), l.name());
    }
    assertEquals(OutputKind.REGRESSION, auto(new CnnLossLayer.Builder(LossFunction.MSE)
        .activation(Activation.IDENTITY).build(), 1, 4, 4));
    assertEquals(OutputKind.REGRESSION, auto(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(1)
        .activation(Activation.TANH).build(), 1));
  }

  @Test
  void aYolo2OutputLayerIsDetectionWithItsAnchorBoxes() {
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
        .addInputs("in").setInputTypes(InputType.convolutional(2, 2, 3))
        .addLayer("conv", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(1, 1).nOut(16)
            .activation(Activation.IDENTITY).build(), "in")
        .addLayer("yolo", new Yolo2OutputLayer.Builder()
            .boundingBoxPriors(Nd4j.create(new double[][] {{1, 1}, {2, 2}})).build(), "conv")
        .setOutputs("yolo").build());
    g.init();
    OutputView v = OutputKinds.of(Network.of(g), new int[] {16, 2, 2}, null);
    assertEquals(OutputKind.DETECTION, v.kind());
    assertEquals(2, v.boxes());
    assertArrayEquals(new int[] {3, 2, 2, 2}, v.scoredShape(), "[classes, boxes, h, w]: 16 = 2 x (5 + 3)");
    assertEquals(OutputKind.DETECTION, OutputKinds.of(Network.of(g), new int[] {16, 2, 2}, OutputKind.DETECTION)
        .kind());
  }

  @Test
  void whatCannotBeDecidedIsRefusedAskingForTheOption() {
    OutputKindException e = assertThrows(OutputKindException.class, () -> auto(new OutputLayer.Builder(
        LossFunction.HINGE).nIn(4).nOut(3).activation(Activation.IDENTITY).build(), 3));
    assertTrue(e.getMessage().contains("output vertex 'out' (OutputLayer)") && e.getMessage().contains("--output-kind")
        && e.getMessage().contains("ActivationIdentity") && e.getMessage().contains("LossHinge"), e.getMessage());
    e = assertThrows(OutputKindException.class, () -> auto(new DenseLayer.Builder().nIn(4).nOut(3)
        .activation(Activation.IDENTITY).build(), 3));
    assertTrue(e.getMessage().contains("no loss function"), e.getMessage());
    e = assertThrows(OutputKindException.class, () -> auto(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(3)
        .activation(Activation.SIGMOID).build(), 3));
    assertTrue(e.getMessage().contains("ambiguous") || e.getMessage().contains("may be a probability"),
        e.getMessage());
    e = assertThrows(OutputKindException.class, () -> auto(new CnnLossLayer.Builder(LossFunction.XENT)
        .activation(Activation.SIGMOID).format(CNN2DFormat.NHWC).build(), 8, 8, 1));
    assertTrue(e.getMessage().contains("NHWC") && e.getMessage().contains("channels first"), e.getMessage());
    e = assertThrows(OutputKindException.class, () -> auto(new RnnOutputLayer.Builder(LossFunction.MCXENT).nIn(4)
        .nOut(3).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NWC).build(), 7, 3));
    assertTrue(e.getMessage().contains("NWC"), e.getMessage());
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
        .addInputs("in").addLayer("a", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
        .addLayer("b", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
        .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b").setOutputs("sum").build());
    g.init();
    e = assertThrows(OutputKindException.class, () -> OutputKinds.of(Network.of(g), new int[] {3}, null));
    assertTrue(e.getMessage().contains("vertex 'sum' (ElementWiseVertex)") && e.getMessage().contains("--output-kind"),
        e.getMessage());
    // ... and the option then decides.
    assertEquals(OutputKind.REGRESSION, OutputKinds.of(Network.of(g), new int[] {3}, OutputKind.REGRESSION).kind());
  }

  @Test
  void aKindThatContradictsTheShapeIsRefused() {
    Network multi = single(new OutputLayer.Builder(LossFunction.XENT).nIn(4).nOut(10).activation(Activation.SIGMOID)
        .build());
    OutputKindException e = assertThrows(OutputKindException.class,
        () -> OutputKinds.of(multi, new int[] {10}, OutputKind.BINARY));
    assertTrue(e.getMessage().contains("binary") && e.getMessage().contains("[10]")
        && e.getMessage().contains("--output-kind multi-label"), e.getMessage());
    e = assertThrows(OutputKindException.class, () -> OutputKinds.of(multi, new int[] {10}, OutputKind.PER_POSITION));
    assertTrue(e.getMessage().contains("per-position"), e.getMessage());
    e = assertThrows(OutputKindException.class, () -> OutputKinds.of(multi, new int[] {10}, OutputKind.DETECTION));
    assertTrue(e.getMessage().contains("Yolo2OutputLayer"), e.getMessage());
    e = assertThrows(OutputKindException.class, () -> OutputKinds.of(multi, new int[] {3, 4, 4}, OutputKind.CLASSES));
    assertTrue(e.getMessage().contains("per-position"), e.getMessage());
    // A user's kind that fits the shape overrides the layer's.
    assertEquals(OutputKind.REGRESSION, OutputKinds.of(multi, new int[] {10}, OutputKind.REGRESSION).kind());
    assertEquals(OutputKind.CLASSES, OutputKinds.of(multi, new int[] {10}, OutputKind.CLASSES).kind());
  }

  @Test
  void theZoosUNetIsPerPositionAndTinyYoloIsDetection() throws Exception {
    // The two networks issue 17 found scored as one distribution (random weights, never pretrained).
    ComputationGraph unet = (ComputationGraph) org.deeplearning4j.zoo.model.UNet.builder().build().init();
    OutputView u = OutputKinds.of(Network.of(unet), new int[] {1, 512, 512}, null);
    assertEquals(OutputKind.PER_POSITION, u.kind());
    assertArrayEquals(new int[] {2, 512, 512}, u.scoredShape(), "a sigmoid per pixel read as two classes per pixel");
    ComputationGraph yolo = (ComputationGraph) org.deeplearning4j.zoo.model.TinyYOLO.builder().build().init();
    OutputView y = OutputKinds.of(Network.of(yolo), new int[] {125, 13, 13}, null);
    assertEquals(OutputKind.DETECTION, y.kind());
    assertArrayEquals(new int[] {20, 5, 13, 13}, y.scoredShape(), "5 anchor boxes x 20 VOC classes per cell");
  }
}
