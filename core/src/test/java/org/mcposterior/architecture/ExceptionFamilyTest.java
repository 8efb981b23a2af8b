package org.mcposterior.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mcposterior.errors.McPosteriorException;

/**
 * The project's exceptions are one family (CONVENTIONS.md, "One exception family"): every class of
 * the project that is a {@link Throwable} or is named like one ({@code ...Exception}) is a {@link
 * McPosteriorException}, is unchecked, and has a simple name no other has. jobs runs the same rules
 * over both modules ({@code ProjectExceptionsTest}), so a name clash between core and jobs is found
 * too. Checked on the main classes, the ones a user meets (the test harness's own exceptions are in
 * the family as well): the import is then the one {@link CoreLayeringTest} makes, which ArchUnit
 * caches, so these rules cost almost nothing; importing the tests as well took 10 to 20 s more.
 *
 * <p>Unchecked, because the project's refusals are found before work starts and end the run, and a
 * checked exception would have to be wrapped in every Spark function it crosses; the JDK's checked
 * exceptions (an {@link java.io.IOException} from a file system) stay what they are and reach the
 * exit handler as causes.
 */
@AnalyzeClasses(packages = "org.mcposterior", importOptions = ImportOption.DoNotIncludeTests.class)
public class ExceptionFamilyTest {

  /** Every Throwable of the project, and every class named like one, but the family's root itself. */
  static final DescribedPredicate<JavaClass> EXCEPTIONS = assignableTo(Throwable.class)
      .or(simpleNameEndingWith("Exception")).and(not(equivalentTo(McPosteriorException.class)))
      .as("exceptions of the project");

  @ArchTest
  public static final ArchRule everyExceptionIsInTheFamily = classes().that().resideInAPackage("org.mcposterior..")
      .and(EXCEPTIONS).should().beAssignableTo(McPosteriorException.class)
      .because("the exit handler (jobs' Failure) shows a McPosteriorException's message as it is and recognises the"
          + " family by this type; a project exception outside it would be reported as an unknown failure");

  @ArchTest
  public static final ArchRule exceptionsAreUnchecked = classes().that().resideInAPackage("org.mcposterior..")
      .and(EXCEPTIONS).should().beAssignableTo(RuntimeException.class)
      .because("a refusal ends the run; a checked exception would be wrapped in every Spark function it crosses");

  @ArchTest
  public static final ArchRule exceptionNamesAreUnique = classes().that().resideInAPackage("org.mcposterior..")
      .and(EXCEPTIONS).should(haveASimpleNameOfTheirOwn())
      .because("an exception is known by its simple name in messages, logs and catch clauses; two of one name"
          + " (a subclass named like its base) leave a reader guessing which one is meant");

  /** No other class under test has the same simple name. */
  static ArchCondition<JavaClass> haveASimpleNameOfTheirOwn() {
    return new ArchCondition<>("have a simple name no other exception of the project has") {
      private final Map<String, List<String>> byName = new HashMap<>();

      @Override
      public void init(Collection<JavaClass> all) {
        byName.clear();
        for (JavaClass c : all) {
          byName.computeIfAbsent(c.getSimpleName(), k -> new ArrayList<>()).add(c.getName());
        }
      }

      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> same = byName.getOrDefault(c.getSimpleName(), List.of());
        if (same.size() > 1) {
          events.add(SimpleConditionEvent.violated(c, c.getName() + " shares its simple name with "
              + same.stream().filter(n -> !n.equals(c.getName())).toList()));
        }
      }
    };
  }
}
