package org.mcposterior.jobs.cluster;

/**
 * One executor JVM ({@code CoarseGrainedExecutorBackend}) that a worker of the test cluster
 * launched, read from its command line.
 *
 * @param pid operating-system process id, what {@link StandaloneCluster#killExecutor} takes
 * @param appId the application it serves ({@code app-...}), as the master names it
 * @param executorId Spark's executor id, as {@code SparkEnv.get().executorId()} returns it inside a task
 * @param workerIndex which worker launched it, 0-based, in start order
 */
public record ExecutorProcess(long pid, String appId, String executorId, int workerIndex) {
}
