/**
 * A real Spark standalone cluster for integration tests: a master and workers as separate JVMs on
 * 127.0.0.1, applications submitted through SparkSubmit in their own JVM as the application jar of
 * {@code mvn package} alone, and executors that can be killed with SIGKILL. The Spark home is built
 * from the test class path's jars that the application jar lacks, so these tests need no Spark
 * distribution and no network beyond loopback. Also here: the checks of that jar, of the
 * wrong-Spark-line refusal, and of the deployment files in {@code cluster-configs/}.
 */
package org.mcposterior.jobs.cluster;
