package ai.ringrift.distributed.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCheckTest {
  @TempDir Path dir;

  private Path createDb(String name, int rows, boolean wal) throws Exception {
    Path db = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      if (wal) {
        st.execute("PRAGMA journal_mode=WAL");
      }
      st.execute("CREATE TABLE games(game_id TEXT PRIMARY KEY, board_type TEXT, total_moves INT)");
      st.execute("CREATE INDEX idx_games_board ON games(board_type)");
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO games VALUES (?, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          ins.setString(1, "game-" + i);
          ins.setString(2, i % 2 == 0 ? "hex8" : "square8");
          ins.setInt(3, 5 + i % 100);
          ins.addBatch();
        }
        ins.executeBatch();
      }
      c.commit();
    }
    return db;
  }

  @Test
  @DisplayName("a sound database passes quick_check on a read-only connection, unchanged")
  void healthy() throws Exception {
    Path db = createDb("hex8_2p.db", 100, false);
    byte[] before = Files.readAllBytes(db);
    ComponentHealth h = SqliteCheck.check(List.of(db), Duration.ofSeconds(20), () -> false);
    assertThat(h.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(h.message()).isEqualTo("hex8_2p.db: quick_check ok");
    assertThat(Arrays.equals(before, Files.readAllBytes(db))).isTrue();
  }

  @Test
  @DisplayName("a WAL-mode database that a writer holds open is checked too")
  void walModeWithOpenWriter() throws Exception {
    Path db = createDb("square8_2p.db", 50, true);
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = writer.createStatement()) {
      st.execute("INSERT INTO games VALUES ('live', 'hex8', 7)");
      ComponentHealth h = SqliteCheck.check(List.of(db), Duration.ofSeconds(20), () -> false);
      assertThat(h.status()).isEqualTo(HealthStatus.HEALTHY);
    }
  }

  @Test
  @DisplayName("a corrupt or missing database is unhealthy and named")
  void corruptAndMissing() throws Exception {
    Path good = createDb("good.db", 10, false);
    Path corrupt = dir.resolve("corrupt.db");
    Files.write(corrupt, "this is not an SQLite database, just text. ".repeat(200).getBytes());
    Path missing = dir.resolve("missing.db");
    ComponentHealth h =
        SqliteCheck.check(List.of(good, corrupt, missing), Duration.ofSeconds(20), () -> false);
    assertThat(h.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.message())
        .contains("good.db: quick_check ok")
        .contains("corrupt.db: cannot verify")
        .contains("missing.db: missing");
    assertThat(h.metrics()).containsKeys(good.toString(), corrupt.toString(), missing.toString());
  }

  @Test
  @DisplayName("a database with damaged pages reports quick_check's findings")
  void damagedPages() throws Exception {
    Path db = createDb("damaged.db", 5000, false);
    byte[] bytes = Files.readAllBytes(db);
    // Overwrite the middle of the file (index and table pages), keep the header intact.
    for (int i = bytes.length / 2; i < bytes.length / 2 + 8192 && i < bytes.length; i++) {
      bytes[i] = (byte) 0x5A;
    }
    Files.write(db, bytes);
    ComponentHealth h = SqliteCheck.check(List.of(db), Duration.ofSeconds(20), () -> false);
    assertThat(h.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.message()).contains("damaged.db");
  }

  @Test
  @DisplayName("quick_check stops at the time cap and reports degraded")
  void timeCap() throws Exception {
    Path db = createDb("big.db", 20000, false);
    ComponentHealth h = SqliteCheck.check(List.of(db), Duration.ofNanos(1), () -> false);
    assertThat(h.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(h.message()).contains("did not finish within");
  }

  @Test
  @DisplayName("a cancelled check aborts quick_check")
  void cancelled() throws Exception {
    Path db = createDb("big2.db", 20000, false);
    ComponentHealth h = SqliteCheck.check(List.of(db), Duration.ofSeconds(20), () -> true);
    assertThat(h.status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(h.message()).contains("cancelled");
  }
}
