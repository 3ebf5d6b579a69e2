package ai.ringrift.distributed.storage.internal;

import ai.ringrift.distributed.storage.StorageException;
import ai.ringrift.distributed.storage.games.GameRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A game database the library owns and alone writes (one per board/players configuration). Writes
 * each game in the order the v18 triggers demand: the {@code games} row as {@code in_progress} with
 * 0 moves and 0 turns, then the child rows, then an UPDATE to the final status and totals, all
 * inside the caller's transaction, each game behind a savepoint so that one bad game does not undo
 * the batch. Not thread-safe.
 */
public final class LibraryDb implements AutoCloseable {
  private final Path file;
  private final Connection c;
  private final Map<String, Set<String>> columns = new HashMap<>();
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final PreparedStatement exists;

  /**
   * Opens or creates the database, creating the v18 schema in a new file and refusing an existing
   * file of another version.
   *
   * @param file the file
   * @param journal its journal mode
   * @throws StorageException if it cannot be opened or has another schema version
   */
  public LibraryDb(Path file, Sqlite.Journal journal) {
    this.file = file;
    try {
      Files.createDirectories(file.getParent());
      this.c = Sqlite.openWritable(file, journal);
      if (SchemaV18.versionOf(c) == 0) {
        SchemaV18.create(c);
      }
      SchemaV18.requireV18(c, file);
      columns.put("games", new LinkedHashSet<>(SourceReader.columns(c, "games")));
      for (String t : SchemaV18.CHILD_TABLES) {
        columns.put(t, new LinkedHashSet<>(SourceReader.columns(c, t)));
      }
      exists = c.prepareStatement("SELECT 1 FROM games WHERE game_id = ?");
      c.setAutoCommit(false);
    } catch (SQLException | java.io.IOException e) {
      throw new StorageException("cannot open the library game database " + file + ": " + e, e);
    }
  }

  /** The file. @return its path */
  public Path file() {
    return file;
  }

  /**
   * Whether a game id is already in this database.
   *
   * @param gameId the id
   * @return true if present
   * @throws SQLException on a database error
   */
  public boolean contains(String gameId) throws SQLException {
    exists.setString(1, gameId);
    try (var rs = exists.executeQuery()) {
      return rs.next();
    }
  }

  /**
   * Why a record cannot be written here, or null if it can: a table or column this schema lacks.
   *
   * @param r the record
   * @return the reason, or null
   */
  public @Nullable String incompatibility(GameRecord r) {
    for (String col : r.game().keySet()) {
      if (!columns.get("games").contains(col)) {
        return "games has no column " + col + " in " + file;
      }
    }
    for (String t : r.tables()) {
      Set<String> cols = columns.get(t);
      if (cols == null || !SchemaV18.CHILD_TABLES.contains(t)) {
        return "unknown child table " + t;
      }
      for (var row : r.rows(t)) {
        for (String col : row.keySet()) {
          if (!cols.contains(col)) {
            return t + " has no column " + col + " in " + file;
          }
        }
      }
    }
    return null;
  }

  /**
   * Writes one game in trigger order behind a savepoint; on failure rolls back to it.
   *
   * @param r a finished game that passed {@link #incompatibility}
   * @throws SQLException if the game could not be written (nothing of it remains)
   */
  public void write(GameRecord r) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SAVEPOINT game");
      try {
        Map<String, @Nullable Object> placeholder = new java.util.LinkedHashMap<>(r.game());
        placeholder.put("game_status", "in_progress");
        placeholder.put("total_moves", 0L);
        placeholder.put("total_turns", 0L);
        insert("games", placeholder);
        for (String t : SchemaV18.CHILD_TABLES) {
          for (Map<String, @Nullable Object> row : r.rows(t)) {
            insert(t, row);
          }
        }
        PreparedStatement up =
            statement(
                "UPDATE games SET game_status = ?, total_moves = ?, total_turns = ? WHERE game_id = ?");
        up.setObject(1, r.game().get("game_status"));
        up.setObject(2, r.game().get("total_moves"));
        up.setObject(3, r.game().get("total_turns"));
        up.setString(4, r.gameId());
        up.executeUpdate();
        st.execute("RELEASE game");
      } catch (SQLException | RuntimeException e) {
        st.execute("ROLLBACK TO game");
        st.execute("RELEASE game");
        throw e;
      }
    }
  }

  /**
   * Commits the current transaction.
   *
   * @throws SQLException on a database error
   */
  public void commit() throws SQLException {
    c.commit();
  }

  /** Rolls the current transaction back, ignoring errors. */
  public void rollbackQuietly() {
    try {
      c.rollback();
    } catch (SQLException e) {
      // The connection is closed or broken; nothing was committed.
    }
  }

  private void insert(String table, Map<String, @Nullable Object> row) throws SQLException {
    List<String> cols = new ArrayList<>(row.keySet());
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (");
    for (int i = 0; i < cols.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append('"').append(cols.get(i)).append('"');
    }
    sql.append(") VALUES (");
    for (int i = 0; i < cols.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    PreparedStatement ps = statement(sql.append(')').toString());
    for (int i = 0; i < cols.size(); i++) {
      Object v = row.get(cols.get(i));
      if (v == null) {
        ps.setNull(i + 1, java.sql.Types.NULL);
      } else if (v instanceof byte[]) {
        ps.setBytes(i + 1, (byte[]) v);
      } else if (v instanceof Long) {
        ps.setLong(i + 1, (Long) v);
      } else if (v instanceof Double) {
        ps.setDouble(i + 1, (Double) v);
      } else {
        ps.setString(i + 1, v.toString());
      }
    }
    ps.executeUpdate();
  }

  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = c.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  @Override
  public void close() {
    try {
      rollbackQuietly();
      for (PreparedStatement ps : statements.values()) {
        ps.close();
      }
      exists.close();
      c.close();
    } catch (SQLException e) {
      throw new StorageException("cannot close " + file + ": " + e, e);
    }
  }
}
