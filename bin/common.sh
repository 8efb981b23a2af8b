# Shared by the launchers: where the build is, the JVM flags Spark needs on Java 17, and a
# correct, fast OpenBLAS kernel (bin/blas-env.sh).
MCP_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MCP_JAR="$MCP_HOME/jobs/target/classes"
MCP_CLASSPATH_FILE="$MCP_HOME/jobs/target/classpath.txt"
# Spark's Java 17 module flags (org.apache.spark.launcher.JavaModuleOptions).
MCP_JAVA_OPENS="-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
--add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
-Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
. "$MCP_HOME/bin/blas-env.sh"

mcp_require_build() {
  if [ ! -f "$MCP_CLASSPATH_FILE" ] || [ ! -d "$MCP_JAR/org/mcposterior/jobs" ]; then
    echo "mcposterior is not built in $MCP_HOME: run 'mvn -B -ntp package -DskipTests' there first" >&2
    exit 2
  fi
}
