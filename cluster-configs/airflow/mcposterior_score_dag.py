"""Airflow DAGs that run `mcposterior score` on Spark.

Two ways, pick one:

* ``mcposterior_score``: the Apache Spark provider's ``SparkSubmitOperator``. The Airflow connection
  ``spark_mcposterior`` names the cluster (host ``spark://master:7077``, ``yarn`` or
  ``k8s://https://api-server:6443``; no extras needed). ``spark-submit`` must be on the worker's
  PATH (the current provider takes no ``spark-home`` extra). Every Spark setting comes from
  ``cluster-configs/<target>/spark-defaults.conf`` through the operator's own ``properties_file``,
  and the deploy mode through ``deploy_mode``: the BLAS settings reach the executors as
  ``spark.executorEnv.*`` and a cluster-mode driver as ``spark.yarn.appMasterEnv.*`` (YARN) or
  ``spark.kubernetes.driverEnv.*`` (Kubernetes), all Spark settings. Only a client-mode driver
  (the standalone template) is this spark-submit process itself, on the Airflow worker: it gets
  them through ``env_vars``, which the operator refuses in standalone cluster mode and so is passed
  in client mode only.
* ``mcposterior_score_bash``: a ``BashOperator`` running ``cluster-configs/standalone/submit.sh``.

Both fail the Airflow task exactly when spark-submit exits non-zero (mcposterior: 0 success, 1 the
run failed, 2 usage error), so Airflow's retries apply to failed runs. A retry is safe: ``score``
resumes from the partitions a killed attempt committed (same settings, same output), and
``--overwrite`` replaces an attempt that completed only once the new output is complete. On YARN
and Kubernetes in cluster mode spark-submit reports the application's final state, not the
driver's own exit code (see cluster-configs/README.md, "Exit codes"). On Airflow 3.3 or newer in
YARN cluster mode the provider asks for ``durable=False`` or ``yarn_track_via_rm_api=True``: add one.

UNTESTED in Airflow (none on the test machine): AirflowDagTest parses this file with python3's
``ast`` and checks that every option in SCORE_ARGS is one `score --help` lists, that retries write
with ``--overwrite``, and that every keyword given to ``SparkSubmitOperator`` is a parameter of the
provider's operator. Both DAGs are unscheduled (``schedule=None``): trigger them by hand or set a
schedule once SCORE_ARGS names your model and pools.
"""

from __future__ import annotations

import os
import shlex
from datetime import datetime, timedelta
from pathlib import Path

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2
    from airflow.operators.bash import BashOperator

MCP_HOME = Path(os.environ.get("MCP_HOME", "/opt/mcposterior"))
# Which template the settings come from: standalone | yarn | kubernetes.
TARGET = os.environ.get("MCP_SPARK_TARGET", "standalone")
# The application jar of the cluster's Spark line, alone (no --jars): from `mvn package`,
# mcposterior-spark-4.0_2.13-<version>.jar (Spark 4.0-4.2) or, with -Pspark-3.5,
# spark-3.5/mcposterior-spark-3.5_2.12-<version>.jar. On Kubernetes: its path in the image.
APP_JAR = os.environ.get("MCP_APP_JAR", str(MCP_HOME / "jobs/target/mcposterior-spark-4.0_2.13-0.1.0-SNAPSHOT.jar"))
if TARGET == "kubernetes" and "MCP_APP_JAR" not in os.environ:
    APP_JAR = "local:///opt/mcposterior/mcposterior.jar"

# The options of `mcposterior score` (`bin/mcposterior score --help`). An example to adapt: keep
# each run's output apart with {{ ds }}, and let --overwrite make a retried task idempotent (the old
# output stays until the new one is complete).
# A pool kept as a table: "--format", "delta", "--pool", "s3a://lake/pool" (or "--format", "table",
# "--pool", "al.unlabeled"), read at its current version, which the run's summary records; and
# "--out-table", "al.scores" to write the scores to a table as well. A retry replaces that table, since
# a score run wrote it (README, "Pools and scores as tables"; the table format comes with the
# operator's packages and conf).
SCORE_ARGS: list[str] = [
    "--model", "hdfs:///models/classifier.zip",
    "--pool", "hdfs:///pools/unlabeled/{{ ds }}",
    "--out", "hdfs:///scores/{{ ds }}",
    "--id-col", "id", "--features-col", "features",
    "--iterations", "20", "--seed", "{{ ds_nodash }}",
    "--heuristic", "bald", "--top-k", "1000",
    "--overwrite",
]

# The deploy mode of each template (its spark.submit.deployMode), passed as the operator's deploy_mode.
DEPLOY_MODE = {"standalone": "client", "yarn": "cluster", "kubernetes": "cluster"}[TARGET]
PROPERTIES_FILE = str(MCP_HOME / "cluster-configs" / TARGET / "spark-defaults.conf")

# A client-mode driver runs in spark-submit on the Airflow worker, and DL4J runs in it: same BLAS
# settings as the executors get from spark.executorEnv.* in the template.
DRIVER_ENV = {"OPENBLAS_CORETYPE": "HASWELL", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


DEFAULT_ARGS = {
    "owner": "mcposterior",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=6),
}

with DAG(
    dag_id="mcposterior_score",
    description="Score the unlabeled pool with Monte-Carlo posteriors (SparkSubmitOperator).",
    start_date=datetime(2025, 1, 1),
    schedule=None,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["mcposterior", "spark"],
):
    SparkSubmitOperator(
        task_id="score",
        conn_id="spark_mcposterior",
        application=APP_JAR,
        java_class="org.mcposterior.jobs.Main",
        application_args=["score", *SCORE_ARGS],
        properties_file=PROPERTIES_FILE,
        deploy_mode=DEPLOY_MODE,
        env_vars=DRIVER_ENV if DEPLOY_MODE == "client" else None,
        name="mcposterior-score-{{ ds_nodash }}",
        verbose=False,
    )

with DAG(
    dag_id="mcposterior_score_bash",
    description="Score the unlabeled pool with Monte-Carlo posteriors (standalone/submit.sh).",
    start_date=datetime(2025, 1, 1),
    schedule=None,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["mcposterior", "spark"],
):
    BashOperator(
        task_id="score",
        # The trailing space keeps Airflow from reading a command that ends in ".sh" as a template file.
        bash_command=" ".join([shlex.quote(str(MCP_HOME / "cluster-configs/standalone/submit.sh")),
                               *map(shlex.quote, SCORE_ARGS)]) + " ",
        env={
            **DRIVER_ENV,
            "SPARK_HOME": os.environ.get("SPARK_HOME", "/opt/spark"),
            "SPARK_MASTER_URL": os.environ.get("SPARK_MASTER_URL", "spark://CHANGE-ME-master-host:7077"),
            "MCP_APP_JAR": APP_JAR,
        },
        append_env=True,
    )
