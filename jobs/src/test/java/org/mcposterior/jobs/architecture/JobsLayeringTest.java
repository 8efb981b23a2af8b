package org.mcposterior.jobs.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasModifiers.Predicates.modifier;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * jobs is a thin layer over core's public API (DESIGN.md, Layout), checked on the main classes of
 * jobs: it uses public classes of core's API packages only, and never the compiled forward engine
 * (the sampler's internals: jobs reaches it through {@code PosteriorSampler}). The rules name the
 * Spark API's package ({@code org.mcposterior.spark}) too and allow it to be empty, so they hold
 * before and after that package exists.
 */
@AnalyzeClasses(packages = "org.mcposterior", importOptions = ImportOption.DoNotIncludeTests.class)
class JobsLayeringTest {

  /** The packages of this module: the command line and jobs, and the Spark API. */
  static final String[] JOBS = {"org.mcposterior.jobs..", "org.mcposterior.spark.."};

  @ArchTest
  static final ArchRule jobsDoNotUseTheForwardEngine = noClasses().that().resideInAnyPackage(JOBS)
      .should().dependOnClassesThat().resideInAPackage("org.mcposterior.forward..")
      .because("the forward engine is the sampler's internals; jobs sample through PosteriorSampler (its"
          + " PlanProfile for costs), so the engine can change without touching jobs")
      .allowEmptyShould(true);

  /**
   * Core's packages that jobs may use: every package but the forward engine (and not core's test
   * support, which is test code). A new core package is API once it is listed here.
   */
  static final String[] CORE_API = {"org.mcposterior.sampling..", "org.mcposterior.stochastic..",
      "org.mcposterior.models..", "org.mcposterior.stats..", "org.mcposterior.heuristics..",
      "org.mcposterior.evaluation..", "org.mcposterior.training..", "org.mcposterior.randomness..",
      "org.mcposterior.platform..", "org.mcposterior.settings..", "org.mcposterior.learning..",
      "org.mcposterior.errors.."};

  @ArchTest
  static final ArchRule jobsUseOnlyCoresPublicApi = classes().that().resideInAnyPackage(JOBS)
      .should().onlyDependOnClassesThat(resideOutsideOfPackage("org.mcposterior..")
          .or(resideInAnyPackage(JOBS))
          .or(resideInAnyPackage(CORE_API).and(modifier(JavaModifier.PUBLIC)))
          .as("classes outside mcposterior, of jobs, or public classes of core's API packages"))
      .because("jobs is a thin layer over core's public API (DESIGN.md, Layout)")
      .allowEmptyShould(true);

  /** Command -> API -> core, without coming back: the Spark API never uses the command line's classes. */
  @ArchTest
  static final ArchRule theApiDoesNotDependOnTheCommandLine = noClasses().that()
      .resideInAPackage("org.mcposterior.spark..")
      .should().dependOnClassesThat().resideInAPackage("org.mcposterior.jobs..")
      .because("the DataFrame API is what the commands call; it must stand without them");

  /** At most this many parameters on any method, constructor or record of jobs (issue 18). */
  static final int MAX_PARAMETERS = 8;

  /**
   * No long positional parameter lists in jobs: settings are one value built from their
   * declarations (CONVENTIONS.md, Configuration), a record of many components is a few small
   * values. Compiler-made code (lambda bodies, whose parameters are their captured variables) is
   * not the reader's and is not counted.
   */
  @ArchTest
  static final ArchRule noLongParameterLists = codeUnits().that().areDeclaredInClassesThat()
      .resideInAnyPackage(JOBS).should(new ArchCondition<JavaCodeUnit>("take at most " + MAX_PARAMETERS
          + " parameters") {
        @Override
        public void check(JavaCodeUnit unit, ConditionEvents events) {
          boolean compilerMade = unit.getModifiers().contains(JavaModifier.SYNTHETIC) || unit.getName().startsWith("lambda$");
          int n = unit.getRawParameterTypes().size();
          if (!compilerMade && n > MAX_PARAMETERS) {
            events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " takes " + n + " parameters"));
          }
        }
      });
}
