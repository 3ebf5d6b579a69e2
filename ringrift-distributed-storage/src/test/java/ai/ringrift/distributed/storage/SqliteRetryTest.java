package ai.ringrift.distributed.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.storage.internal.MountTable;
import ai.ringrift.distributed.storage.internal.Sqlite;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "SQLite access retries a locked database with backoff and picks the journal by file system")
class SqliteRetryTest {
  private final List<Duration> waits = new ArrayList<>();
  private final Sqlite.Retry retry =
      new Sqlite.Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(15), waits::add);

  @Test
  @DisplayName("'database is locked' is retried with growing, capped delays")
  void shouldRetryLockedDatabase() {
    AtomicInteger calls = new AtomicInteger();
    String result =
        Sqlite.retrying(
            Path.of("/data/games/hex8_2p.db"),
            "scan",
            retry,
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw new SQLException(
                    "[SQLITE_BUSY] The database file is locked (database is locked)");
              }
              return "ok";
            });
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(4);
    assertThat(waits).hasSize(3);
    assertThat(waits.get(0)).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1300));
    assertThat(waits.get(1)).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2600));
    assertThat(waits.get(2)).isBetween(Duration.ofSeconds(4), Duration.ofMillis(5200));
  }

  @Test
  @DisplayName("gives up after the last attempt, naming the file; other errors are not retried")
  void shouldGiveUp() {
    assertThatThrownBy(
            () ->
                Sqlite.retrying(
                    Path.of("/x.db"),
                    "scan",
                    retry,
                    () -> {
                      throw new SQLException("database is locked");
                    }))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("/x.db")
        .hasMessageContaining("still locked after 5 attempts");
    waits.clear();
    assertThatThrownBy(
            () ->
                Sqlite.retrying(
                    Path.of("/x.db"),
                    "scan",
                    retry,
                    () -> {
                      throw new SQLException("no such table: games");
                    }))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("no such table");
    assertThat(waits).isEmpty();
  }

  @Test
  @DisplayName("library SQLite files use a rollback journal on NFS and WAL on local disks")
  void shouldChooseJournalByFileSystem() {
    MountTable mounts =
        MountTable.parse("/dev/sda1 / ext4 rw 0 0\nsrv:/e /lambda/nfs nfs4 rw 0 0\n");
    assertThat(Sqlite.Journal.forPath(Path.of("/lambda/nfs/RingRift/data/games"), mounts))
        .isEqualTo(Sqlite.Journal.DELETE);
    assertThat(Sqlite.Journal.forPath(Path.of("/home/u/data/games"), mounts))
        .isEqualTo(Sqlite.Journal.WAL);
  }
}
