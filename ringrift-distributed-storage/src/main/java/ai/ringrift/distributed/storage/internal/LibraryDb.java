package ai.ringrift.distributed.storage.internal;

import ai.ringrift.distributed.storage.StorageException;
import ai.ringrift.distributed.storage.games.GameRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A game database the library owns and alone writes (one per board/players configuration). Writes
 * each game in the order the v18 triggers demand: the {@code games} row as {@code in_progress} with
 * 0 moves and 0 turns, then the child rows, then an UPDATE to the final status and totals, one
 * transaction per batch ({@link #writeAll}); savepoints per game only when a batch fails, so that
 * one bad game does not undo the others. Not thread-safe.
 */
public final class LibraryDb implements AutoCloseable {
  private final Path file;
  private final Connection c;
  private final Map<String, Set<String>> columns = new HashMap<>();
  private final Map<String, Map<Set<String>, Insert>> inserts = new HashMap<>();
  private @Nullable Insert updateStatement;
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
      this.c = Sqlite.openWritable(file, journal, true);
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
   * Which of these game ids are already in this database.
   *
   * @param gameIds the ids
   * @return the present ones
   * @throws SQLException on a database error
   */
  public Set<String> containsAny(java.util.Collection<String> gameIds) throws SQLException {
    return Sqlite.presentIds(c, "SELECT game_id FROM games WHERE game_id IN ", gameIds);
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
   * Writes games in trigger order inside the current transaction, then commits it. First the whole
   * batch is tried without savepoints, statement by statement in batches: every games row as {@code
   * in_progress} with 0 moves and 0 turns, then each child table's rows (game by game), then every
   * UPDATE to the final status and totals. Each table receives its rows in the same order as
   * writing the games one by one would, so rowids are the same. If that fails (a constraint or
   * trigger refuses a row), the transaction is rolled back and the games are written one by one,
   * each behind a savepoint, so that the bad games are isolated and all others are committed.
   *
   * @param games finished games that passed {@link #incompatibility}, no id twice, none present
   * @return the games (by identity) that could not be written, with the database's reason
   * @throws SQLException if the commit fails (nothing of the batch is then committed)
   */
  public Map<GameRecord, String> writeAll(List<GameRecord> games) throws SQLException {
    Map<GameRecord, String> failed = new java.util.IdentityHashMap<>();
    if (games.isEmpty()) {
      return failed;
    }
    try {
      writeBatch(games);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      clearBatches();
      for (GameRecord r : games) {
        try {
          write(r);
        } catch (SQLException ge) {
          failed.put(r, String.valueOf(ge.getMessage()));
        }
      }
    }
    c.commit();
    return failed;
  }

  /** Drops rows a failed batch left queued, so that no later batch executes them. */
  private void clearBatches() throws SQLException {
    for (Map<Set<String>, Insert> byColumns : inserts.values()) {
      for (Insert ins : byColumns.values()) {
        ins.ps.clearBatch();
      }
    }
    if (updateStatement != null) {
      updateStatement.ps.clearBatch();
    }
  }

  private void writeBatch(List<GameRecord> games) throws SQLException {
    Batcher b = new Batcher();
    for (GameRecord r : games) {
      Map<String, @Nullable Object> placeholder = new java.util.LinkedHashMap<>(r.game());
      placeholder.put("game_status", "in_progress");
      placeholder.put("total_moves", 0L);
      placeholder.put("total_turns", 0L);
      b.add(insertStatement("games", placeholder.keySet()), placeholder);
    }
    for (String t : SchemaV18.CHILD_TABLES) {
      for (GameRecord r : games) {
        for (Map<String, @Nullable Object> row : r.rows(t)) {
          b.add(insertStatement(t, row.keySet()), row);
        }
      }
    }
    b.flush();
    Insert up = update();
    for (GameRecord r : games) {
      up.bind(r.game());
      up.ps.addBatch();
    }
    up.ps.executeBatch();
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
        insertStatement("games", placeholder.keySet()).execute(placeholder);
        for (String t : SchemaV18.CHILD_TABLES) {
          for (Map<String, @Nullable Object> row : r.rows(t)) {
            insertStatement(t, row.keySet()).execute(row);
          }
        }
        update().execute(r.game());
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

  /** A prepared statement and the columns it binds by name, in parameter order. */
  private static final class Insert {
    final PreparedStatement ps;
    final List<String> cols;

    Insert(PreparedStatement ps, List<String> cols) {
      this.ps = ps;
      this.cols = cols;
    }

    void bind(Map<String, @Nullable Object> row) throws SQLException {
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
    }

    void execute(Map<String, @Nullable Object> row) throws SQLException {
      bind(row);
      ps.executeUpdate();
    }
  }

  /**
   * Adds rows to statement batches, executing a batch when the next row needs another statement.
   */
  private static final class Batcher {
    private @Nullable Insert current;

    void add(Insert ins, Map<String, @Nullable Object> row) throws SQLException {
      if (current != ins) {
        flush();
        current = ins;
      }
      ins.bind(row);
      ins.ps.addBatch();
    }

    void flush() throws SQLException {
      Insert cur = current;
      if (cur != null) {
        cur.ps.executeBatch();
        current = null;
      }
    }
  }

  /** The cached INSERT for a table and a column set (columns named, values bound by name). */
  private Insert insertStatement(String table, Set<String> rowColumns) throws SQLException {
    Map<Set<String>, Insert> byColumns = inserts.computeIfAbsent(table, t -> new HashMap<>());
    Insert ins = byColumns.get(rowColumns);
    if (ins == null) {
      List<String> cols = List.copyOf(rowColumns);
      StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (");
      for (int i = 0; i < cols.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append('"').append(cols.get(i)).append('"');
      }
      sql.append(") VALUES (");
      for (int i = 0; i < cols.size(); i++) {
        sql.append(i == 0 ? "?" : ", ?");
      }
      ins = new Insert(c.prepareStatement(sql.append(')').toString()), cols);
      byColumns.put(Set.copyOf(cols), ins);
    }
    return ins;
  }

  private Insert update() throws SQLException {
    Insert up = updateStatement;
    if (up == null) {
      up =
          new Insert(
              c.prepareStatement(
                  "UPDATE games SET game_status = ?, total_moves = ?, total_turns = ?"
                      + " WHERE game_id = ?"),
              List.of("game_status", "total_moves", "total_turns", "game_id"));
      updateStatement = up;
    }
    return up;
  }

  @Override
  public void close() {
    try {
      rollbackQuietly();
      for (Map<Set<String>, Insert> byColumns : inserts.values()) {
        for (Insert ins : byColumns.values()) {
          ins.ps.close();
        }
      }
      if (updateStatement != null) {
        updateStatement.ps.close();
      }
      exists.close();
      c.close();
    } catch (SQLException e) {
      throw new StorageException("cannot close " + file + ": " + e, e);
    }
  }
}
