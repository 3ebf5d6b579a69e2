package ai.ringrift.distributed.storage.games;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName(
    "importing games deduplicates by id and reports same-content games without dropping them")
class GameImportTest {
  @TempDir Path tmp;

  private List<GameRecord> readAll(Path dir) throws Exception {
    List<GameRecord> out = new ArrayList<>();
    try (GameStore s = GameStore.open(dir)) {
      GamePage p =
          s.idsAfter(GameCursor.start(), 10_000, GameFilter.all()).get(30, TimeUnit.SECONDS);
      s.readGames(p.games().stream().map(GameSummary::gameId).toList(), out::add)
          .get(30, TimeUnit.SECONDS);
    }
    return out;
  }

  @Test
  @DisplayName(
      "ids already on the node are skipped, copies under new ids are imported and reported")
  void shouldDeduplicateAndReport() throws Exception {
    Path src = tmp.resolve("a");
    Files.createDirectories(src);
    try (GameDbGenerator g = GameDbGenerator.create(src.resolve("hex8_2p.db"))) {
      g.completed("hex8", 2, 8);
      g.completed("hex8", 2, 9);
    }
    List<GameRecord> games = readAll(src);
    assertThat(games).hasSize(2);
    // A different id with the same content (what the Python deduplicator would have merged).
    Map<String, Object> renamed = new LinkedHashMap<>(games.get(0).game());
    renamed.put("game_id", "copy-of-" + games.get(0).gameId());
    Map<String, List<Map<String, Object>>> children = new LinkedHashMap<>();
    for (String t : games.get(0).tables()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (var r : games.get(0).rows(t)) {
        Map<String, Object> row = new LinkedHashMap<>(r);
        row.put("game_id", renamed.get("game_id"));
        rows.add(row);
      }
      children.put(t, rows);
    }
    GameRecord copy = GameRecord.of(renamed, children);
    assertThat(copy.fingerprint()).isEqualTo(games.get(0).fingerprint());

    Path dst = tmp.resolve("b");
    try (GameStore store = GameStore.builder(dst).batchSize(1).build()) {
      ImportReport first =
          store
              .importGames(List.of(games.get(0), games.get(1), games.get(0)))
              .get(30, TimeUnit.SECONDS);
      assertThat(first.imported()).isEqualTo(2);
      assertThat(first.duplicates()).isEqualTo(1);
      ImportReport second =
          store.importGames(List.of(games.get(1), copy)).get(30, TimeUnit.SECONDS);
      assertThat(second.imported()).isEqualTo(1);
      assertThat(second.duplicates()).isEqualTo(1);
      assertThat(second.sameContent())
          .containsExactly(
              new ImportReport.SameContent(
                  copy.gameId(), games.get(0).gameId(), copy.fingerprint()));
      assertThat(store.countsByConfig().get(30, TimeUnit.SECONDS))
          .containsEntry(ConfigKey.parse("hex8_2p"), 3L);
    }
  }

  @Test
  @DisplayName("games already in a local selfplay DB are not imported again")
  void shouldSkipGamesThisNodeHas() throws Exception {
    Path dir = tmp.resolve("node");
    Files.createDirectories(dir);
    try (GameDbGenerator g = GameDbGenerator.create(dir.resolve("hex8_2p.db"))) {
      g.bulk(3, "hex8", 2);
    }
    List<GameRecord> games = readAll(dir);
    try (GameStore store = GameStore.open(dir)) {
      ImportReport r = store.importGames(games).get(30, TimeUnit.SECONDS);
      assertThat(r.imported()).isZero();
      assertThat(r.duplicates()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("unfinished games and games with unknown columns are not written")
  void shouldRefuseUnfinishedAndUnknownColumns() throws Exception {
    Path src = tmp.resolve("a");
    Files.createDirectories(src);
    try (GameDbGenerator g = GameDbGenerator.create(src.resolve("hex8_2p.db"))) {
      g.completed("hex8", 2, 6);
    }
    GameRecord good = readAll(src).get(0);
    Map<String, Object> extra = new LinkedHashMap<>(good.game());
    extra.put("game_id", "extra");
    extra.put("column_from_the_future", "x");
    GameRecord unknown = GameRecord.of(extra, Map.of());
    Map<String, Object> placeholder = new LinkedHashMap<>(good.game());
    placeholder.put("game_id", "placeholder");
    placeholder.put("game_status", "in_progress");
    GameRecord unfinished = GameRecord.of(placeholder, Map.of());
    try (GameStore store = GameStore.open(tmp.resolve("b"))) {
      ImportReport r =
          store.importGames(List.of(unfinished, unknown, good)).get(30, TimeUnit.SECONDS);
      assertThat(r.imported()).isEqualTo(1);
      assertThat(r.unfinished()).isEqualTo(2); // no move rows: neither can be finished
      assertThat(r.rejected()).isEmpty();
    }
    Map<String, Object> extraWithMoves = new LinkedHashMap<>(good.game());
    extraWithMoves.put("game_id", "extra2");
    extraWithMoves.put("column_from_the_future", "x");
    Map<String, List<Map<String, Object>>> moves = new LinkedHashMap<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (var m : good.rows("game_moves")) {
      Map<String, Object> row = new LinkedHashMap<>(m);
      row.put("game_id", "extra2");
      rows.add(row);
    }
    moves.put("game_moves", rows);
    try (GameStore store = GameStore.open(tmp.resolve("b"))) {
      ImportReport r =
          store
              .importGames(List.of(GameRecord.of(extraWithMoves, moves)))
              .get(30, TimeUnit.SECONDS);
      assertThat(r.rejected())
          .singleElement()
          .satisfies(x -> assertThat(x.reason()).contains("column_from_the_future"));
    }
  }

  @Test
  @DisplayName("a second store cannot write into the same synced directory")
  void shouldLockTheSyncedDirectory() throws Exception {
    Path src = tmp.resolve("a");
    Files.createDirectories(src);
    try (GameDbGenerator g = GameDbGenerator.create(src.resolve("hex8_2p.db"))) {
      g.bulk(2, "hex8", 2);
    }
    List<GameRecord> games = readAll(src);
    try (GameStore one = GameStore.open(tmp.resolve("b"));
        GameStore two = GameStore.open(tmp.resolve("b"))) {
      one.importGames(games.subList(0, 1)).get(30, TimeUnit.SECONDS);
      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () -> two.importGames(games.subList(1, 2)).get(30, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(StorageException.class).hasMessageContaining("lock");
    }
  }

  @Test
  @DisplayName("a closed store fails every operation with StorageException")
  void shouldFailAfterClose() throws Exception {
    GameStore store = GameStore.open(tmp);
    store.close();
    store.close();
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> store.refresh().get(30, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(StorageException.class).hasMessageContaining("closed");
  }

  @Test
  @DisplayName("an existing library DB of another version is refused")
  void shouldRefuseForeignLibraryDb() throws Exception {
    Path src = tmp.resolve("a");
    Files.createDirectories(src);
    try (GameDbGenerator g = GameDbGenerator.create(src.resolve("hex8_2p.db"))) {
      g.bulk(1, "hex8", 2);
    }
    List<GameRecord> games = readAll(src);
    Path synced = tmp.resolve("b/ringrift-synced");
    Files.createDirectories(synced);
    try (GameDbGenerator g = GameDbGenerator.create(synced.resolve("synced_hex8_2p.db"));
        Statement st = g.connection().createStatement()) {
      st.executeUpdate("UPDATE schema_metadata SET value = '16'");
      g.connection().commit();
    }
    try (GameStore store = GameStore.open(tmp.resolve("b"))) {
      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class, () -> store.importGames(games).get(30, TimeUnit.SECONDS));
      assertThat(e.getCause())
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("schema version 16");
    }
  }

  @Test
  @DisplayName("on a network file system the library's own SQLite files use a rollback journal")
  void shouldUseRollbackJournalOnNfs() throws Exception {
    Path src = tmp.resolve("a");
    Files.createDirectories(src);
    try (GameDbGenerator g = GameDbGenerator.create(src.resolve("hex8_2p.db"))) {
      g.bulk(1, "hex8", 2);
    }
    List<GameRecord> games = readAll(src);
    Path dst = tmp.resolve("nfs/games");
    String mounts = "/dev/sda1 / ext4 rw 0 0\nsrv:/export " + tmp.resolve("nfs") + " nfs4 rw 0 0\n";
    try (GameStore store = GameStore.builder(dst).mountTable(mounts).build()) {
      assertThat(store.importGames(games).get(30, TimeUnit.SECONDS).imported()).isEqualTo(1);
    }
    for (Path db :
        List.of(
            dst.resolve("ringrift-synced/synced_hex8_2p.db"),
            dst.resolve(".ringrift/game-index.sqlite"))) {
      try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
          var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
        assertThat(rs.getString(1)).as(db.toString()).isEqualTo("delete");
      }
    }
  }
}
