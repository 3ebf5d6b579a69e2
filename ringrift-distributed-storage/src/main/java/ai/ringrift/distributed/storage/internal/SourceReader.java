package ai.ringrift.distributed.storage.internal;

import ai.ringrift.distributed.storage.games.GameRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads games from one game database by column name, values exactly as stored. Holds prepared
 * statements for one connection; not thread-safe.
 */
public final class SourceReader implements AutoCloseable {
  private final Connection c;
  private final Map<String, PreparedStatement> childQueries = new LinkedHashMap<>();
  private final PreparedStatement gameQuery;
  private final Map<String, String> childOrder = new LinkedHashMap<>();

  /**
   * Prepares the queries for the child tables the database has.
   *
   * @param c a connection to a v18 game database
   * @throws SQLException on a database error
   */
  public SourceReader(Connection c) throws SQLException {
    this.c = c;
    this.gameQuery = c.prepareStatement("SELECT * FROM games WHERE game_id = ?");
    for (String table : SchemaV18.CHILD_TABLES) {
      if (SchemaV18.hasTable(c, table)) {
        childOrder.put(table, orderBy(c, table));
        childQueries.put(
            table,
            c.prepareStatement(
                "SELECT * FROM " + table + " WHERE game_id = ? ORDER BY " + childOrder.get(table)));
      }
    }
  }

  /**
   * Reads one game if it is finished.
   *
   * @param gameId the id
   * @return the game, or null if it is absent or not finished
   * @throws SQLException on a database error
   */
  public @Nullable GameRecord readFinished(String gameId) throws SQLException {
    Map<String, @Nullable Object> game;
    gameQuery.setString(1, gameId);
    try (ResultSet rs = gameQuery.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      game = row(rs);
    }
    Object status = game.get("game_status");
    Object total = game.get("total_moves");
    if (!GameRules.mayBeFinished(
        status instanceof String ? (String) status : null,
        total instanceof Long ? (Long) total : null)) {
      return null;
    }
    Map<String, List<Map<String, @Nullable Object>>> children = new LinkedHashMap<>();
    for (var e : childQueries.entrySet()) {
      PreparedStatement ps = e.getValue();
      ps.setString(1, gameId);
      List<Map<String, @Nullable Object>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs));
        }
      }
      children.put(e.getKey(), rows);
    }
    GameRecord r = GameRecord.of(game, children);
    return r.isFinished() ? r : null;
  }

  /**
   * Reads the finished games among {@code gameIds} with a few queries per chunk of ids (one for the
   * games rows, one per child table), inside the caller's transaction. Each game is the same as
   * {@link #readFinished(String)} returns.
   *
   * @param gameIds distinct ids
   * @return the finished games by id; absent and unfinished ids are left out
   * @throws SQLException on a database error
   */
  public Map<String, GameRecord> readFinished(List<String> gameIds) throws SQLException {
    Map<String, GameRecord> out = new java.util.HashMap<>();
    for (int from = 0; from < gameIds.size(); from += Sqlite.IDS_PER_QUERY) {
      readChunk(gameIds.subList(from, Math.min(gameIds.size(), from + Sqlite.IDS_PER_QUERY)), out);
    }
    return out;
  }

  private void readChunk(List<String> ids, Map<String, GameRecord> out) throws SQLException {
    Map<String, Map<String, @Nullable Object>> games = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT * FROM games WHERE game_id IN " + Sqlite.placeholders(ids.size()))) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        String[] names = names(rs);
        while (rs.next()) {
          Map<String, @Nullable Object> game = row(rs, names);
          Object status = game.get("game_status");
          Object total = game.get("total_moves");
          if (GameRules.mayBeFinished(
              status instanceof String ? (String) status : null,
              total instanceof Long ? (Long) total : null)) {
            games.put((String) game.get("game_id"), game);
          }
        }
      }
    }
    if (games.isEmpty()) {
      return;
    }
    List<String> wanted = new ArrayList<>(games.keySet());
    Map<String, Map<String, List<Map<String, @Nullable Object>>>> children =
        new java.util.HashMap<>();
    for (String id : wanted) {
      children.put(id, new LinkedHashMap<>());
    }
    for (var e : childQueries.keySet()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT * FROM "
                  + e
                  + " WHERE game_id IN "
                  + Sqlite.placeholders(wanted.size())
                  + " ORDER BY game_id, "
                  + childOrder.get(e))) {
        bind(ps, wanted);
        for (String id : wanted) {
          children.get(id).put(e, new ArrayList<>());
        }
        try (ResultSet rs = ps.executeQuery()) {
          String[] names = names(rs);
          while (rs.next()) {
            Map<String, @Nullable Object> row = row(rs, names);
            children.get((String) row.get("game_id")).get(e).add(row);
          }
        }
      }
    }
    for (var g : games.entrySet()) {
      GameRecord r = GameRecord.of(g.getValue(), children.get(g.getKey()));
      if (r.isFinished()) {
        out.put(g.getKey(), r);
      }
    }
  }

  private static void bind(PreparedStatement ps, List<String> ids) throws SQLException {
    for (int i = 0; i < ids.size(); i++) {
      ps.setString(i + 1, ids.get(i));
    }
  }

  private static String[] names(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    String[] names = new String[md.getColumnCount()];
    for (int i = 0; i < names.length; i++) {
      names[i] = md.getColumnName(i + 1);
    }
    return names;
  }

  private static Map<String, @Nullable Object> row(ResultSet rs, String[] names)
      throws SQLException {
    Map<String, @Nullable Object> row = new LinkedHashMap<>(names.length * 2);
    for (int i = 0; i < names.length; i++) {
      Object v = rs.getObject(i + 1);
      if (v instanceof Integer) {
        v = ((Integer) v).longValue();
      }
      row.put(names[i], v);
    }
    return row;
  }

  /**
   * Reads the current row into an ordered map, values as stored (INTEGER as Long).
   *
   * @param rs a result set on a row
   * @return the row
   * @throws SQLException on a database error
   */
  public static Map<String, @Nullable Object> row(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    Map<String, @Nullable Object> row = new LinkedHashMap<>(n * 2);
    for (int i = 1; i <= n; i++) {
      Object v = rs.getObject(i);
      if (v instanceof Integer) {
        v = ((Integer) v).longValue();
      }
      row.put(md.getColumnName(i), v);
    }
    return row;
  }

  /** The primary-key columns of a table but game_id, in key order; rowid if it has none. */
  static String orderBy(Connection c, String table) throws SQLException {
    TreeMap<Integer, String> pk = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT name, pk FROM pragma_table_info(?)")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(2) > 0 && !rs.getString(1).equals("game_id")) {
            pk.put(rs.getInt(2), "\"" + rs.getString(1) + "\"");
          }
        }
      }
    }
    return pk.isEmpty() ? "rowid" : String.join(", ", pk.values()) + ", rowid";
  }

  /**
   * The columns of a table, in order.
   *
   * @param c a connection
   * @param table the table
   * @return the column names, empty if the table does not exist
   * @throws SQLException on a database error
   */
  public static List<String> columns(Connection c, String table) throws SQLException {
    List<String> cols = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          cols.add(rs.getString(1));
        }
      }
    }
    return cols;
  }

  @Override
  public void close() throws SQLException {
    gameQuery.close();
    for (PreparedStatement ps : childQueries.values()) {
      ps.close();
    }
  }
}
