package org.mcposterior.jobs.report;

import java.util.List;

/**
 * Lines of y against x, each with an optional shaded band (for example the mean over seeds and one
 * standard deviation around it). Immutable.
 */
public final class LineChart implements Chart {
  private static final String[] COLORS = {"#4878a8", "#d07030", "#50a050", "#a04890", "#808080", "#c0a020"};

  /**
   * One line: points {@code (x[i], y[i])} in order, and a band from {@code lower[i]} to {@code
   * upper[i]} when both are given (else null). NaN points are skipped.
   */
  public record Series(String name, double[] x, double[] y, double[] lower, double[] upper) {
    public Series {
      if (x.length != y.length || (lower == null) != (upper == null)
          || (lower != null && (lower.length != x.length || upper.length != x.length))) {
        throw new IllegalArgumentException("series " + name + ": x, y and band need one value per point");
      }
      x = x.clone();
      y = y.clone();
      lower = lower == null ? null : lower.clone();
      upper = upper == null ? null : upper.clone();
    }

    /** A line without a band. */
    public static Series of(String name, double[] x, double[] y) {
      return new Series(name, x, y, null, null);
    }

    /** A line with a band from {@code lower} to {@code upper}. */
    public static Series withBand(String name, double[] x, double[] y, double[] lower, double[] upper) {
      return new Series(name, x, y, lower, upper);
    }

    /**
     * The mean over seeds of {@code ySeeds[seed][i]} with a band of one sample standard deviation
     * ({@code n - 1} in the denominator; zero width for one seed).
     */
    public static Series overSeeds(String name, double[] x, double[][] ySeeds) {
      int n = x.length;
      double[] mean = new double[n];
      double[] lo = new double[n];
      double[] hi = new double[n];
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (double[] run : ySeeds) {
          s += run[i];
        }
        double m = s / ySeeds.length;
        double ss = 0;
        for (double[] run : ySeeds) {
          ss += (run[i] - m) * (run[i] - m);
        }
        double sd = ySeeds.length > 1 ? Math.sqrt(ss / (ySeeds.length - 1)) : 0;
        mean[i] = m;
        lo[i] = m - sd;
        hi[i] = m + sd;
      }
      return new Series(name, x, mean, lo, hi);
    }
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series;
  private final double yMin;
  private final double yMax;

  /** A chart whose y range fits the data. */
  public LineChart(String title, String xLabel, String yLabel, List<Series> series) {
    this(title, xLabel, yLabel, series, Double.NaN, Double.NaN);
  }

  /** A chart with the y range {@code [yMin, yMax]} (NaN: fit the data). */
  public LineChart(String title, String xLabel, String yLabel, List<Series> series, double yMin, double yMax) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.series = List.copyOf(series);
    this.yMin = yMin;
    this.yMax = yMax;
  }

  @Override
  public String svg() {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) {
          continue;
        }
        x0 = Math.min(x0, s.x()[i]);
        x1 = Math.max(x1, s.x()[i]);
        double lo = s.lower() == null ? s.y()[i] : Math.min(s.y()[i], s.lower()[i]);
        double hi = s.upper() == null ? s.y()[i] : Math.max(s.y()[i], s.upper()[i]);
        y0 = Math.min(y0, lo);
        y1 = Math.max(y1, hi);
      }
    }
    if (Double.isFinite(yMin)) {
      y0 = yMin;
    }
    if (Double.isFinite(yMax)) {
      y1 = yMax;
    }
    Svg svg = new Svg("line", title, x0, x1, y0, y1);
    svg.axes(xLabel, yLabel);
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      String color = COLORS[k % COLORS.length];
      if (s.lower() != null) {
        StringBuilder top = new StringBuilder();
        StringBuilder bottom = new StringBuilder();
        for (int i = 0; i < s.x().length; i++) {
          if (Double.isFinite(s.x()[i]) && Double.isFinite(s.lower()[i]) && Double.isFinite(s.upper()[i])) {
            top.append(top.length() == 0 ? "M" : "L").append(Svg.f(svg.px(s.x()[i]))).append(',')
                .append(Svg.f(svg.py(s.upper()[i])));
          }
        }
        for (int i = s.x().length - 1; i >= 0; i--) {
          if (Double.isFinite(s.x()[i]) && Double.isFinite(s.lower()[i]) && Double.isFinite(s.upper()[i])) {
            bottom.append('L').append(Svg.f(svg.px(s.x()[i]))).append(',').append(Svg.f(svg.py(s.lower()[i])));
          }
        }
        if (top.length() > 0) {
          svg.raw("<path class=\"mark band\" d=\"" + top + bottom + "Z\" fill=\"" + color
              + "\" fill-opacity=\"0.2\" stroke=\"none\"/>");
        }
      }
      StringBuilder line = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
          String px = Svg.f(svg.px(s.x()[i]));
          String py = Svg.f(svg.py(s.y()[i]));
          line.append(line.length() == 0 ? "M" : "L").append(px).append(',').append(py);
          dots.append("<circle class=\"mark\" cx=\"").append(px).append("\" cy=\"").append(py)
              .append("\" r=\"2.2\" fill=\"").append(color).append("\"><title>").append(Svg.esc(s.name())).append(": (")
              .append(Svg.num(s.x()[i])).append(", ").append(Svg.num(s.y()[i])).append(")</title></circle>");
        }
      }
      if (line.indexOf("L") > 0) { // a line needs two points; a single point is its dot
        svg.raw("<path class=\"mark line\" d=\"" + line + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.8\"/>");
      }
      svg.raw(dots.toString());
      svg.legend(k, color, s.name());
    }
    return svg.end();
  }
}
