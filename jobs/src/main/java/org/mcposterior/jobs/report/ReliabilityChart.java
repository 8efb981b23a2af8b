package org.mcposterior.jobs.report;

import java.util.List;
import java.util.Locale;
import org.mcposterior.evaluation.Calibration;
import org.mcposterior.evaluation.ReliabilityBin;

/**
 * A reliability diagram: accuracy against mean confidence of each non-empty confidence bin, one
 * line per model, over the diagonal of perfect calibration; the legend gives each model's ECE.
 * Immutable.
 */
public final class ReliabilityChart implements Chart {
  private static final String[] COLORS = {"#4878a8", "#d07030", "#50a050"};

  /** A named calibration to draw. */
  public record Entry(String name, Calibration calibration) {}

  private final String title;
  private final List<Entry> entries;

  public ReliabilityChart(String title, List<Entry> entries) {
    this.title = title;
    this.entries = List.copyOf(entries);
  }

  @Override
  public String svg() {
    Svg s = new Svg("reliability", title, 0, 1, 0, 1);
    s.axes("confidence (largest class probability)", "accuracy");
    s.raw("<line class=\"diagonal\" x1=\"" + Svg.f(s.px(0)) + "\" y1=\"" + Svg.f(s.py(0)) + "\" x2=\"" + Svg.f(s.px(1))
        + "\" y2=\"" + Svg.f(s.py(1)) + "\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>");
    for (int k = 0; k < entries.size(); k++) {
      Entry e = entries.get(k);
      String color = COLORS[k % COLORS.length];
      StringBuilder d = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      for (ReliabilityBin b : e.calibration().bins()) {
        if (b.count() == 0) {
          continue;
        }
        String x = Svg.f(s.px(b.meanConfidence()));
        String y = Svg.f(s.py(b.accuracy()));
        d.append(d.length() == 0 ? "M" : "L").append(x).append(',').append(y);
        dots.append("<circle class=\"mark\" cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"3\" fill=\"")
            .append(color).append("\"><title>").append(Svg.esc(e.name())).append(": ").append(b.count())
            .append(" examples, confidence ").append(Svg.num(b.meanConfidence())).append(", accuracy ")
            .append(Svg.num(b.accuracy())).append("</title></circle>");
      }
      if (d.indexOf("L") > 0) { // a line needs two points; a single bin is its dot
        s.raw("<path class=\"mark line\" d=\"" + d + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.6\"/>");
      }
      s.raw(dots.toString());
      s.legend(k, color, e.name() + String.format(Locale.ROOT, " (ECE %.3f)", e.calibration().ece()), true);
    }
    return s.end();
  }
}
