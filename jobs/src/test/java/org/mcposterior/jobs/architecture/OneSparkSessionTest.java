package org.mcposterior.jobs.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.apache.spark.sql.SparkSession;

/**
 * jobs' tests share one local Spark session ({@code org.mcposterior.jobs.testsupport.SharedSpark});
 * only the classes that need a Spark of their own build one: ProgressLogTest (a static setting, the
 * executor heartbeat, at 200 ms) and the cluster tests (local sessions stopped before a standalone
 * or YARN cluster starts, which needs the memory).
 */
@AnalyzeClasses(packages = "org.mcposterior", importOptions = ImportOption.OnlyIncludeTests.class)
class OneSparkSessionTest {

  @ArchTest
  static final ArchRule testsShareOneSparkSession = noClasses()
      .that().doNotHaveSimpleName("SharedSpark").and().doNotHaveSimpleName("ProgressLogTest")
      .and().doNotHaveSimpleName("ScoreJobClusterTest").and().doNotHaveSimpleName("YarnClusterTest")
      .should().callMethod(SparkSession.class, "builder")
      .because("a test class takes the shared session (SharedSpark.session()) unless it needs another master or a"
          + " static setting; then it is listed here and calls SharedSpark.stop() first");
}
