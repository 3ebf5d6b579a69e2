package ai.ringrift.distributed.storage.games;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a batch with a game the database refuses imports all the others")
class GameImportBatchTest {
  @TempDir Path tmp;

  private static List<GameRecord> readAll(Path dir) throws Exception {
    List<GameRecord> out = new ArrayList<>();
    try (GameStore s = GameStore.open(dir)) {
      GamePage p =
          s.idsAfter(GameCursor.start(), 10_000, GameFilter.all()).get(30, TimeUnit.SECONDS);
      s.readGames(p.games().stream().map(GameSummary::gameId).toList(), out::add)
          .get(30, TimeUnit.SECONDS);
    }
    return out;
  }

  /** The game with its first move row twice: finished, known columns, but a primary-key clash. */
  private static GameRecord withDuplicateMove(GameRecord g) {
    Map<String, List<Map<String, Object>>> children = new LinkedHashMap<>();
    for (String t : g.tables()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (var r : g.rows(t)) {
        rows.add(new LinkedHashMap<>(r));
      }
      if (t.equals("game_moves")) {
        rows.add(new LinkedHashMap<>(g.rows(t).get(0)));
      }
      children.put(t, rows);
    }
    return GameRecord.of(g.game(), children);
  }

  @Test
  @DisplayName("the bad game is rejected with the database's reason, nothing of it is written")
  void shouldIsolateTheBadGame() throws Exception {
    Path src = tmp.resolve("a");
    Files.createDirectories(src);
    try (GameDbGenerator g = GameDbGenerator.create(src.resolve("hex8_2p.db"))) {
      for (int i = 0; i < 6; i++) {
        g.completed("hex8", 2, 6 + i);
      }
    }
    List<GameRecord> games = readAll(src);
    assertThat(games).hasSize(6);
    GameRecord bad = withDuplicateMove(games.get(2));
    List<GameRecord> batch = new ArrayList<>(games);
    batch.set(2, bad);

    Path dst = tmp.resolve("b");
    Path synced = dst.resolve("ringrift-synced").resolve("synced_hex8_2p.db");
    try (GameStore store = GameStore.builder(dst).batchSize(100).build()) {
      ImportReport r = store.importGames(batch).get(30, TimeUnit.SECONDS);
      assertThat(r.imported()).isEqualTo(5);
      assertThat(r.rejected())
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.gameId()).isEqualTo(bad.gameId());
                assertThat(x.reason())
                    .contains("cannot write into")
                    .contains("synced_hex8_2p.db")
                    .containsIgnoringCase("unique");
              });
      assertThat(r.importedByConfig()).containsEntry(ConfigKey.parse("hex8_2p"), 5L);
      assertThat(DbRows.rows(synced, "games", bad.gameId())).isEmpty();
      assertThat(DbRows.rows(synced, "game_moves", bad.gameId())).isEmpty();
      assertThat(DbRows.rows(synced, "game_players", bad.gameId())).isEmpty();
      List<GameRecord> expected = new ArrayList<>(games);
      expected.remove(2);
      assertThat(readAll(dst)).containsExactlyInAnyOrderElementsOf(expected);

      // The same store (same statements) imports the good version of the rejected id next.
      ImportReport again = store.importGames(List.of(games.get(2))).get(30, TimeUnit.SECONDS);
      assertThat(again.imported()).isEqualTo(1);
      assertThat(again.duplicates()).isZero();
      assertThat(again.rejected()).isEmpty();
    }
    assertThat(readAll(dst)).containsExactlyInAnyOrderElementsOf(games);
  }

  @Test
  @DisplayName("games of several batches and configurations all land, in input order per table")
  void shouldImportAcrossBatchesAndConfigs() throws Exception {
    Path src = tmp.resolve("a");
    Files.createDirectories(src);
    try (GameDbGenerator g = GameDbGenerator.create(src.resolve("mixed.db"))) {
      g.bulk(7, "hex8", 2);
      g.bulk(5, "square8", 4);
      for (int i = 0; i < 3; i++) {
        g.completed("hex8", 2, 20 + i);
      }
    }
    List<GameRecord> games = readAll(src);
    assertThat(games).hasSize(15);
    Path dst = tmp.resolve("b");
    try (GameStore store = GameStore.builder(dst).batchSize(4).build()) {
      ImportReport r = store.importGames(games).get(30, TimeUnit.SECONDS);
      assertThat(r.imported()).isEqualTo(15);
      assertThat(r.rejected()).isEmpty();
      assertThat(r.importedByConfig())
          .containsEntry(ConfigKey.parse("hex8_2p"), 10L)
          .containsEntry(ConfigKey.parse("square8_4p"), 5L);
    }
    assertThat(readAll(dst)).containsExactlyInAnyOrderElementsOf(games);
    List<String> hexIds =
        games.stream()
            .filter(g -> g.config().equals(ConfigKey.parse("hex8_2p")))
            .map(GameRecord::gameId)
            .toList();
    Path synced = dst.resolve("ringrift-synced").resolve("synced_hex8_2p.db");
    assertThat(idsInRowidOrder(synced, "games")).isEqualTo(hexIds);
    assertThat(idsInRowidOrder(synced, "game_moves")).isEqualTo(hexIds);
    assertThat(idsInRowidOrder(synced, "game_players")).isEqualTo(hexIds);
  }

  /** The game ids of a table's rows in rowid order, each once. */
  private static List<String> idsInRowidOrder(Path db, String table) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT game_id FROM " + table + " ORDER BY rowid")) {
      while (rs.next()) {
        String id = rs.getString(1);
        if (ids.isEmpty() || !ids.get(ids.size() - 1).equals(id)) {
          ids.add(id);
        }
      }
    }
    return ids;
  }
}
