package org.mcposterior.jobs.report;

/**
 * A chart that draws itself as one inline {@code <svg class="chart">} element. Every drawn data
 * mark carries the class {@code mark}, so a test (or a reader of the DOM) can check that something
 * was drawn.
 */
public interface Chart {

  /** The chart as an SVG element, ready to be placed in an HTML page. */
  String svg();
}
