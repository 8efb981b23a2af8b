/**
 * Self-contained HTML pages with inline SVG charts (histogram, bars, lines with a band, reliability
 * diagram), written by the project: no script, no network, no CDN, a Content-Security-Policy that
 * forbids every fetch. The {@code report} command's page of one scoring run lives here too; its
 * numbers come from {@code org.mcposterior.evaluation} and Spark aggregates.
 */
package org.mcposterior.jobs.report;
