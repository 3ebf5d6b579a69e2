package ai.ringrift.distributed.storage.games;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("library-owned game databases have exactly the schema-v18 layout")
class SchemaV18Test {
  @TempDir Path tmp;

  @Test
  @DisplayName("tables, columns, indexes, triggers and the version row equal the Python v18 DDL")
  void shouldCreateExactlyTheV18Schema() throws Exception {
    Path reference = tmp.resolve("reference.db");
    GameDbGenerator.create(reference).close();

    Path gamesDir = tmp.resolve("games");
    Path library;
    try (GameDbGenerator g = GameDbGenerator.create(tmp.resolve("src.db"));
        GameStore src = GameStore.open(tmp);
        GameStore dst = GameStore.open(gamesDir)) {
      String id = g.completed("hex8", 2, 6);
      List<GameRecord> records = new ArrayList<>();
      src.readGames(List.of(id), records::add).get(30, TimeUnit.SECONDS);
      assertThat(dst.importGames(records).get(30, TimeUnit.SECONDS).imported()).isEqualTo(1);
      library = dst.syncedDirectory().resolve("synced_hex8_2p.db");
    }
    Map<String, String> expected = describe(reference);
    Map<String, String> actual = describe(library);
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    assertThat(actual).isEqualTo(expected);
    assertThat(expected.keySet().stream().filter(k -> k.startsWith("table ")).count())
        .isEqualTo(10);
    assertThat(expected)
        .containsKeys("trigger enforce_moves_on_complete", "trigger enforce_moves_on_insert");
    assertThat(actual.get("schema_version")).isEqualTo("18");
  }

  @Test
  @DisplayName(
      "the library DB's triggers are live: a completed game with fewer than 5 moves is refused")
  void shouldKeepTriggersActive() throws Exception {
    Path gamesDir = tmp.resolve("games");
    try (GameDbGenerator g = GameDbGenerator.create(tmp.resolve("src.db"));
        GameStore src = GameStore.open(tmp);
        GameStore dst = GameStore.open(gamesDir)) {
      List<GameRecord> records = new ArrayList<>();
      src.readGames(List.of(g.completed("hex8", 2, 5)), records::add).get(30, TimeUnit.SECONDS);
      dst.importGames(records).get(30, TimeUnit.SECONDS);
    }
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:sqlite:" + gamesDir.resolve("ringrift-synced/synced_hex8_2p.db"));
        Statement st = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  st.executeUpdate(
                      "INSERT INTO games (game_id, board_type, num_players, created_at, game_status,"
                          + " total_moves, total_turns, schema_version) VALUES ('x', 'hex8', 2,"
                          + " '2026-01-01T00:00:00', 'completed', 9, 5, 18)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("fewer than 5 moves");
      st.executeUpdate(
          "INSERT INTO games (game_id, board_type, num_players, created_at, game_status,"
              + " total_moves, total_turns, schema_version) VALUES ('y', 'hex8', 2,"
              + " '2026-01-01T00:00:00', 'in_progress', 0, 0, 18)");
      assertThatThrownBy(
              () ->
                  st.executeUpdate(
                      "UPDATE games SET game_status = 'completed', total_moves = 3 WHERE game_id = 'y'"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("fewer than 5 moves");
    }
  }

  /** Every schema object of a database, as comparable text. */
  static Map<String, String> describe(Path db) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      List<String[]> objects = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")) {
        while (rs.next()) {
          objects.add(
              new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
        }
      }
      for (String[] o : objects) {
        StringBuilder sb = new StringBuilder("on " + o[2] + ": ");
        if (o[0].equals("table")) {
          try (ResultSet rs = st.executeQuery("PRAGMA table_info(\"" + o[1] + "\")")) {
            while (rs.next()) {
              sb.append(rs.getInt("cid"))
                  .append(' ')
                  .append(rs.getString("name"))
                  .append(' ')
                  .append(rs.getString("type"))
                  .append(" notnull=")
                  .append(rs.getInt("notnull"))
                  .append(" default=")
                  .append(rs.getString("dflt_value"))
                  .append(" pk=")
                  .append(rs.getInt("pk"))
                  .append("; ");
            }
          }
          try (ResultSet rs = st.executeQuery("PRAGMA foreign_key_list(\"" + o[1] + "\")")) {
            while (rs.next()) {
              sb.append("fk ")
                  .append(rs.getString("from"))
                  .append("->")
                  .append(rs.getString("table"))
                  .append('.')
                  .append(rs.getString("to"))
                  .append(" on delete ")
                  .append(rs.getString("on_delete"))
                  .append("; ");
            }
          }
        } else if (o[0].equals("index")) {
          try (ResultSet rs = st.executeQuery("PRAGMA index_xinfo(\"" + o[1] + "\")")) {
            while (rs.next()) {
              if (rs.getInt("key") == 1) {
                sb.append(rs.getString("name"))
                    .append(rs.getInt("desc") == 1 ? " desc" : "")
                    .append("; ");
              }
            }
          }
        } else {
          sb.append(o[3] == null ? "" : o[3].replaceAll("\\s+", " ").trim());
        }
        out.put(o[0] + " " + o[1], sb.toString());
      }
      try (ResultSet rs =
          st.executeQuery("SELECT value FROM schema_metadata WHERE key = 'schema_version'")) {
        out.put("schema_version", rs.next() ? rs.getString(1) : "none");
      }
    }
    return out;
  }
}
