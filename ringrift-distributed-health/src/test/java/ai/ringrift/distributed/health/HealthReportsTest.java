package ai.ringrift.distributed.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HealthReportsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private static HealthSummary sample() {
    return HealthSummary.of(
        List.of(
            ComponentHealth.of(
                    HealthStatus.HEALTHY,
                    "data: 41.2% used, 512.3 GB free",
                    Map.of("used_percent", 41.2))
                .withName("disk")
                .withLastCheck(NOW.minusSeconds(125)),
            ComponentHealth.degraded("GPU 0 NVIDIA H100 80GB HBM3: 98% memory, 100% util")
                .withName("gpu")
                .withLastCheck(NOW),
            ComponentHealth.unhealthy("timed out after 5 s").withName("sqlite").withLastCheck(NOW)),
        NOW);
  }

  @Test
  @DisplayName("the text report has the banner, overall status, components, issues and warnings")
  void textReport() {
    String text = HealthReports.formatHealthReport(sample());
    assertThat(text)
        .contains("HEALTH CHECK REPORT")
        .contains("Overall: UNHEALTHY")
        .contains(
            "  ✓ disk: healthy\n      data: 41.2% used, 512.3 GB free\n      Last check: 2 minutes ago")
        .contains("  ⚠ gpu: degraded")
        .contains("  ✗ sqlite: unhealthy")
        .contains("ISSUES:\n  - [sqlite] timed out after 5 s")
        .contains("WARNINGS:\n  - [gpu] GPU 0 NVIDIA H100 80GB HBM3: 98% memory, 100% util");
  }

  @Test
  @DisplayName("JSON round-trips, with snake_case keys and lower-case statuses")
  void jsonRoundTrip() {
    HealthSummary s = sample();
    String json = HealthReports.toJson(s);
    assertThat(json)
        .contains("\"status\":\"unhealthy\"")
        .contains("\"healthy\":false")
        .contains("\"last_check\":\"2026-03-01T11:57:55Z\"")
        .contains("\"component_status\":{\"disk\":\"healthy\",\"gpu\":\"degraded\"");
    HealthSummary back = HealthReports.parseJson(json);
    assertThat(back).isEqualTo(s);
  }

  @Test
  @DisplayName("Python status labels are accepted; bad JSON fails with a HealthException")
  void parsing() {
    HealthSummary py =
        HealthReports.parseJson(
            "{\"status\":\"warning\",\"timestamp\":\"2026-03-01T12:00:00Z\",\"components\":"
                + "[{\"name\":\"disk\",\"status\":\"warning\",\"message\":\"86% used\"}]}");
    assertThat(py.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(py.warnings()).containsExactly("[disk] 86% used");
    assertThatThrownBy(() -> HealthReports.parseJson("not json"))
        .isInstanceOf(HealthException.class);
    assertThatThrownBy(() -> HealthReports.parseJson("{\"components\":[]}"))
        .isInstanceOf(HealthException.class)
        .hasMessageContaining("timestamp");
    assertThatThrownBy(
            () ->
                HealthReports.parseJson(
                    "{\"timestamp\":\"2026-03-01T12:00:00Z\",\"status\":\"purple\"}"))
        .isInstanceOf(HealthException.class)
        .hasMessageContaining("purple");
  }
}
