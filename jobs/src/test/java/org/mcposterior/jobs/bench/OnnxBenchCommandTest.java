package org.mcposterior.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mcposterior.jobs.Main;
import org.mcposterior.models.ReferenceNetworks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code bench onnx} runs end to end on a tiny pool: both reference networks read back from their
 * ONNX models compute what the DL4J originals compute, compile into the same plan, and both get a
 * well-formed row of rates.
 * Speed itself is never asserted (a timed unit test on a shared machine would only measure the
 * machine). The benchmark's ONNX writer is checked on what the parity check cannot see (the dropout
 * ratios, which the deterministic pass ignores) and on its refusals.
 */
class OnnxBenchCommandTest {

  private static final Pattern NUMBER = Pattern.compile("[0-9][0-9,]*(\\.[0-9]+)?");

  @Test
  void readBackNetworksMatchTheOriginalsAndBothGetRates() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "onnx", "--pool", "128",
        "--rounds", "1");
    String text = out.toString();
    assertEquals(0, code, "exit code; stdout:\n" + text + "\nstderr:\n" + err);
    assertTrue(text.startsWith("machine: "), text);
    assertTrue(text.contains("OPENBLAS_CORETYPE="), text);
    assertTrue(text.contains(OnnxBenchmark.HEADER), text);
    Map<String, String> names = Map.of("mlp", "MLP 784-512-512-10", "cnn", "CNN (Gal et al. 2017)");
    for (Map.Entry<String, String> net : names.entrySet()) {
      Matcher parity = Pattern.compile("(?m)^" + net.getKey() + ": deterministic output, read from ONNX vs built in"
          + " DL4J: max \\|diff\\| (\\S+) over 16 examples").matcher(text);
      assertTrue(parity.find(), "no parity line for " + net.getKey() + ":\n" + text);
      double difference = Double.parseDouble(parity.group(1));
      assertTrue(difference >= 0 && difference < 1e-5, net.getKey() + ": " + difference);
      List<String> lines = text.lines().toList();
      int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("| " + net.getValue() + " |")).findFirst()
          .orElseThrow(() -> new AssertionError("no row for " + net.getValue() + ":\n" + text)));
      String row = lines.get(at);
      // the ONNX-read graph compiles into the very plan of the DL4J-built network
      assertTrue(lines.get(at + 1).startsWith("    plans: the same "), lines.get(at + 1));
      String[] cells = row.substring(1, row.length() - 1).split("\\|");
      assertEquals(4, cells.length, row);
      for (int c = 1; c <= 3; c++) {
        Matcher m = NUMBER.matcher(cells[c]);
        int found = 0;
        while (m.find()) {
          double v = Double.parseDouble(m.group().replace(",", ""));
          assertTrue(v > 0 && Double.isFinite(v), "cell " + c + " of " + row);
          found++;
        }
        // the rates; the ratio with the range of the rounds' ratios
        assertEquals(c <= 2 ? 1 : 3, found, "cell " + c + " of " + row);
      }
    }
  }

  @Test
  void writesTheCnnsLayersAndDropoutRatiosAsOnnxNodes() throws Exception {
    Onnx.ModelProto model = Onnx.ModelProto.parseFrom(OnnxModelWriter.write(ReferenceNetworks.cnn(2), "cnn"));
    Onnx.GraphProto g = model.getGraph();
    List<String> ops = g.getNodeList().stream().map(Onnx.NodeProto::getOpType).toList();
    assertEquals(List.of("Conv", "Relu", "Conv", "Relu", "MaxPool", "Flatten", "Dropout", "Gemm", "Relu", "Dropout",
        "Gemm", "Softmax"), ops);
    Map<String, Onnx.TensorProto> init = new HashMap<>();
    g.getInitializerList().forEach(t -> init.put(t.getName(), t));
    List<Float> ratios = new ArrayList<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Dropout")) {
        ByteBuffer ratio = init.get(n.getInput(1)).getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ratios.add(ratio.getFloat());
        assertEquals(1, init.get(n.getInput(2)).getRawData().byteAt(0), "training_mode of " + n.getName());
      }
    }
    // DL4J's dropOut(0.75) and dropOut(0.5) are retain probabilities: ONNX's ratios are the drop probabilities
    assertEquals(List.of(0.25f, 0.5f), ratios);
    assertEquals(13, model.getOpsetImport(0).getVersion());
    assertEquals("batch", g.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertEquals(List.of(1L, 28L, 28L), g.getInput(0).getType().getTensorType().getShape().getDimList().stream()
        .skip(1).map(Onnx.TensorShapeProto.Dimension::getDimValue).toList());
    // the first convolution's weight, [out, in, kH, kW] as DL4J holds it
    Onnx.TensorProto w = init.get(g.getNode(0).getInput(1));
    assertEquals(List.of(32L, 1L, 4L, 4L), w.getDimsList());
    ByteBuffer raw = w.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float expected = ReferenceNetworks.cnn(2).getLayer(0).getParam("W").getFloat(5, 0, 2, 3);
    assertEquals(expected, raw.getFloat(4 * (5 * 16 + 2 * 4 + 3)));
  }

  @Test
  void refusesALayerItDoesNotWrite() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
        .layer(new BatchNormalization.Builder().nOut(3).build())
        .layer(new OutputLayer.Builder().nIn(3).nOut(2).activation(Activation.SOFTMAX).build()).build());
    net.init();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelWriter.write(net, "bn"));
    assertTrue(e.getMessage().startsWith("layer 1 (") && e.getMessage().contains("BatchNormalization"), e.getMessage());
  }
}
