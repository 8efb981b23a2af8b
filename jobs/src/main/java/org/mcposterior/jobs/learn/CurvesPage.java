package org.mcposterior.jobs.learn;

import java.util.Map;

/** The learning-curve page. INTERIM until issue-10's chart/page classes are merged. */
final class CurvesPage {
  private CurvesPage() {}

  static String html(Map<String, Object> summary) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>mcposterior learn</title></head><body>"
        + "<p>charts pending</p></body></html>\n";
  }
}
