package ai.ringrift.distributed.storage.games;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName(
    "games read from selfplay DBs and written into a library DB compare equal column by column")
class GameStoreRoundTripTest {
  private static final List<String> TABLES =
      List.of(
          "games",
          "game_players",
          "game_initial_state",
          "game_moves",
          "game_state_snapshots",
          "game_choices",
          "game_history_entries",
          "game_nnue_features");

  @TempDir Path tmp;

  @Test
  @DisplayName(
      "every finished game round-trips exactly; placeholders, orphans and short games never move")
  void shouldRoundTripFinishedGamesExactly() throws Exception {
    Path srcDir = tmp.resolve("node-a/data/games");
    Files.createDirectories(srcDir);
    List<String> finished = new ArrayList<>();
    List<String> neverMove = new ArrayList<>();
    Path v18 = srcDir.resolve("hex8_2p.db");
    try (GameDbGenerator g = GameDbGenerator.create(v18)) {
      finished.add(g.completed("hex8", 2, 45)); // snapshots at 20, 40 and final
      finished.add(g.completed("hex8", 2, 5));
      finished.add(g.moveLimit("hex8", 2, 7));
      for (int i = 0; i < 6; i++) {
        finished.add(g.completed("hex8", 2, 6 + i)); // cycles timestamps, compression, unicode
      }
      neverMove.add(g.placeholder("hex8", 2, 3));
      neverMove.add(g.placeholder("hex8", 2, 0));
      neverMove.add(g.orphan("hex8", 2));
      neverMove.add(g.abandoned("hex8", 2, 3));
      neverMove.add(g.moveLimit("hex8", 2, 4));
      neverMove.add(g.activePlaceholder("hex8", 2, 6));
    }
    Path migrated = srcDir.resolve("canonical_square8_3p.db");
    try (GameDbGenerator g = GameDbGenerator.create(migrated, GameDbGenerator.Layout.MIGRATED, 7)) {
      finished.add(g.completed("square8", 3, 21));
      finished.add(g.moveLimit("square8", 3, 9));
      neverMove.add(g.shortCompleted("square8", 3, 3));
      neverMove.add(g.placeholder("square8", 3, 2));
    }

    Path dstDir = tmp.resolve("node-b/data/games");
    List<GameRecord> pulled = new ArrayList<>();
    try (GameStore source = GameStore.open(srcDir)) {
      GamePage page =
          source.idsAfter(GameCursor.start(), 1000, GameFilter.all()).get(30, TimeUnit.SECONDS);
      List<String> ids = page.games().stream().map(GameSummary::gameId).toList();
      assertThat(ids).containsExactlyInAnyOrderElementsOf(finished);
      assertThat(page.hasMore()).isFalse();

      List<String> asked = new ArrayList<>(ids);
      asked.addAll(neverMove);
      GameStore.ReadResult read = source.readGames(asked, pulled::add).get(30, TimeUnit.SECONDS);
      assertThat(read.delivered()).isEqualTo(finished.size());
      assertThat(read.missing()).containsExactlyInAnyOrderElementsOf(neverMove);

      Map<ConfigKey, Long> counts = source.countsByConfig().get(30, TimeUnit.SECONDS);
      assertThat(counts)
          .containsEntry(ConfigKey.parse("hex8_2p"), 9L)
          .containsEntry(ConfigKey.parse("square8_3p"), 2L);
    }

    try (GameStore target = GameStore.open(dstDir)) {
      ImportReport report = target.importGames(pulled).get(30, TimeUnit.SECONDS);
      assertThat(report.imported()).isEqualTo(finished.size());
      assertThat(report.rejected()).isEmpty();
      assertThat(report.importedByConfig())
          .containsEntry(ConfigKey.parse("hex8_2p"), 9L)
          .containsEntry(ConfigKey.parse("square8_3p"), 2L);
    }

    Path hexOut = dstDir.resolve("ringrift-synced/synced_hex8_2p.db");
    Path sqOut = dstDir.resolve("ringrift-synced/synced_square8_3p.db");
    assertThat(DbRows.gameIds(hexOut).size() + DbRows.gameIds(sqOut).size())
        .isEqualTo(finished.size());
    for (String id : neverMove) {
      assertThat(DbRows.gameIds(hexOut)).doesNotContain(id);
      assertThat(DbRows.gameIds(sqOut)).doesNotContain(id);
    }
    Map<String, Integer> compared = new java.util.TreeMap<>();
    for (String id : finished) {
      Path src = DbRows.gameIds(v18).contains(id) ? v18 : migrated;
      Path dst = src == v18 ? hexOut : sqOut;
      for (String table : TABLES) {
        List<Map<String, String>> a = DbRows.rows(src, table, id);
        List<Map<String, String>> b = DbRows.rows(dst, table, id);
        assertThat(b).as("%s rows of game %s", table, id).isEqualTo(a);
        compared.merge(table, a.size(), Integer::sum);
      }
    }
    assertThat(compared)
        .as("rows compared per table")
        .hasSize(TABLES.size())
        .allSatisfy((t, n) -> assertThat(n).as(t).isPositive());
    // The compressed snapshots were BLOBs in the source and are BLOBs, byte for byte, in the copy.
    assertThat(
            DbRows.rows(hexOut, "game_state_snapshots", finished.get(0)).stream()
                .map(r -> r.get("state_json").substring(0, 5))
                .toList())
        .contains("blob:");
    assertThat(Set.copyOf(DbRows.rows(hexOut, "games", finished.get(0)).get(0).values()))
        .anyMatch(v -> v.startsWith("null:"));
  }
}
