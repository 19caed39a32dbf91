package dev.quarry.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module ladder, checked: core depends on nothing of Quarry's; each stage module (ingest,
 * embed, lucene, search, eval, experiment, llm) depends on core only; rerank builds on core and embed; the engine
 * composes stages; the answer runtime sits above the engine, the store and llm and below the server;
 * only the CLI sees everything, and nothing depends on the CLI.
 */
class ArchitectureTest {

  private static JavaClasses quarry;

  @BeforeAll
  static void importClasses() {
    quarry = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.quarry");
  }

  @Test
  void coreDependsOnlyOnTheJdk() {
    classes().that().resideInAPackage("dev.quarry.core..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.quarry.core..", "java..")
        .check(quarry);
  }

  @Test
  void stageModulesDependOnCoreOnly() {
    String[] stages = {"ingest", "embed", "lucene", "search", "eval", "experiment", "llm"};
    for (String stage : stages) {
      String[] others = java.util.Arrays.stream(new String[] {"ingest", "embed", "lucene", "search", "eval", "experiment",
              "llm", "rerank", "engine", "runtime", "cli"})
          .filter(s -> !s.equals(stage))
          .map(s -> "dev.quarry." + s + "..")
          .toArray(String[]::new);
      noClasses().that().resideInAPackage("dev.quarry." + stage + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because(stage + " is a pipeline stage: it may use core and its own libraries only")
          .check(quarry);
    }
  }

  @Test
  void rerankDependsOnCoreAndEmbedOnly() {
    noClasses().that().resideInAPackage("dev.quarry.rerank..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.quarry.ingest..", "dev.quarry.lucene..", "dev.quarry.search..", "dev.quarry.eval..",
            "dev.quarry.store..", "dev.quarry.engine..", "dev.quarry.server..", "dev.quarry.cli..")
        .because("re-rankers are scorers: search composes them, they do not know search")
        .check(quarry);
  }

  @Test
  void engineDoesNotDependOnTheEdges() {
    noClasses().that().resideInAPackage("dev.quarry.engine..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.cli..", "dev.quarry.eval..")
        .check(quarry);
  }

  @Test
  void theAnswerRuntimeSitsBetweenTheEngineAndTheServer() {
    noClasses().that().resideInAnyPackage("dev.quarry.engine..", "dev.quarry.store..")
        .should().dependOnClassesThat().resideInAPackage("dev.quarry.runtime..")
        .check(quarry);
    noClasses().that().resideInAPackage("dev.quarry.runtime..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.server..", "dev.quarry.cli..", "dev.quarry.eval..")
        .because("the runtime answers; the server and the CLI are its edges")
        .check(quarry);
  }

  @Test
  void onlyTheCliTalksToPicocli() {
    noClasses().that().resideOutsideOfPackage("dev.quarry.cli..")
        .should().dependOnClassesThat().resideInAPackage("picocli..")
        .check(quarry);
  }
}
