package org.mcposterior.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mcposterior.jobs.Main;

/**
 * {@code bench zoo} runs end to end on a tiny setting and prints well-formed figures. Speed itself
 * is never asserted here (the benchmark measures it; a timed unit test on a shared machine would
 * only measure the machine).
 */
class ZooBenchCommandTest {

  private static final Pattern NUMBER = Pattern.compile("[0-9][0-9,]*(\\.[0-9]+)?");

  @Test
  void printsOneWellFormedRowPerNetwork() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "zoo", "--networks",
        "mlp,lenet", "--pool", "6", "--iterations", "2", "--batch", "4", "--repeats", "2", "--memory-mib", "64");
    String text = out.toString();
    assertEquals(0, code, "exit code; stdout:\n" + text + "\nstderr:\n" + err);
    assertTrue(text.startsWith("machine: "), text);
    assertTrue(text.contains("OPENBLAS_CORETYPE="), text);
    assertTrue(text.contains(ZooBenchmark.HEADER), text);
    for (String net : List.of("mlp", "lenet")) {
      String row = text.lines().filter(l -> l.startsWith("| " + net + " |")).findFirst()
          .orElseThrow(() -> new AssertionError("no row for " + net + ":\n" + text));
      String[] cells = row.substring(1, row.length() - 1).split("\\|");
      assertEquals(9, cells.length, row);
      assertEquals(net.equals("mlp") ? "MC dropout" : "DropConnect p=0.05", cells[1].trim(), row);
      assertEquals("6 x 2", cells[2].trim(), row);
      for (int c = 3; c <= 7; c++) {
        Matcher m = NUMBER.matcher(cells[c]);
        int found = 0;
        while (m.find()) {
          double v = Double.parseDouble(m.group().replace(",", ""));
          assertTrue(v > 0 && Double.isFinite(v), "cell " + c + " of " + row);
          found++;
        }
        // median [min-max] for the rates and the ratio (two passes); GFLOP/s with its share of sgemm
        assertEquals(c <= 5 ? 3 : c == 6 ? 2 : 1, found, "cell " + c + " of " + row);
      }
      assertEquals("none", cells[8].trim(), row);
    }
    Matcher ceiling = Pattern.compile("sgemm ceiling: ([0-9.]+) GFLOP/s").matcher(text);
    assertTrue(ceiling.find(), text);
    assertTrue(Double.parseDouble(ceiling.group(1)) > 0, text);
  }

  @Test
  void figuresAreFiniteAndPositiveAndTheRatioIsPassByPass() {
    List<ZooBenchmark.Figures> figures = ZooBenchmark.run(new ZooBenchmark.Settings(List.of("cnn"),
        new ZooBenchmark.Workload(5, 2, 5, 2, 3), Double.NaN, 0.05, 1, 64L << 20, true), f -> { }, (n, e) -> {
          throw e;
        });
    assertEquals(1, figures.size());
    ZooBenchmark.Figures f = figures.get(0);
    double[] ratios = f.ratios();
    for (int i = 0; i < 2; i++) {
      assertTrue(f.samplerRates()[i] > 0 && Double.isFinite(f.samplerRates()[i]));
      assertTrue(f.dl4jRates()[i] > 0 && Double.isFinite(f.dl4jRates()[i]));
      assertEquals(f.samplerRates()[i] / f.dl4jRates()[i], ratios[i], 1e-12);
    }
    // The CNN's conv stack is its deterministic prefix: the sampler runs fewer FLOPs per example-iteration than DL4J.
    assertTrue(f.samplerFlops() > 0 && f.samplerFlops() < f.networkFlops(), f.samplerFlops() + " vs " + f.networkFlops());
    assertTrue(!f.hotNodes().isEmpty(), "profile requested");
  }
}
