package org.mcposterior.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * One model exported from PyTorch by {@code core/src/test/python/make_onnx_fixtures.py}, with the
 * reference numbers PyTorch computed for it: the {@code .onnx} file's bytes and its {@code .json}
 * (inputs, eval-mode outputs, and for the MC fixtures the exact and baal-style posterior moments).
 */
record OnnxFixture(String name, byte[] onnx, JsonNode json) {

  static OnnxFixture of(String name) {
    try (InputStream model = resource(name + ".onnx"); InputStream data = resource(name + ".json")) {
      return new OnnxFixture(name, model.readAllBytes(), new ObjectMapper().readTree(data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every fixture's name: the {@code .json} files of the fixtures folder. */
  static List<String> names() {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(
        java.nio.file.Path.of(OnnxFixture.class.getResource("/onnx").toURI()))) {
      List<String> out = new ArrayList<>();
      files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted()
          .forEach(f -> out.add(f.substring(0, f.length() - ".json".length())));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InputStream resource(String file) {
    InputStream in = OnnxFixture.class.getResourceAsStream("/onnx/" + file);
    if (in == null) {
      throw new IllegalStateException("test resource /onnx/" + file + " is missing");
    }
    return in;
  }

  Network network() {
    return OnnxModels.read(onnx, name + ".onnx");
  }

  /** The examples as flat rows {@code [n, features]}, C order, as the sampler takes them. */
  INDArray inputs() {
    double[][] rows = rows("inputs");
    return Nd4j.create(rows).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
  }

  double[][] rows(String key) {
    JsonNode a = json.get(key);
    double[][] out = new double[a.size()][];
    for (int i = 0; i < a.size(); i++) {
      out[i] = new double[a.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = a.get(i).get(j).asDouble();
      }
    }
    return out;
  }

  double[] flat(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }

  boolean has(String key) {
    return json.has(key);
  }
}
