package io.parley;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Dependencies between Parley's packages point one way: protocol and the Redis helpers at the bottom,
 * configuration, stores, limits, cache and metrics above them, the MCP client and the provider transport
 * above those, the turn engine ({@code turn}) above all of them, transports ({@code http}) on top, and only
 * the root package (which wires a gateway together) above those.
 *
 * <p>The rules are {@code @ArchTest} methods rather than fields: Surefire 3.5.3 does not run
 * {@code @ArchTest} fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(packages = "io.parley", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static void packagesAreFreeOfCycles(JavaClasses classes) {
    slices().matching("io.parley.(*)..").should().beFreeOfCycles().check(classes);
  }

  @ArchTest
  static void onlyTheRootPackageUsesTheTransports(JavaClasses classes) {
    noClasses().that().resideOutsideOfPackages("io.parley.http..", "io.parley")
        .should().dependOnClassesThat().resideInAPackage("io.parley.http..")
        .because("transports are on top: what they use must not know them")
        .check(classes);
  }

  @ArchTest
  static void theTurnEngineKnowsNoTransport(JavaClasses classes) {
    noClasses().that().resideInAPackage("io.parley.turn..")
        .should().dependOnClassesThat().resideInAPackage("io.parley.http..")
        .because("every transport (SSE, WebSocket, background) is an adapter over the one turn engine")
        .check(classes);
  }

  @ArchTest
  static void protocolIsAtTheBottom(JavaClasses classes) {
    usesNothingElseOfParley("io.parley.protocol")
        .because("translation is pure functions over the wire formats, used by stores, upstreams and transports")
        .check(classes);
  }

  @ArchTest
  static void redisHelpersAreAtTheBottom(JavaClasses classes) {
    usesNothingElseOfParley("io.parley.redis")
        .because("the shared client's options and the script runner serve state, limit and background alike")
        .check(classes);
  }

  private static ArchRule usesNothingElseOfParley(String pkg) {
    return noClasses().that().resideInAPackage(pkg + "..")
        .should().dependOnClassesThat(resideInAPackage("io.parley..").and(not(resideInAPackage(pkg + ".."))));
  }
}
