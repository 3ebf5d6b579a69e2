package ai.ringrift.distributed.transport.rsync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LiveDatabaseGuard")
class LiveDatabaseGuardTest {
  @Test
  @DisplayName("lets ordinary files through")
  void shouldAllowOrdinaryFiles() {
    assertThat(LiveDatabaseGuard.problems(List.of("a.npz", "m/b.pth", "db.txt"), false, n -> false))
        .isEmpty();
  }

  @Test
  @DisplayName("refuses a database unless vouched for as a snapshot")
  void shouldRefuseUnvouchedDatabases() {
    assertThat(LiveDatabaseGuard.problems(List.of("g/selfplay.db"), false, n -> false))
        .singleElement()
        .asString()
        .contains("g/selfplay.db")
        .contains("snapshot");
    assertThat(LiveDatabaseGuard.problems(List.of("x.sqlite3", "y.DB"), false, n -> false))
        .hasSize(2);
    assertThat(LiveDatabaseGuard.problems(List.of("g/selfplay.db"), true, n -> false)).isEmpty();
  }

  @Test
  @DisplayName("refuses a vouched database with a -wal or -journal beside it, and the side files")
  void shouldRefuseLiveDatabasesAndSideFiles() {
    Set<String> present = Set.of("a.db-wal", "b.db-journal");
    assertThat(LiveDatabaseGuard.problems(List.of("a.db", "b.db", "c.db"), true, present::contains))
        .hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("a.db may be live").contains("a.db-wal"))
        .anySatisfy(m -> assertThat(m).contains("b.db-journal"));
    assertThat(
            LiveDatabaseGuard.problems(
                List.of("a.db-wal", "a.db-shm", "notes-wal"), true, n -> false))
        .hasSize(2);
  }
}
