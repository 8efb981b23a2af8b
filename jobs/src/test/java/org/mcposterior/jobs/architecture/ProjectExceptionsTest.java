package org.mcposterior.jobs.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import org.mcposterior.architecture.ExceptionFamilyTest;

/**
 * core's exception rules ({@link ExceptionFamilyTest}: one family, unchecked, no two of one simple
 * name) over the whole project as jobs sees it, core's and jobs' main classes, so a jobs exception
 * named like a core one is found too. The same import as {@link JobsLayeringTest}'s, shared through
 * ArchUnit's cache.
 */
@AnalyzeClasses(packages = "org.mcposterior", importOptions = ImportOption.DoNotIncludeTests.class)
class ProjectExceptionsTest {
  @ArchTest
  static final ArchTests exceptionFamily = ArchTests.in(ExceptionFamilyTest.class);
}
