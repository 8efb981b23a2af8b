/**
 * The benchmarks behind {@code bin/mcposterior bench}: they print figures and assert nothing.
 * Each measures against a ceiling taken in the same run (sgemm rate, in-process throughput), since
 * absolute figures on a shared machine move from run to run.
 */
package org.mcposterior.jobs.bench;
