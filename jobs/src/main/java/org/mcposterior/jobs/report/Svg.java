package org.mcposterior.jobs.report;

import java.util.Locale;

/**
 * The plot frame shared by the charts: a fixed pixel size, a data box with linear x and y scales,
 * axes with about five round-number ticks, a title and axis labels. Builds SVG text; not
 * thread-safe, one frame per chart.
 */
final class Svg {
  static final int WIDTH = 420;
  static final int HEIGHT = 260;
  static final int LEFT = 56;
  static final int RIGHT = 14;
  static final int TOP = 28;
  static final int BOTTOM = 42;

  final double x0;
  final double x1;
  final double y0;
  final double y1;
  private final StringBuilder sb = new StringBuilder();

  Svg(String kind, String title, double x0, double x1, double y0, double y1) {
    double[] xs = nonEmpty(x0, x1);
    double[] ys = nonEmpty(y0, y1);
    this.x0 = xs[0];
    this.x1 = xs[1];
    this.y0 = ys[0];
    this.y1 = ys[1];
    sb.append("<svg class=\"chart\" data-kind=\"").append(kind).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(HEIGHT).append("\" role=\"img\"><title>").append(esc(title)).append("</title>")
        .append("<text x=\"").append(WIDTH / 2).append("\" y=\"16\" text-anchor=\"middle\" class=\"t\">")
        .append(esc(title)).append("</text>");
  }

  private static double[] nonEmpty(double a, double b) {
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      return new double[] {0, 1};
    }
    if (a == b) {
      return new double[] {a - 0.5, b + 0.5};
    }
    return new double[] {Math.min(a, b), Math.max(a, b)};
  }

  double px(double x) {
    return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
  }

  double py(double y) {
    return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
  }

  Svg raw(String s) {
    sb.append(s);
    return this;
  }

  /** Axes, ticks and labels around the data box. */
  Svg axes(String xLabel, String yLabel) {
    double bx = LEFT;
    double by = HEIGHT - BOTTOM;
    sb.append("<g class=\"axis\" stroke=\"#444\" fill=\"none\">")
        .append("<line x1=\"").append(f(bx)).append("\" y1=\"").append(f(by)).append("\" x2=\"")
        .append(f(WIDTH - RIGHT)).append("\" y2=\"").append(f(by)).append("\"/>")
        .append("<line x1=\"").append(f(bx)).append("\" y1=\"").append(f(TOP)).append("\" x2=\"")
        .append(f(bx)).append("\" y2=\"").append(f(by)).append("\"/></g>");
    sb.append("<g class=\"ticks\" font-size=\"10\" fill=\"#333\">");
    for (double t : ticks(x0, x1)) {
      sb.append("<line x1=\"").append(f(px(t))).append("\" x2=\"").append(f(px(t))).append("\" y1=\"").append(f(by))
          .append("\" y2=\"").append(f(by + 4)).append("\" stroke=\"#444\"/><text x=\"").append(f(px(t)))
          .append("\" y=\"").append(f(by + 15)).append("\" text-anchor=\"middle\">").append(num(t)).append("</text>");
    }
    for (double t : ticks(y0, y1)) {
      sb.append("<line x1=\"").append(f(bx - 4)).append("\" x2=\"").append(f(bx)).append("\" y1=\"").append(f(py(t)))
          .append("\" y2=\"").append(f(py(t))).append("\" stroke=\"#444\"/><text x=\"").append(f(bx - 6))
          .append("\" y=\"").append(f(py(t) + 3)).append("\" text-anchor=\"end\">").append(num(t)).append("</text>");
    }
    sb.append("</g><text x=\"").append(f((LEFT + WIDTH - RIGHT) / 2.0)).append("\" y=\"").append(HEIGHT - 6)
        .append("\" text-anchor=\"middle\" font-size=\"11\">").append(esc(xLabel)).append("</text>")
        .append("<text transform=\"translate(12,").append(f((TOP + HEIGHT - BOTTOM) / 2.0))
        .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"11\">").append(esc(yLabel)).append("</text>");
    return this;
  }

  /** A legend entry at row {@code i} in the top right of the data box. */
  Svg legend(int i, String color, String label) {
    return legend(i, color, label, false);
  }

  /** A legend entry at row {@code i}, in the top left of the data box when {@code left}. */
  Svg legend(int i, String color, String label, boolean left) {
    double x = left ? LEFT + 8 : WIDTH - RIGHT - 130;
    double y = TOP + 6 + 14 * i;
    sb.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" width=\"10\" height=\"10\" fill=\"")
        .append(color).append("\"/><text x=\"").append(f(x + 14)).append("\" y=\"").append(f(y + 9))
        .append("\" font-size=\"10\">").append(esc(label)).append("</text>");
    return this;
  }

  String end() {
    return sb.append("</svg>").toString();
  }

  /** About five round ticks in [a, b] (1, 2 or 5 times a power of ten apart). */
  static double[] ticks(double a, double b) {
    double span = b - a;
    double step = Math.pow(10, Math.floor(Math.log10(span / 5)));
    double r = span / 5 / step;
    step *= r >= 5 ? 5 : r >= 2 ? 2 : 1;
    double first = Math.ceil(a / step - 1e-9) * step;
    int n = (int) Math.floor((b - first) / step + 1e-9) + 1;
    double[] t = new double[Math.max(0, Math.min(n, 20))];
    for (int i = 0; i < t.length; i++) {
      t[i] = first + i * step;
    }
    return t;
  }

  static String f(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** A compact label for an axis or table: up to 4 significant digits. */
  static String num(double v) {
    if (v == 0) {
      return "0";
    }
    if (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-3) {
      return String.format(Locale.ROOT, "%.2g", v);
    }
    if (Math.abs(v) >= 1e6) {
      return num(v / 1e6) + "M";
    }
    if (Math.abs(v) >= 1e4) {
      return num(v / 1e3) + "k";
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains(".") && !s.contains("e")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }

  /** Escapes text for HTML and SVG. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
