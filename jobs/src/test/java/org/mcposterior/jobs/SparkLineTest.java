package org.mcposterior.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The build's Spark line against a runtime's versions (the child-JVM test is cluster.WrongSparkLineTest). */
class SparkLineTest {

  @Test
  void thisBuildRunsOnTheTestClassPathsSpark() {
    StringWriter err = new StringWriter();
    assertTrue(SparkLine.check(new PrintWriter(err)), "the test class path has this line's Spark: " + err);
    assertEquals("", err.toString());
    String spark = SparkLine.runtimeSparkVersion();
    String scala = SparkLine.runtimeScalaVersion();
    assertTrue(spark != null && spark.matches("\\d+\\.\\d+\\.\\d+.*"), "Spark version read: " + spark);
    assertTrue(scala != null && scala.matches("2\\.1[23]\\.\\d+"), "Scala version read: " + scala);
    assertEquals(Optional.empty(), SparkLine.ofThisBuild().mismatch(spark, scala));
  }

  @Test
  void aFourLineJarRefusesSparkThreeFiveNamingBothSides() {
    SparkLine four = new SparkLine("4.0.1", "2.13", List.of("4.0", "4.1"));
    String m = four.mismatch("3.5.9", "2.12.18").orElseThrow();
    assertTrue(m.contains("Spark 4.0.x or 4.1.x on Scala 2.13"), m);
    assertTrue(m.contains("runs Spark 3.5.9 on Scala 2.12.18"), m);
    assertTrue(m.contains("mcposterior-spark-3.5_2.12-"), "names the jar to use: " + m);
    assertEquals(Optional.empty(), four.mismatch("4.1.3", "2.13.17"));
    assertTrue(four.mismatch("4.2.0", "2.13.18").isPresent(), "a Spark minor it does not accept");
    assertTrue(four.mismatch("4.0.1", "2.12.18").isPresent(), "the right Spark on the wrong Scala");
  }

  @Test
  void aThreeFiveLineJarRefusesSparkFourAndAClassPathWithoutSpark() {
    SparkLine three = new SparkLine("3.5.9", "2.12", List.of("3.5"));
    String m = three.mismatch("4.0.1", "2.13.16").orElseThrow();
    assertTrue(m.contains("Spark 3.5.x on Scala 2.12") && m.contains("runs Spark 4.0.1 on Scala 2.13.16"), m);
    assertEquals(Optional.empty(), three.mismatch("3.5.0", "2.12.17"));
    assertTrue(three.mismatch(null, null).orElseThrow().contains("runs no Spark on no Scala"));
  }

  @Test
  void majorMinor() {
    assertEquals("4.0", SparkLine.majorMinor("4.0.1"));
    assertEquals("3.5", SparkLine.majorMinor("3.5.2-amzn-1"));
    assertEquals("4.1", SparkLine.majorMinor("4.1.0-SNAPSHOT"));
    assertEquals("4", SparkLine.majorMinor("4"));
  }
}
