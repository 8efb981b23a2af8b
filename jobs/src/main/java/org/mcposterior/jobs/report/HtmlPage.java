package org.mcposterior.jobs.report;

import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML page: headings, paragraphs, tables, rows of inline SVG {@link Chart}s and
 * inline images, with its styles inline and a Content-Security-Policy ({@code default-src 'none';
 * style-src 'unsafe-inline'; img-src data:}) that forbids every fetch, so the page opens anywhere
 * and asks nothing of the network. No script.
 *
 * <p>Built by appending in reading order, then {@link #render()} once; not thread-safe. Text
 * arguments are escaped; only {@link Chart#svg()} output and {@link #image} data enter unescaped.
 */
public final class HtmlPage {
  /** The page's Content-Security-Policy. */
  public static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

  private static final String STYLE = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;"
      + "color:#222;max-width:1400px}h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}"
      + "h3{font-size:15px}table{border-collapse:collapse;font-size:12px;margin:8px 0}"
      + "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f3f3f3}"
      + "td.l,th.l{text-align:left}.row{display:flex;flex-wrap:wrap;gap:10px}"
      + ".chart{border:1px solid #eee;background:#fff}.t{font-size:13px;font-weight:600}"
      + ".fig{display:inline-block;text-align:center;font-size:11px;margin:2px}"
      + "img.px{image-rendering:pixelated;border:1px solid #ccc}p.note{color:#555;font-size:13px}";

  private final String title;
  private final StringBuilder body = new StringBuilder();

  public HtmlPage(String title) {
    this.title = title;
    body.append("<h1>").append(Svg.esc(title)).append("</h1>\n");
  }

  public HtmlPage heading(String text) {
    body.append("<h2>").append(Svg.esc(text)).append("</h2>\n");
    return this;
  }

  public HtmlPage subheading(String text) {
    body.append("<h3>").append(Svg.esc(text)).append("</h3>\n");
    return this;
  }

  public HtmlPage paragraph(String text) {
    body.append("<p class=\"note\">").append(Svg.esc(text)).append("</p>\n");
    return this;
  }

  /** A two-column table of names and values (in the map's order). */
  public HtmlPage keyValues(Map<String, ?> values) {
    body.append("<table class=\"kv\">");
    for (Map.Entry<String, ?> e : values.entrySet()) {
      body.append("<tr><th class=\"l\">").append(Svg.esc(e.getKey())).append("</th><td class=\"l\">")
          .append(Svg.esc(String.valueOf(e.getValue()))).append("</td></tr>");
    }
    body.append("</table>\n");
    return this;
  }

  /** A table with a header row; cells are text. */
  public HtmlPage table(List<String> header, List<List<String>> rows) {
    body.append("<table><tr>");
    for (String h : header) {
      body.append("<th>").append(Svg.esc(h)).append("</th>");
    }
    body.append("</tr>");
    for (List<String> r : rows) {
      body.append("<tr>");
      for (String c : r) {
        body.append("<td>").append(Svg.esc(c)).append("</td>");
      }
      body.append("</tr>");
    }
    body.append("</table>\n");
    return this;
  }

  /** A wrapping row of charts. */
  public HtmlPage charts(List<? extends Chart> charts) {
    body.append("<div class=\"row\">");
    for (Chart c : charts) {
      body.append(c.svg());
    }
    body.append("</div>\n");
    return this;
  }

  /** A row of one chart. */
  public HtmlPage chart(Chart chart) {
    return charts(List.of(chart));
  }

  /** Starts a wrapping row of figures ({@link #image}, {@link #figureChart}); end it with {@link #endRow}. */
  public HtmlPage row() {
    body.append("<div class=\"row\">");
    return this;
  }

  public HtmlPage endRow() {
    body.append("</div>\n");
    return this;
  }

  /** An inline image (a PNG as a {@code data:} URI, see {@link Images}) with a caption. */
  public HtmlPage image(String pngDataUri, int displayWidth, String caption) {
    if (!pngDataUri.startsWith("data:image/png;base64,")) {
      throw new IllegalArgumentException("only inline PNG data URIs are allowed in a self-contained page");
    }
    body.append("<div class=\"fig\"><img class=\"px\" alt=\"").append(Svg.esc(caption)).append("\" width=\"")
        .append(displayWidth).append("\" src=\"").append(pngDataUri).append("\"><br>").append(Svg.esc(caption))
        .append("</div>");
    return this;
  }

  /** A chart with a caption, inside a {@link #row}. */
  public HtmlPage figureChart(Chart chart, String caption) {
    body.append("<div class=\"fig\">").append(chart.svg()).append("<br>").append(Svg.esc(caption)).append("</div>");
    return this;
  }

  /** The whole page. */
  public String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + CSP + "\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + Svg.esc(title) + "</title><style>" + STYLE + "</style></head>\n<body>\n" + body
        + "</body></html>\n";
  }
}
