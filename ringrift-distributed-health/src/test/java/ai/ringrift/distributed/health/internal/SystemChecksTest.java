package ai.ringrift.distributed.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthCheckConfig;
import ai.ringrift.distributed.health.HealthStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemChecksTest {
  @TempDir Path proc;

  private void copyProc(String name) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(getClass().getResourceAsStream("/proc/" + name), name)) {
      Files.write(proc.resolve(name), in.readAllBytes());
    }
  }

  @Test
  @DisplayName("memory: MemTotal - MemAvailable against the thresholds")
  void memory() throws IOException {
    copyProc("meminfo");
    HealthCheckConfig config = HealthCheckConfig.builder().procRoot(proc).build();
    ComponentHealth h = SystemChecks.memory(config);
    // (527745264 - 401234567) / 527745264 = 23.97 %
    assertThat(h.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.metrics()).containsEntry("used_percent", 23.97);
    assertThat(h.message()).startsWith("24.0% used");
    assertThat(SystemChecks.memory(config.toBuilder().memoryPercent(20, 90).build()).status())
        .isEqualTo(HealthStatus.DEGRADED);
    assertThat(SystemChecks.memory(config.toBuilder().memoryPercent(10, 20).build()).status())
        .isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  @DisplayName("memory: no meminfo is unknown, not unhealthy")
  void memoryAbsent() {
    ComponentHealth h =
        SystemChecks.memory(HealthCheckConfig.builder().procRoot(proc.resolve("none")).build());
    assertThat(h.status()).isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  @DisplayName("cpu: 1-minute load per core against the thresholds")
  void cpu() throws IOException {
    copyProc("loadavg");
    HealthCheckConfig config = HealthCheckConfig.builder().procRoot(proc).build();
    assertThat(SystemChecks.cpu(config, 64).status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(SystemChecks.cpu(config, 4).status()).isEqualTo(HealthStatus.DEGRADED);
    ComponentHealth two = SystemChecks.cpu(config, 2);
    assertThat(two.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(two.metrics()).containsEntry("load_1m", 12.34).containsEntry("load_per_core", 6.17);
  }

  @Test
  @DisplayName("disk: measures each directory's file system, or its nearest existing ancestor")
  void disk(@TempDir Path data) {
    Path notYet = data.resolve("games/not-created-yet");
    HealthCheckConfig config =
        HealthCheckConfig.builder().dataDirectories(List.of(data, notYet)).build();
    ComponentHealth h = SystemChecks.disk(config);
    assertThat(h.metrics()).containsKeys(data.toString(), notYet.toString());
    @SuppressWarnings("unchecked") // built by SystemChecks.disk as a map per directory
    Map<String, Object> m = (Map<String, Object>) h.metrics().get(notYet.toString());
    assertThat(m).containsEntry("path", data.toString());
    assertThat((Long) m.get("total_bytes")).isPositive();
    assertThat(SystemChecks.disk(config.toBuilder().diskPercent(0, 100).build()).status())
        .isIn(HealthStatus.DEGRADED, HealthStatus.UNHEALTHY);
    assertThat(SystemChecks.disk(config.toBuilder().diskPercent(0, 0).build()).status())
        .isEqualTo(HealthStatus.UNHEALTHY);
  }
}
