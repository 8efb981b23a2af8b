import java.nio.file.*;
import org.mcposterior.models.*;
import org.mcposterior.sampling.*;
import org.mcposterior.stochastic.StochasticNetwork;
import org.mcposterior.stats.Samples;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.*;

public class CompareWithPyTorch {
  public static void main(String[] a) throws Exception {
    for (String name : a) {
      JsonNode j = new ObjectMapper().readTree(Path.of(name + ".json").toFile());
      double[][] x = new ObjectMapper().convertValue(j.get("inputs"), double[][].class);
      double[][] y = new ObjectMapper().convertValue(j.get("outputs"), double[][].class);
      Network net;
      try {
        net = Network.fromBytes(Files.readAllBytes(Path.of(name + ".onnx")), name + ".onnx");
      } catch (RuntimeException e) {
        System.out.println(name + ": REFUSED: " + e.getMessage());
        continue;
      }
      INDArray in = Nd4j.create(x).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
      INDArray out = net.output(in)[0];
      double maxErr = 0, maxVal = 0;
      for (int i = 0; i < y.length; i++) for (int k = 0; k < y[i].length; k++) {
        maxErr = Math.max(maxErr, Math.abs(out.getDouble(i, k) - y[i][k])); maxVal = Math.max(maxVal, Math.abs(y[i][k]));
      }
      System.out.printf("%s DL4J: max |diff| %.3g (max |y| %.3g)%n", name, maxErr, maxVal);
      try (PosteriorSampler s = PosteriorSampler.of(StochasticNetwork.of(net.model()), SamplerConfig.defaults().withAllowDeterministic(true))) {
        Samples sm = s.predictOnBatch(in, 1);
        double e2 = 0;
        for (int i = 0; i < y.length; i++) for (int k = 0; k < y[i].length; k++) e2 = Math.max(e2, Math.abs(sm.get(i, k, 0) - y[i][k]));
        System.out.printf("%s plan: max |diff| %.3g%n", name, e2);
      }
    }
  }
}
