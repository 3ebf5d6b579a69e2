package ai.ringrift.distributed.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthHistoryTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  private static ComponentHealth result(String name, int i) {
    HealthStatus s = i % 10 == 0 ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
    return ComponentHealth.of(s, "run " + i, Map.of("i", i, "used_percent", 40.5))
        .withName(name)
        .withLastCheck(T0.plusSeconds(60L * i));
  }

  @Test
  @DisplayName("the last results per check survive closing and reopening")
  void survivesReopen() throws Exception {
    Path file = dir.resolve("health/health_history.db");
    try (HealthHistory h = HealthHistory.open(file)) {
      List<ComponentHealth> batch = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        h.record(result("disk", i));
        batch.add(result("gpu", i));
        if (batch.size() == 7) {
          h.recordAll(batch);
          batch.clear();
        }
      }
      h.record(result("sqlite", 0)).get(30, TimeUnit.SECONDS);
    }
    assertThat(Files.exists(dir.resolve("health/health_history.db-wal"))).isFalse();

    try (HealthHistory h = HealthHistory.open(file)) {
      List<ComponentHealth> disk = h.history("disk", 1000).get(30, TimeUnit.SECONDS);
      assertThat(disk).hasSize(100);
      assertThat(disk.get(0)).isEqualTo(result("disk", 149));
      assertThat(disk.get(99)).isEqualTo(result("disk", 50));
      assertThat(h.history("disk", 3).get(30, TimeUnit.SECONDS))
          .extracting(ComponentHealth::message)
          .containsExactly("run 149", "run 148", "run 147");
      assertThat(h.history("gpu", 1000).get(30, TimeUnit.SECONDS)).hasSize(100);
      assertThat(h.history("nothing", 10).get(30, TimeUnit.SECONDS)).isEmpty();
      assertThat(h.checks().get(30, TimeUnit.SECONDS)).containsExactly("disk", "gpu", "sqlite");
    }
  }

  @Test
  @DisplayName("the file uses a rollback journal, not WAL mode")
  void rollbackJournal() throws Exception {
    Path file = dir.resolve("h.db");
    HealthHistory.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("delete");
    }
  }

  @Test
  @DisplayName("retention is configurable; closed histories and bad files fail with the file named")
  void retentionAndErrors() throws Exception {
    Path file = dir.resolve("small.db");
    HealthHistory h = HealthHistory.open(file, 5);
    for (int i = 0; i < 12; i++) {
      h.record(result("cpu", i));
    }
    assertThat(h.history("cpu", 100).get(30, TimeUnit.SECONDS)).hasSize(5);
    h.close();
    h.close();
    assertThat(h.record(result("cpu", 99)))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(HealthException.class)
        .withMessageContaining("small.db");

    Path garbage = dir.resolve("garbage.db");
    Files.writeString(garbage, "definitely not sqlite ".repeat(100));
    assertThatThrownBy(() -> HealthHistory.open(garbage))
        .isInstanceOf(HealthException.class)
        .hasMessageContaining("garbage.db");
    assertThatThrownBy(() -> HealthHistory.open(file, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
