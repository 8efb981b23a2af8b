package org.mcposterior.jobs.report;

import org.mcposterior.evaluation.Histogram;

/**
 * Bars of a {@link Histogram}'s bin counts over its range, with an optional vertical marker (for
 * example the sample mean). Immutable.
 */
public final class HistogramChart implements Chart {
  private final String title;
  private final String xLabel;
  private final Histogram histogram;
  private final double marker;

  /**
   * @param marker x of a dashed vertical line, or NaN for none
   */
  public HistogramChart(String title, String xLabel, Histogram histogram, double marker) {
    this.title = title;
    this.xLabel = xLabel;
    this.histogram = histogram;
    this.marker = marker;
  }

  @Override
  public String svg() {
    long max = 1;
    for (long c : histogram.counts()) {
      max = Math.max(max, c);
    }
    Svg s = new Svg("histogram", title, histogram.lower(), histogram.upper(), 0, max * 1.05);
    s.axes(xLabel, "count");
    s.raw("<g fill=\"#4878a8\">");
    for (int i = 0; i < histogram.bins(); i++) {
      long c = histogram.count(i);
      if (c == 0) {
        continue;
      }
      double xa = s.px(histogram.edge(i));
      double xb = s.px(histogram.edge(i + 1));
      double yt = s.py(c);
      s.raw("<rect class=\"mark\" x=\"" + Svg.f(xa) + "\" y=\"" + Svg.f(yt) + "\" width=\"" + Svg.f(Math.max(0.6, xb - xa - 0.4))
          + "\" height=\"" + Svg.f(s.py(0) - yt) + "\"><title>[" + Svg.num(histogram.edge(i)) + ", "
          + Svg.num(histogram.edge(i + 1)) + "): " + c + "</title></rect>");
    }
    s.raw("</g>");
    if (Double.isFinite(marker) && marker >= histogram.lower() && marker <= histogram.upper()) {
      s.raw("<line class=\"marker\" x1=\"" + Svg.f(s.px(marker)) + "\" x2=\"" + Svg.f(s.px(marker)) + "\" y1=\""
          + Svg.f(s.py(0)) + "\" y2=\"" + Svg.f(s.py(max * 1.05)) + "\" stroke=\"#c03030\" stroke-dasharray=\"4 3\"/>");
    }
    return s.end();
  }
}
