package org.mcposterior.jobs.report;

import java.util.List;

/** Vertical bars, one per labelled value (for example accuracy on the pool and on the picks). Immutable. */
public final class BarChart implements Chart {
  private final String title;
  private final String yLabel;
  private final List<String> labels;
  private final double[] values;

  public BarChart(String title, String yLabel, List<String> labels, double[] values) {
    if (labels.size() != values.length) {
      throw new IllegalArgumentException(labels.size() + " labels for " + values.length + " bars");
    }
    this.title = title;
    this.yLabel = yLabel;
    this.labels = List.copyOf(labels);
    this.values = values.clone();
  }

  @Override
  public String svg() {
    double max = 0;
    double min = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    int n = values.length;
    Svg s = new Svg("bars", title, 0, Math.max(1, n), min, max == min ? min + 1 : max * 1.1);
    s.raw("<g class=\"axis\" stroke=\"#444\"><line x1=\"" + Svg.f(s.px(0)) + "\" x2=\"" + Svg.f(s.px(Math.max(1, n)))
        + "\" y1=\"" + Svg.f(s.py(0)) + "\" y2=\"" + Svg.f(s.py(0)) + "\"/></g>");
    s.raw("<g class=\"ticks\" font-size=\"10\">");
    for (double t : Svg.ticks(s.y0, s.y1)) {
      s.raw("<text x=\"" + Svg.f(Svg.LEFT - 6) + "\" y=\"" + Svg.f(s.py(t) + 3) + "\" text-anchor=\"end\">"
          + Svg.num(t) + "</text>");
    }
    s.raw("</g><text transform=\"translate(12," + Svg.f((Svg.TOP + Svg.HEIGHT - Svg.BOTTOM) / 2.0)
        + ") rotate(-90)\" text-anchor=\"middle\" font-size=\"11\">" + Svg.esc(yLabel) + "</text>");
    for (int i = 0; i < n; i++) {
      double v = values[i];
      double xa = s.px(i + 0.15);
      double xb = s.px(i + 0.85);
      s.raw("<text x=\"" + Svg.f((xa + xb) / 2) + "\" y=\"" + Svg.f(Svg.HEIGHT - Svg.BOTTOM + 15)
          + "\" text-anchor=\"middle\" font-size=\"10\">" + Svg.esc(labels.get(i)) + "</text>");
      if (!Double.isFinite(v)) {
        continue;
      }
      double top = s.py(Math.max(v, 0));
      double bottom = s.py(Math.min(v, 0));
      s.raw("<rect class=\"mark\" fill=\"#4878a8\" x=\"" + Svg.f(xa) + "\" y=\"" + Svg.f(top) + "\" width=\""
          + Svg.f(xb - xa) + "\" height=\"" + Svg.f(Math.max(0.6, bottom - top)) + "\"><title>"
          + Svg.esc(labels.get(i)) + ": " + Svg.num(v) + "</title></rect><text x=\"" + Svg.f((xa + xb) / 2)
          + "\" y=\"" + Svg.f(top - 3) + "\" text-anchor=\"middle\" font-size=\"10\">" + Svg.num(v) + "</text>");
    }
    return s.end();
  }
}
