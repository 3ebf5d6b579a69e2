package ai.ringrift.distributed.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.transport.TransportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SqliteSnapshots")
class SqliteSnapshotsTest {
  @TempDir Path dir;
  final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  @DisplayName("snapshots a WAL-mode database with its committed rows, without a -wal beside it")
  void shouldSnapshotALiveDatabase() throws Exception {
    Path db = dir.resolve("selfplay.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA wal_autocheckpoint=0");
      s.execute("CREATE TABLE games(id TEXT PRIMARY KEY)");
      s.execute("INSERT INTO games VALUES ('a'), ('b'), ('c')");
      // The rows sit in selfplay.db-wal: a plain file copy of selfplay.db would miss them.
      assertThat(Files.size(Path.of(db + "-wal"))).isPositive();
      Path target = dir.resolve("snap/selfplay.db");
      assertThat(SqliteSnapshots.snapshot(db, target, executor).get(30, TimeUnit.SECONDS))
          .isEqualTo(target);
      assertThat(Path.of(target + "-wal")).doesNotExist();
      try (Connection t = DriverManager.getConnection("jdbc:sqlite:" + target);
          Statement q = t.createStatement();
          ResultSet rs = q.executeQuery("SELECT COUNT(*) FROM games")) {
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
      try (Stream<Path> files = Files.list(target.getParent())) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("selfplay.db");
      }
    }
  }

  @Test
  @DisplayName("a missing database fails with a REQUEST fault naming it, leaving nothing behind")
  void shouldFailOnAMissingDatabase() {
    Path missing = dir.resolve("missing.db");
    assertThatThrownBy(
            () ->
                SqliteSnapshots.snapshot(missing, dir.resolve("out.db"), executor)
                    .get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            TransportException.class,
            e -> {
              assertThat(e.fault()).isEqualTo(TransportException.Fault.REQUEST);
              assertThat(e.getMessage()).contains(missing.toString());
            });
    assertThat(dir.resolve("out.db")).doesNotExist();
  }
}
