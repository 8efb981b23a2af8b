package org.mcposterior.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of core (DESIGN.md, Layout), checked on its main classes: no Spark or Scala; the
 * statistics layer (samples, moments, heuristics, evaluation) stands on its own, without nd4j,
 * DL4J, the sampler or the forward engine; the keyed randomness depends on nothing but the JDK; and
 * no two packages depend on each other in a cycle.
 */
@AnalyzeClasses(packages = "org.mcposterior", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreLayeringTest {

  /** The packages of the statistics layer: plain data and the maths over it. */
  static final String[] STATISTICS = {"org.mcposterior.stats..", "org.mcposterior.heuristics..",
      "org.mcposterior.evaluation.."};

  @ArchTest
  static final ArchRule coreHasNoSpark = noClasses().that().resideInAPackage("org.mcposterior..")
      .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
      .because("core runs without Spark (DESIGN.md, Layout): Spark code belongs in jobs");

  @ArchTest
  static final ArchRule statisticsNeedNoSamplerEngineOrNd4j = noClasses().that().resideInAnyPackage(STATISTICS)
      .should().dependOnClassesThat().resideInAnyPackage("org.mcposterior.sampling..",
          "org.mcposterior.forward..", "org.mcposterior.stochastic..", "org.mcposterior.models..",
          "org.mcposterior.platform..", "org.mcposterior.training..", "org.nd4j..", "org.deeplearning4j..",
          "org.bytedeco..")
      .because("the plain data types of the statistics layer depend on neither nd4j nor the forward engine,"
          + " so stats and heuristics stand alone (DESIGN.md, Layout): convert INDArrays on the sampling side"
          + " (SampleArrays)");

  @ArchTest
  static final ArchRule statsIsBelowHeuristicsAndEvaluation = noClasses().that()
      .resideInAPackage("org.mcposterior.stats..")
      .should().dependOnClassesThat().resideInAnyPackage("org.mcposterior.heuristics..", "org.mcposterior.evaluation..")
      .because("samples and moments are the data the heuristics and the evaluation read, not the other way round");

  @ArchTest
  static final ArchRule randomnessNeedsOnlyTheJdk = classes().that().resideInAPackage("org.mcposterior.randomness..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("org.mcposterior.randomness..", "java..",
          "jdk.incubator.vector..")
      .because("every mask is a pure function of its key (DESIGN.md, invariant 4), the same in a driver, an"
          + " executor or a test: no Spark, nd4j or DL4J state may reach it");

  @ArchTest
  static final ArchRule packagesAreFreeOfCycles = slices().matching("org.mcposterior.(*)..").should().beFreeOfCycles()
      .because("one package per idea, layered: a cycle means two ideas that cannot be used apart");
}
