package org.mcposterior.jobs.architecture;

import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * {@code learn} scores each step through the scoring API in memory ({@code PosteriorScorer}), not
 * through the {@code score} command's job and its files: checked on the main classes of the learn
 * package, which reach neither the job (not even through another class) nor the job's settings,
 * pool reader or command, nor the Spark API's internal task classes.
 */
@AnalyzeClasses(packages = "org.mcposterior", importOptions = ImportOption.DoNotIncludeTests.class)
class LearnIndependenceTest {
  static final String LEARN = "org.mcposterior.jobs.learn..";

  @ArchTest
  static final ArchRule learnNeverRunsTheScoreJob = noClasses().that().resideInAPackage(LEARN)
      .should().transitivelyDependOnClassesThat(name("org.mcposterior.jobs.score.ScoreJob"))
      .because("learn queries through PosteriorScorer in memory, with the network as an object; the score job"
          + " reads a model zip and a pool from files and writes its output to files");

  @ArchTest
  static final ArchRule learnUsesNoneOfTheScoreCommandsParts = noClasses().that().resideInAPackage(LEARN)
      .should().dependOnClassesThat(name("org.mcposterior.jobs.score.ScoreSettings")
          .or(name("org.mcposterior.jobs.score.PoolReader"))
          .or(name("org.mcposterior.jobs.ScoreCommand"))
          .or(name("org.mcposterior.spark.ScoreTask"))
          .or(name("org.mcposterior.spark.Sampling")))
      .because("a learning step is scored by the API (PosteriorScorer, ScorerSettings), not by the score command's"
          + " settings, file reader or the API's internal tasks");
}
