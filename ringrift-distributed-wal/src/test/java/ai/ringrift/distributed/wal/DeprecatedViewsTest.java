package ai.ringrift.distributed.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("deprecated IngestionWal and WriteAheadLog views")
@SuppressWarnings("deprecation")
class DeprecatedViewsTest {
  @TempDir Path dir;

  @Test
  void ingestionWalShouldRecordDeduplicateAndProcessGamesThroughTheUnifiedWal() {
    try (IngestionWal wal = IngestionWal.open(dir)) {
      long id = wal.append(Map.of("game_id", "g-1", "moves", 42), "gh200-1", null).join();
      assertThat(wal.append(Map.of("game_id", "g-1"), "gh200-1", null).join()).isEqualTo(id);
      assertThat(wal.unprocessed(10))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.json().get("game_data").get("moves").asInt()).isEqualTo(42);
                assertThat(e.json().get("source_host").asText()).isEqualTo("gh200-1");
              });
      wal.markProcessed(id).join();
      assertThat(wal.unprocessed(10)).isEmpty();
      assertThat(wal.unified().status(id)).contains(WalEntryStatus.COMMITTED);
    }
  }

  @Test
  void writeAheadLogShouldConfirmSyncedGamesByGameId() {
    try (UnifiedWal unified = UnifiedWal.open(dir)) {
      WriteAheadLog wal = WriteAheadLog.over(unified);
      long a = wal.append("g-1", "h1", "selfplay.db", "abc").join();
      long b = wal.append("g-2", "h1", "selfplay.db", "def").join();
      assertThat(wal.append("g-1", "h1", "selfplay.db", "abc").join()).isEqualTo(a);
      assertThat(wal.confirmSynced(List.of("g-1")).join()).isEqualTo(1);
      assertThat(unified.status(a)).contains(WalEntryStatus.COMMITTED);
      assertThat(unified.status(b)).contains(WalEntryStatus.PENDING);
      wal.close(); // a view: the unified WAL stays open
      assertThat(unified.append(WalEntryType.SYNC_COMPLETED, new byte[] {1}).join()).isPositive();
    }
  }
}
