package ai.ringrift.distributed.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.storage.games.ConfigKey;
import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GamePage;
import ai.ringrift.distributed.storage.games.GameSummary;
import ai.ringrift.distributed.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the index keeps its guarantees across merges of recent games into its main tables")
class GameIndexMergeTest {
  @TempDir Path tmp;

  @Test
  @DisplayName("every game once, in order, findable by id and fingerprint before and after merges")
  void shouldKeepCursorAcrossMerges() throws Exception {
    Path db = tmp.resolve("hex8_2p.db");
    List<String> all = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    try (GameDbGenerator g = GameDbGenerator.create(db);
        GameIndex index =
            new GameIndex(
                tmp.resolve("index.sqlite"),
                Sqlite.Journal.WAL,
                FakeClock.create(),
                Duration.ofHours(1),
                Sqlite.Retry.DEFAULT,
                7)) {
      GameCursor cursor = GameCursor.start();
      for (int round = 0; round < 6; round++) {
        all.addAll(g.bulk(3 + round, "hex8", 2));
        index.refresh(List.of(db));
        GamePage page;
        do {
          page = index.after(cursor, 4, GameFilter.all());
          page.games().stream().map(GameSummary::gameId).forEach(seen::add);
          cursor = page.next();
        } while (page.hasMore());
        assertThat(seen).containsExactlyElementsOf(all);
      }
      assertThat(rows(index, "indexed_games")).isPositive();
      assertThat(rows(index, "recent_games")).isLessThan(7 + 8);
      for (String id : all) {
        assertThat(index.contains(id)).isTrue();
        assertThat(index.sourceOf(id)).contains(db.toAbsolutePath());
      }
      assertThat(index.counts()).containsEntry(ConfigKey.parse("hex8_2p"), (long) all.size());
      assertThat(index.after(GameCursor.start(), 1000, GameFilter.all()).games())
          .extracting(GameSummary::gameId)
          .containsExactlyElementsOf(all);
    }
  }

  private static long rows(GameIndex index, String table) throws Exception {
    return index.rows(table);
  }
}
