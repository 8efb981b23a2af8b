package org.mcposterior.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo on real data: Fashion-MNIST from Debian's package (bin/test installs it). A dropout
 * MLP trained briefly scores the test images; the examples BALD picks must be ones the model gets
 * wrong far more often than average — the scores mean something.
 */
@Tag("realdata")
class DemoTest {
  @TempDir Path dir;

  @Test
  void fashionMnistDemoPicksTheModelsMistakes() throws Exception {
    assertTrue(FashionMnist.available(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is missing under "
        + FashionMnist.DEFAULT_DIR + ": install Debian's dataset-fashion-mnist (bin/test does)");
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--dir", dir.toString(), "--pool-size", "3000", "--train-size", "6000",
        "--top-k", "200", "--iterations", "20", "--master", "local[2]");
    DemoCommand.Result r = demo.run();
    assertEquals(3000, r.scored());
    assertTrue(r.poolAccuracy() > 0.6, "a trained model: accuracy " + r.poolAccuracy());
    assertTrue(r.pickedAccuracy() < r.poolAccuracy() - 0.08, "BALD picks mistakes: picked " + r.pickedAccuracy()
        + " vs pool " + r.poolAccuracy());
    assertTrue(Files.exists(r.out().resolve("summary.json")));
    assertTrue(Files.readString(dir.resolve("report.html")).contains("reliability"), "the demo's report, with labels");
  }

  @Test
  void syntheticDemoRunsWithoutData() throws Exception {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--dir", dir.toString(), "--synthetic", "--pool-size", "500", "--top-k", "10",
        "--master", "local[2]");
    DemoCommand.Result r = demo.run();
    assertEquals(500, r.scored());
    assertTrue(Double.isNaN(r.poolAccuracy()));
    assertTrue(Files.exists(dir.resolve("report.html")), "the demo writes its report");
  }
}
