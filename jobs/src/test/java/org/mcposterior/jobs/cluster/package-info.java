/**
 * Real clusters for integration tests: a Spark standalone cluster ({@link
 * org.mcposterior.jobs.cluster.StandaloneCluster}: master and workers as separate JVMs on 127.0.0.1,
 * executors that can be killed with SIGKILL) and HDFS with YARN inside the test JVM ({@link
 * org.mcposterior.jobs.cluster.YarnCluster}); applications are submitted through SparkSubmit in
 * their own JVM as the application jar of {@code mvn package} alone ({@link
 * org.mcposterior.jobs.cluster.SubmitSpec}). Also here: the checks of that jar, of the
 * wrong-Spark-line refusal, and of the deployment files in {@code cluster-configs/}.
 *
 * <p>The harness, one responsibility per class. Shared by both clusters: {@code RunDirectory}
 * (files, trouble, cleanup), {@code SparkHome} and {@code ClusterJars} (Spark without a
 * distribution), {@code WatchdogAgent} (no JVM outlives the test JVM), {@code JvmLauncher}
 * (starting JVMs, Java 17 module flags), {@code SparkEnvironment} and {@code OpenBlas}
 * (environments), {@code SubmitterProcess} (a running SparkSubmit), {@code ExecutorMarkers} (the
 * kill-mid-task protocol), {@code ProcessTrees} (finding and killing processes), {@code Poller}
 * (waiting), {@code StopOnce} (close and shutdown hook), {@code ProductJar} and {@code Logs}.
 * Standalone only: {@code StandaloneClusterBuilder}, {@code SparkClassLauncher},
 * {@code StandaloneDaemons}, {@code MasterClient}, {@code StandaloneExecutors},
 * {@code StandaloneDiagnostics}, {@code TestApplicationJar}, {@code RunningApp}. YARN only:
 * {@code HdfsAndYarn}, {@code HadoopClientConf}, {@code YarnContainers}, {@code YarnSubmission}.
 */
package org.mcposterior.jobs.cluster;
