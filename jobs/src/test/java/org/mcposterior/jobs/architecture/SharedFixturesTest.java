package org.mcposterior.jobs.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;

/**
 * jobs' tests build their networks through core's shared fixtures (core's test-jar:
 * {@code org.mcposterior.testsupport.Networks}, and {@code ReferenceNetworks}), which seed DL4J
 * with a derived seed: nd4j treats seed 0 as unseeded, so a raw {@code .seed(s)} with a project seed
 * of 0 would not be repeatable.
 */
@AnalyzeClasses(packages = "org.mcposterior.jobs", importOptions = ImportOption.OnlyIncludeTests.class)
class SharedFixturesTest {

  @ArchTest
  static final ArchRule testsSeedNoNetworkThemselves = noClasses().that().resideInAPackage("org.mcposterior.jobs..")
      .should().callMethod(NeuralNetConfiguration.Builder.class, "seed", long.class)
      .orShould().callMethod(NeuralNetConfiguration.Builder.class, "setSeed", long.class)
      .because("networks of jobs' tests come from core's test-jar (testsupport.Networks) or ReferenceNetworks,"
          + " which derive the DL4J seed (never 0, which nd4j treats as unseeded)");
}
