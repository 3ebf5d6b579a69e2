package ai.ringrift.distributed.health.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthCheckConfig;
import ai.ringrift.distributed.health.HealthStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Parses real nvidia-smi output kept under src/test/resources/nvidia-smi. */
class GpuCheckTest {
  static String resource(String name) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(
            GpuCheckTest.class.getResourceAsStream("/nvidia-smi/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("parses a GH200 training node")
  void gh200() throws IOException {
    List<GpuCheck.Gpu> gpus = GpuCheck.parse(resource("gh200-training.csv"));
    assertThat(gpus).containsExactly(new GpuCheck.Gpu(0, "NVIDIA GH200 480GB", 81234, 97871, 98));
    ComponentHealth h = GpuCheck.evaluate(gpus, 95);
    assertThat(h.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.message()).isEqualTo("GPU 0 NVIDIA GH200 480GB: 83% memory, 98% util");
    assertThat(h.metrics()).containsEntry("gpu_count", 1);
  }

  @Test
  @DisplayName("parses eight H100s; one with 98% memory makes the check degraded")
  void h100x8() throws IOException {
    List<GpuCheck.Gpu> gpus = GpuCheck.parse(resource("h100x8-selfplay.csv"));
    assertThat(gpus).hasSize(8);
    assertThat(gpus).extracting(GpuCheck.Gpu::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(gpus.get(7).memoryUsedPercent()).isGreaterThan(98);
    ComponentHealth h = GpuCheck.evaluate(gpus, 95);
    assertThat(h.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.message()).contains("GPU 7 NVIDIA H100 80GB HBM3: 98% memory, 100% util");
    @SuppressWarnings("unchecked") // the metric is a list of maps, as evaluate() builds it
    List<Map<String, Object>> list = (List<Map<String, Object>>) h.metrics().get("gpus");
    assertThat(list.get(5))
        .containsEntry("memory_used_mib", 45678L)
        .containsEntry("utilization_percent", 63);
    assertThat(GpuCheck.evaluate(gpus, 99).status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  @DisplayName("an idle A10 is healthy")
  void idle() throws IOException {
    ComponentHealth h = GpuCheck.evaluate(GpuCheck.parse(resource("a10-idle.csv")), 95);
    assertThat(h.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.message()).isEqualTo("GPU 0 NVIDIA A10: 0% memory, 0% util");
  }

  @Test
  @DisplayName("[N/A] and [Not Supported] fields are unknown, not errors")
  void notSupportedFields() throws IOException {
    List<GpuCheck.Gpu> gpus = GpuCheck.parse(resource("not-supported-fields.csv"));
    assertThat(gpus.get(0).utilizationPercent()).isEqualTo(-1);
    assertThat(gpus.get(1).memoryUsedMib()).isEqualTo(-1);
    assertThat(gpus.get(1).memoryUsedPercent()).isEqualTo(-1);
    ComponentHealth h = GpuCheck.evaluate(gpus, 95);
    assertThat(h.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.message()).contains("GPU 0 NVIDIA GeForce RTX 4090: 4% memory, ? util");
    assertThat(h.message()).contains("GPU 1 NVIDIA A100-SXM4-40GB MIG 3g.20gb: ? memory, ? util");
  }

  @Test
  @DisplayName("a driver failure is unhealthy; no devices is 'no GPU'; garbage is unhealthy")
  void failures() throws IOException {
    ComponentHealth driver = GpuCheck.evaluateRun(9, resource("driver-failure.txt"), 95);
    assertThat(driver.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(driver.message())
        .startsWith("nvidia-smi exited with 9: NVIDIA-SMI has failed because it couldn't");
    ComponentHealth none = GpuCheck.evaluateRun(6, resource("no-devices.txt"), 95);
    assertThat(none.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(none.message()).startsWith("no GPU");
    assertThat(GpuCheck.evaluateRun(0, "garbage\n", 95).status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThatThrownBy(() -> GpuCheck.parse("0, A10, lots, 23028, 0")).hasMessageContaining("lots");
  }

  @Test
  @DisplayName("without nvidia-smi the check reports 'no GPU' and is healthy")
  void absentBinary() throws Exception {
    HealthCheckConfig config =
        HealthCheckConfig.builder()
            .nvidiaSmi("/nonexistent/ringrift-test/nvidia-smi")
            .gpuTimeout(Duration.ofSeconds(5))
            .build();
    ComponentHealth h = GpuCheck.run(config, Runnable::run).get(30, TimeUnit.SECONDS);
    assertThat(h.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.message()).isEqualTo("no GPU: /nonexistent/ringrift-test/nvidia-smi not found");
    assertThat(h.metrics()).containsEntry("gpu_count", 0);
  }
}
