/**
 * The command line and the Spark jobs, thin over {@code core}: reading pools, planning the work
 * grid, running the core sampler inside executors, merging, writing. No sampling or scoring
 * logic lives here.
 */
package org.mcposterior.jobs;
