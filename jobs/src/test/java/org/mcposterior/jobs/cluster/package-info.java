/**
 * A real Spark standalone cluster for integration tests: a master and workers as separate JVMs on
 * 127.0.0.1, applications submitted through SparkSubmit in their own JVM, and executors that can be
 * killed with SIGKILL. Everything runs from the jars already on the test class path, so these tests
 * need no Spark distribution and no network beyond loopback.
 */
package org.mcposterior.jobs.cluster;
