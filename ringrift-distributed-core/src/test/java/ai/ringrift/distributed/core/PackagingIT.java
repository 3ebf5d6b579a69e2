package ai.ringrift.distributed.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checks the packaged jars, as a user receives them: every library module is a real jar on the
 * classpath (Failsafe runs after {@code package}) with a stable {@code Automatic-Module-Name}.
 */
class PackagingIT {
  private static final Map<String, String> EXPECTED_MODULE_NAMES =
      Map.of(
          "ringrift-distributed-wal", "ringrift.distributed.wal",
          "ringrift-distributed-health", "ringrift.distributed.health",
          "ringrift-distributed-storage", "ringrift.distributed.storage",
          "ringrift-distributed-transport", "ringrift.distributed.transport",
          "ringrift-distributed-testkit", "ringrift.distributed.testkit");

  @Test
  void everyModuleJarCarriesItsAutomaticModuleName() throws IOException {
    List<Path> jars =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .filter(p -> p.getFileName().toString().startsWith("ringrift-distributed-"))
            .filter(p -> p.getFileName().toString().endsWith(".jar"))
            .filter(p -> !p.getFileName().toString().endsWith("-tests.jar"))
            .collect(Collectors.toList());
    Map<String, String> found = new LinkedHashMap<>();
    for (Path jar : jars) {
      try (JarFile jf = new JarFile(jar.toFile())) {
        String artifact = jar.getFileName().toString().replaceFirst("-\\d.*\\.jar$", "");
        found.put(artifact, jf.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
      }
    }
    assertThat(found).containsAllEntriesOf(EXPECTED_MODULE_NAMES);
  }

  @Test
  void coreJarItselfCarriesItsAutomaticModuleName() throws IOException {
    Path target = Path.of("target");
    try (var files = Files.list(target)) {
      Path jar =
          files
              .filter(p -> p.getFileName().toString().matches("ringrift-distributed-core-.*\\.jar"))
              .filter(p -> !p.getFileName().toString().contains("-tests"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("core jar not built in " + target.toAbsolutePath()));
      try (JarFile jf = new JarFile(jar.toFile())) {
        assertThat(jf.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
            .isEqualTo("ringrift.distributed.core");
      }
    }
  }
}
