package ai.ringrift.distributed.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthChecksTest {
  @Test
  @DisplayName("backlog: healthy below 100, degraded from 100, unhealthy from 1000")
  void backlog() throws Exception {
    AtomicLong pending = new AtomicLong();
    HealthCheck check = HealthChecks.backlog("WAL entries", pending::get, 100, 1000);
    pending.set(99);
    assertThat(check.check(Runnable::run).get().status()).isEqualTo(HealthStatus.HEALTHY);
    pending.set(100);
    ComponentHealth degraded = check.check(Runnable::run).get();
    assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(degraded.message()).startsWith("100 WAL entries pending");
    assertThat(degraded.metrics()).containsEntry("pending", 100L);
    pending.set(1000);
    assertThat(check.check(Runnable::run).get().status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThatThrownBy(() -> HealthChecks.backlog("x", pending::get, 10, 5))
        .hasMessageContaining("10, 5");
  }

  @Test
  @DisplayName("the local node checks run together and report every component")
  void localNode(@TempDir Path data) throws Exception {
    HealthCheckConfig config =
        HealthCheckConfig.builder()
            .dataDirectories(List.of(data))
            .nvidiaSmi(data.resolve("no-nvidia-smi-here").toString())
            .checkTimeout(Duration.ofSeconds(20))
            .build();
    try (HealthChecker checker = HealthChecker.builder().localChecks(config).build()) {
      HealthSummary s = checker.getHealthSummary().get(60, TimeUnit.SECONDS);
      assertThat(s.componentStatus()).containsOnlyKeys("disk", "memory", "cpu", "gpu");
      assertThat(s.component("gpu").orElseThrow().status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(s.component("gpu").orElseThrow().message()).startsWith("no GPU");
      assertThat(HealthReports.formatHealthReport(s)).contains("gpu: healthy");
    }
  }

  @Test
  @DisplayName("config validation names the bad values")
  void configValidation() {
    assertThatThrownBy(() -> HealthCheckConfig.builder().diskPercent(90, 80))
        .hasMessageContaining("90.0, 80.0");
    assertThatThrownBy(() -> HealthCheckConfig.builder().memoryPercent(-1, 80))
        .hasMessageContaining("-1.0");
    assertThatThrownBy(() -> HealthCheckConfig.builder().gpuTimeout(Duration.ZERO))
        .hasMessageContaining("PT0S");
    assertThat(HealthCheckConfig.defaults()).isEqualTo(HealthCheckConfig.builder().build());
    assertThat(HealthCheckConfig.defaults().toString()).contains("disk=85.0/95.0%");
  }
}
