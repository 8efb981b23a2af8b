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

  private Network(MultiLayerNetwork mln, ComputationGraph graph) {
    this.mln = mln;
    this.graph = graph;
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

  /** Loads a DL4J model zip written by {@code ModelSerializer} (or {@code net.save(file)}). */
  public static Network load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException("model file " + file + " does not exist or is not a file; expected a DL4J model zip"
          + " written by ModelSerializer.writeModel or net.save(file)");
    }
    try {
      return fromBytes(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a network from the bytes of a DL4J model zip; {@code source} names it in errors. */
  public static Network fromBytes(byte[] zip, String source) {
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
        throw new ModelLoadException("model " + source + " is not a zip file (" + zip.length + " bytes, no zip entries);"
            + " expected a DL4J model zip written by ModelSerializer.writeModel");
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

  /** A layer's name (its index for a MultiLayerNetwork, its vertex name for a graph) and configuration. */
  public record LayerInfo(String name, org.deeplearning4j.nn.conf.layers.Layer conf) {}

  /** Every layer of the network, in order (topological for a graph). */
  public List<LayerInfo> layers() {
    List<LayerInfo> out = new ArrayList<>();
    if (mln != null) {
      for (int i = 0; i < mln.getnLayers(); i++) {
        out.add(new LayerInfo(String.valueOf(i), mln.getLayerWiseConfigurations().getConf(i).getLayer()));
      }
    } else {
      org.deeplearning4j.nn.graph.vertex.GraphVertex[] vs = graph.getVertices();
      for (int idx : graph.topologicalSortOrder()) {
        if (vs[idx].hasLayer()) {
          out.add(new LayerInfo(vs[idx].getVertexName(), vs[idx].getLayer().conf().getLayer()));
        }
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

  /** An independent deep copy (parameters included), for use by another thread. */
  public Network copy() {
    return mln != null ? new Network(mln.clone(), null) : new Network(null, graph.clone());
  }

  /** A copy of all parameters, flattened (for checks that weights were not changed). */
  public INDArray paramsCopy() {
    return model().params().dup();
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
