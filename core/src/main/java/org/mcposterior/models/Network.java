package org.mcposterior.models;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained DL4J network, MultiLayerNetwork or ComputationGraph, behind one type.
 *
 * <p>Everything that differs between the two kinds (outputs, copies, layer access, saving) is
 * answered here, so the rest of the library is written once. A {@code Network} never changes the
 * DL4J object it wraps. Not thread-safe, like DL4J networks themselves: give each thread its own
 * {@link #copy()}.
 */
public final class Network {
  private final MultiLayerNetwork mln;
  private final ComputationGraph graph;

  /** The per-example input shape the model file recorded (an ONNX graph's input), or null: DL4J zips do not. */
  private final int[] inputShape;

  private Network(MultiLayerNetwork mln, ComputationGraph graph) {
    this(mln, graph, null);
  }

  private Network(MultiLayerNetwork mln, ComputationGraph graph, int[] inputShape) {
    this.mln = mln;
    this.graph = graph;
    this.inputShape = inputShape;
  }

  /** A graph read from a model file that records its per-example input shape (flat rows of that many values). */
  static Network recorded(ComputationGraph g, int[] inputShape) {
    return new Network(null, of(g).graph, inputShape.clone());
  }

  /**
   * The per-example input shape the model file recorded, as {@link InputShapes#expected} reads it
   * (an ONNX model's input, as flat rows), or null when the file does not record one (DL4J zips).
   */
  public int[] recordedInputShape() {
    return inputShape == null ? null : inputShape.clone();
  }

  /** Wraps a MultiLayerNetwork or a ComputationGraph (initialised). */
  public static Network of(Model model) {
    if (model instanceof MultiLayerNetwork m) {
      if (m.getLayers() == null) {
        throw new IllegalArgumentException("the MultiLayerNetwork is not initialised; call init() before sampling it");
      }
      return new Network(m, null);
    }
    if (model instanceof ComputationGraph g) {
      if (g.getVertices() == null) {
        throw new IllegalArgumentException("the ComputationGraph is not initialised; call init() before sampling it");
      }
      return new Network(null, g);
    }
    throw new IllegalArgumentException("model of type " + (model == null ? "null" : model.getClass().getName())
        + " is not supported; expected a DL4J MultiLayerNetwork or ComputationGraph");
  }

  /** Loads a DL4J model zip written by {@code ModelSerializer} (or {@code net.save(file)}), or an ONNX model. */
  public static Network load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException("model file " + file + " does not exist or is not a file; expected a DL4J model zip"
          + " written by ModelSerializer.writeModel or net.save(file), or an ONNX model");
    }
    try {
      return fromBytes(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a network from the bytes of a DL4J model zip or of an ONNX model (told apart by content,
   * see {@link OnnxModels#isOnnx}); {@code source} names it in errors.
   */
  public static Network fromBytes(byte[] zip, String source) {
    if (OnnxModels.isOnnx(zip)) {
      return OnnxModels.read(zip, source);
    }
    String config = configurationJson(zip, source);
    boolean isGraph = config.contains("\"vertices\"") && config.contains("\"networkInputs\"");
    try (InputStream in = new ByteArrayInputStream(zip)) {
      if (isGraph) {
        return new Network(null, ModelSerializer.restoreComputationGraph(in, false));
      }
      return new Network(ModelSerializer.restoreMultiLayerNetwork(in, false), null);
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("model " + source + " is not a readable DL4J network (" + e.getClass().getSimpleName()
          + ": " + e.getMessage() + "); expected a zip written by ModelSerializer.writeModel", e);
    }
  }

  private static String configurationJson(byte[] zip, String source) {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry e;
      List<String> names = new ArrayList<>();
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
        if (e.getName().equals("configuration.json")) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      if (names.isEmpty()) {
        throw new ModelLoadException("model " + source + " is not a zip file (" + zip.length + " bytes, no zip entries)"
            + " nor an ONNX model; expected a DL4J model zip written by ModelSerializer.writeModel, or a .onnx file"
            + " written by torch.onnx.export or tf2onnx");
      }
      throw new ModelLoadException("model " + source + " is a zip without configuration.json (entries: " + names
          + "); expected a DL4J model zip written by ModelSerializer.writeModel");
    } catch (IOException e) {
      throw new ModelLoadException("model " + source + " is not a zip file (" + e.getMessage()
          + "); expected a DL4J model zip written by ModelSerializer.writeModel", e);
    }
  }

  /** The bytes of a DL4J model zip of this network (no updater state). */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(model(), out, false);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the network: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /** Saves a DL4J model zip. */
  public void save(Path file) throws IOException {
    Files.write(file, toBytes());
  }

  /** The wrapped DL4J model. */
  public Model model() {
    return mln != null ? mln : graph;
  }

  public boolean isGraph() {
    return graph != null;
  }

  /** The MultiLayerNetwork, or null for a graph. */
  public MultiLayerNetwork multiLayer() {
    return mln;
  }

  /** The ComputationGraph, or null for a MultiLayerNetwork. */
  public ComputationGraph graph() {
    return graph;
  }

  public int numInputs() {
    return mln != null ? 1 : graph.getNumInputArrays();
  }

  public int numOutputs() {
    return mln != null ? 1 : graph.getNumOutputArrays();
  }

  /** The network's data type (its parameters'). */
  public DataType dataType() {
    INDArray p = model().params();
    return p == null ? DataType.FLOAT : p.dataType();
  }

  /**
   * One step of the network, as the MC forward pass walks it: a network input, a layer (with the
   * preprocessor DL4J applies to its input), or a graph vertex without a layer. A
   * MultiLayerNetwork is the chain {@code input -> "0" -> "1" -> ...}; a graph gives its vertices.
   * This view is the one place where the two network kinds differ.
   *
   * @param name the node's key: the layer index for a MultiLayerNetwork, the vertex name for a graph
   * @param label a readable name for messages, e.g. {@code layer 2 (DenseLayer)}
   * @param inputs names of the nodes read, in order
   * @param inputIndex for a network input, which one; else -1
   * @param preprocessor the input preprocessor DL4J runs before the layer, or null
   * @param layer the layer (in this network), or null
   * @param vertex a graph vertex's configuration, or null in a MultiLayerNetwork
   */
  public record Node(String name, String label, List<String> inputs, int inputIndex, InputPreProcessor preprocessor,
      org.deeplearning4j.nn.api.Layer layer, org.deeplearning4j.nn.conf.graph.GraphVertex vertex) {

    public boolean isInput() {
      return inputIndex >= 0;
    }
  }

  /** Every node, inputs first, in topological order. */
  public List<Node> nodes() {
    List<Node> out = new ArrayList<>();
    if (mln != null) {
      MultiLayerConfiguration conf = mln.getLayerWiseConfigurations();
      out.add(new Node("input", "input 0", List.of(), 0, null, null, null));
      String previous = "input";
      for (int i = 0; i < mln.getnLayers(); i++) {
        String name = String.valueOf(i);
        out.add(new Node(name, "layer " + i + " (" + conf.getConf(i).getLayer().getClass().getSimpleName() + ")",
            List.of(previous), -1, conf.getInputPreProcess(i), mln.getLayer(i), null));
        previous = name;
      }
      return out;
    }
    ComputationGraphConfiguration conf = graph.getConfiguration();
    org.deeplearning4j.nn.graph.vertex.GraphVertex[] vs = graph.getVertices();
    for (int idx : graph.topologicalSortOrder()) {
      org.deeplearning4j.nn.graph.vertex.GraphVertex v = vs[idx];
      String name = v.getVertexName();
      if (v.isInputVertex()) {
        int k = conf.getNetworkInputs().indexOf(name);
        out.add(new Node(name, "input " + k, List.of(), k, null, null, null));
        continue;
      }
      List<String> inputs = new ArrayList<>();
      for (org.deeplearning4j.nn.graph.vertex.VertexIndices in : v.getInputVertices()) {
        inputs.add(vs[in.getVertexIndex()].getVertexName());
      }
      org.deeplearning4j.nn.conf.graph.GraphVertex vc = conf.getVertices().get(name);
      InputPreProcessor pre = vc instanceof LayerVertex lv ? lv.getPreProcessor() : null;
      out.add(new Node(name, "vertex '" + name + "'", List.copyOf(inputs), -1, pre, v.hasLayer() ? v.getLayer() : null,
          vc));
    }
    return out;
  }

  /** Names of the nodes whose outputs are the network's outputs, in order. */
  public List<String> outputs() {
    return mln != null ? List.of(String.valueOf(mln.getnLayers() - 1)) : graph.getConfiguration().getNetworkOutputs();
  }

  /** The layer of node {@code name} in this network (for a copy's own layer objects). */
  public org.deeplearning4j.nn.api.Layer layer(String name) {
    return mln != null ? mln.getLayer(Integer.parseInt(name)) : graph.getVertex(name).getLayer();
  }

  /** The input preprocessor of node {@code name} in this network, or null. */
  public InputPreProcessor preprocessor(String name) {
    if (mln != null) {
      return mln.getLayerWiseConfigurations().getInputPreProcess(Integer.parseInt(name));
    }
    return graph.getConfiguration().getVertices().get(name) instanceof LayerVertex lv ? lv.getPreProcessor() : null;
  }

  /** A graph vertex of this network by name (graphs only). */
  public org.deeplearning4j.nn.graph.vertex.GraphVertex vertex(String name) {
    if (graph == null) {
      throw new IllegalStateException("a MultiLayerNetwork has no vertex '" + name + "'");
    }
    return graph.getVertex(name);
  }

  /** A layer's name (its node name) and configuration. */
  public record LayerInfo(String name, org.deeplearning4j.nn.conf.layers.Layer conf) {}

  /** Every layer of the network, in order (topological for a graph). */
  public List<LayerInfo> layers() {
    List<LayerInfo> out = new ArrayList<>();
    for (Node n : nodes()) {
      if (n.layer() != null) {
        out.add(new LayerInfo(n.name(), n.layer().conf().getLayer()));
      }
    }
    return out;
  }

  /** A deterministic inference pass of DL4J itself: {@code output(x, false)}, every output. */
  public INDArray[] output(INDArray... inputs) {
    if (mln != null) {
      if (inputs.length != 1) {
        throw new IllegalArgumentException("a MultiLayerNetwork takes 1 input, got " + inputs.length);
      }
      return new INDArray[] {mln.output(inputs[0], false)};
    }
    return graph.output(false, inputs);
  }

  /**
   * DL4J's deterministic pass of a one-input network with a features mask ({@code [batch, time]},
   * 1 for a real step): {@code output(x, false, mask, null)}, every output.
   */
  public INDArray[] output(INDArray input, INDArray featuresMask) {
    if (mln != null) {
      return new INDArray[] {mln.output(input, false, featuresMask, null)};
    }
    return graph.output(false, new INDArray[] {input}, new INDArray[] {featuresMask});
  }

  /** An independent deep copy (parameters included), for use by another thread. */
  public Network copy() {
    return mln != null ? new Network(mln.clone(), null) : new Network(null, graph.clone(), inputShape);
  }

  /** SHA-256 of the network's configuration and parameters, in hex. */
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      String json = mln != null ? mln.getLayerWiseConfigurations().toJson() : graph.getConfiguration().toJson();
      md.update(json.getBytes(StandardCharsets.UTF_8));
      INDArray p = model().params();
      if (p != null) {
        for (double v : p.castTo(DataType.DOUBLE).data().asDouble()) {
          long bits = Double.doubleToLongBits(v);
          for (int i = 0; i < 8; i++) {
            md.update((byte) (bits >>> (8 * i)));
          }
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return (mln != null ? "MultiLayerNetwork" : "ComputationGraph") + " with " + model().numParams() + " parameters";
  }
}
