package ai.ringrift.distributed.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The layering rules of shared/DESIGN.md and STYLE.md, checked on the compiled main classes of
 * every library module (core's test classpath holds them all).
 *
 * <ul>
 *   <li>No public API signature exposes a Netty, MINA SSHD or Resilience4j type.
 *   <li>No module reaches into another module's {@code internal} package.
 *   <li>The leaves (wal, health, storage) use no sibling module; transport uses only storage and
 *       health.
 * </ul>
 */
class ArchitectureTest {
  private static final String ROOT = "ai.ringrift.distributed";
  private static final List<String> MODULES =
      List.of("wal", "health", "storage", "transport", "core");
  private static final List<String> HIDDEN_PACKAGES =
      List.of("io.netty", "org.apache.sshd", "io.github.resilience4j");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);
    // Reactor builds put sibling modules on the classpath as jars, IDEs and `mvn test` as
    // directories: import both ways and keep whatever was found.
    if (classes.stream().map(c -> c.getPackageName()).distinct().count() < MODULES.size()) {
      classes =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .importPackages(ROOT);
    }
  }

  @Test
  @DisplayName("the classes of every library module are on the classpath")
  void everyModuleIsImported() {
    for (String module : MODULES) {
      String pkg = ROOT + "." + module;
      if (classes.stream().noneMatch(c -> c.getPackageName().startsWith(pkg))) {
        throw new AssertionError("no main classes found in " + pkg + ": the check would be empty");
      }
    }
  }

  @Test
  @DisplayName("public signatures expose no Netty, MINA SSHD or Resilience4j type")
  void publicApiHidesImplementationLibraries() {
    DescribedPredicate<JavaCodeUnit> inPublicApi =
        DescribedPredicate.describe("part of the public API", ArchitectureTest::isPublicApi);
    ArchRule methodsAndConstructors =
        codeUnits().that(inPublicApi).should(exposeNoHiddenType()).allowEmptyShould(false);
    methodsAndConstructors.check(classes);

    ArchRule publicFields =
        fields()
            .that(
                DescribedPredicate.describe(
                    "public fields of public API classes",
                    (JavaField f) ->
                        isApiClass(f.getOwner())
                            && (f.getModifiers().contains(JavaModifier.PUBLIC)
                                || f.getModifiers().contains(JavaModifier.PROTECTED))))
            .should(
                new ArchCondition<JavaField>("have no type from " + HIDDEN_PACKAGES) {
                  @Override
                  public void check(JavaField field, ConditionEvents events) {
                    for (JavaClass t : field.getType().getAllInvolvedRawTypes()) {
                      if (isHidden(t)) {
                        events.add(
                            SimpleConditionEvent.violated(
                                field, field.getFullName() + " exposes " + t.getName()));
                      }
                    }
                  }
                })
            .allowEmptyShould(true);
    publicFields.check(classes);

    ArchRule supertypes =
        noClasses()
            .that(
                DescribedPredicate.describe("are public API classes", ArchitectureTest::isApiClass))
            .should()
            .beAssignableTo(
                DescribedPredicate.describe(
                    "a type from " + HIDDEN_PACKAGES,
                    (JavaClass c) -> isHidden(c) && !c.getName().startsWith(ROOT)));
    supertypes.check(classes);
  }

  @TestFactory
  @DisplayName("no module reaches into another module's internal package")
  Stream<DynamicTest> internalPackagesArePrivateToTheirModule() {
    return MODULES.stream()
        .map(
            module ->
                DynamicTest.dynamicTest(
                    module + ".internal is used only by " + module,
                    () ->
                        noClasses()
                            .that()
                            .resideOutsideOfPackage(ROOT + "." + module + "..")
                            .should()
                            .dependOnClassesThat()
                            .resideInAPackage(ROOT + "." + module + ".internal..")
                            .allowEmptyShould(true)
                            .check(classes)));
  }

  @TestFactory
  @DisplayName("module dependencies follow the graph in DESIGN.md")
  Stream<DynamicTest> modulesFollowTheDesignGraph() {
    record Edge(String from, List<String> forbidden) {}
    List<Edge> edges =
        List.of(
            new Edge("wal", List.of("health", "storage", "transport", "core")),
            new Edge("health", List.of("wal", "storage", "transport", "core")),
            new Edge("storage", List.of("wal", "health", "transport", "core")),
            new Edge("transport", List.of("wal", "core")));
    List<DynamicTest> tests = new ArrayList<>();
    for (Edge e : edges) {
      for (String target : e.forbidden()) {
        tests.add(
            DynamicTest.dynamicTest(
                e.from() + " does not use " + target,
                () ->
                    noClasses()
                        .that()
                        .resideInAPackage(ROOT + "." + e.from() + "..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage(ROOT + "." + target + "..")
                        .allowEmptyShould(true)
                        .check(classes)));
      }
    }
    return tests.stream();
  }

  private static ArchCondition<JavaCodeUnit> exposeNoHiddenType() {
    return new ArchCondition<>("expose no type from " + HIDDEN_PACKAGES) {
      @Override
      public void check(JavaCodeUnit unit, ConditionEvents events) {
        Set<JavaClass> involved = new LinkedHashSet<>();
        involved.addAll(unit.getReturnType().getAllInvolvedRawTypes());
        for (JavaType p : unit.getParameterTypes()) {
          involved.addAll(p.getAllInvolvedRawTypes());
        }
        for (JavaClass thrown : unit.getThrowsClause().getTypes()) {
          involved.add(thrown);
        }
        for (JavaClass t : involved) {
          if (isHidden(t)) {
            events.add(
                SimpleConditionEvent.violated(
                    unit, unit.getFullName() + " exposes " + t.getName() + " in its signature"));
          }
        }
      }
    };
  }

  private static boolean isHidden(JavaClass type) {
    JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
    return HIDDEN_PACKAGES.stream().anyMatch(p -> base.getName().startsWith(p + "."));
  }

  private static boolean isApiClass(JavaClass c) {
    if (!c.getPackageName().startsWith(ROOT) || c.getPackageName().contains(".internal")) {
      return false;
    }
    // A nested class is API only if it and every enclosing class are public.
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPublicApi(JavaCodeUnit unit) {
    var mods = unit.getModifiers();
    boolean visible = mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED);
    boolean subclassable = !unit.getOwner().getModifiers().contains(JavaModifier.FINAL);
    if (mods.contains(JavaModifier.PROTECTED) && !subclassable) {
      return false;
    }
    return visible && !mods.contains(JavaModifier.SYNTHETIC) && isApiClass(unit.getOwner());
  }
}
