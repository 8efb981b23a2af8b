/**
 * The {@code score} command's side of scoring: its settings, reading the pool file in its format,
 * the data-safe output directory, and the run that calls the scoring API ({@code
 * org.mcposterior.spark}) and writes scores, the top-k and a run summary atomically. No sampling,
 * scoring or ranking happens here.
 */
package org.mcposterior.jobs.score;
