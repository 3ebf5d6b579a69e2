package ai.ringrift.distributed.storage.internal;

import ai.ringrift.distributed.storage.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema-v18 game database of the Python selfplay ({@code app/db/game_replay.py}, {@code
 * SCHEMA_VERSION = 18}): ten tables (schema_metadata, games, game_players, game_initial_state,
 * game_moves, game_state_snapshots, game_choices, game_history_entries, game_nnue_features,
 * orphaned_games), their indexes, and the two triggers that refuse a completed game with fewer than
 * five moves. The library creates its own databases with exactly this DDL.
 */
public final class SchemaV18 {
  /** The only schema version the store reads and writes. */
  public static final int VERSION = 18;

  /** Fewer move rows than this make a game unfinished ({@code MIN_MOVES_REQUIRED}). */
  public static final int MIN_MOVES = 5;

  /** The tables holding a game's rows besides {@code games}, in the order they are written. */
  public static final List<String> CHILD_TABLES =
      List.of(
          "game_players",
          "game_initial_state",
          "game_moves",
          "game_state_snapshots",
          "game_choices",
          "game_history_entries",
          "game_nnue_features");

  /** The DDL, one statement per element, in creation order. */
  public static final List<String> DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS schema_metadata (\n"
              + "    key TEXT PRIMARY KEY,\n"
              + "    value TEXT NOT NULL\n"
              + ")",
          "CREATE TABLE IF NOT EXISTS games (\n"
              + "    game_id TEXT PRIMARY KEY,\n"
              + "    board_type TEXT NOT NULL,\n"
              + "    num_players INTEGER NOT NULL,\n"
              + "    rng_seed INTEGER,\n"
              + "    created_at TEXT NOT NULL,\n"
              + "    completed_at TEXT,\n"
              + "    game_status TEXT NOT NULL,\n"
              + "    winner INTEGER,\n"
              + "    termination_reason TEXT,\n"
              + "    total_moves INTEGER NOT NULL,\n"
              + "    total_turns INTEGER NOT NULL,\n"
              + "    duration_ms INTEGER,\n"
              + "    source TEXT,\n"
              + "    schema_version INTEGER NOT NULL,\n"
              + "    time_control_type TEXT DEFAULT 'none',\n"
              + "    initial_time_ms INTEGER,\n"
              + "    time_increment_ms INTEGER,\n"
              + "    metadata_json TEXT,\n"
              + "    quality_score REAL,\n"
              + "    quality_category TEXT,\n"
              + "    engine_mode TEXT,\n"
              + "    parity_status TEXT DEFAULT 'pending',\n"
              + "    parity_checked_at TEXT,\n"
              + "    parity_divergence_move INTEGER,\n"
              + "    opponent_type TEXT,\n"
              + "    opponent_model_id TEXT\n"
              + ")",
          "CREATE INDEX IF NOT EXISTS idx_games_board_type ON games(board_type)",
          "CREATE INDEX IF NOT EXISTS idx_games_winner ON games(winner)",
          "CREATE INDEX IF NOT EXISTS idx_games_termination ON games(termination_reason)",
          "CREATE INDEX IF NOT EXISTS idx_games_created ON games(created_at)",
          "CREATE INDEX IF NOT EXISTS idx_games_source ON games(source)",
          "CREATE INDEX IF NOT EXISTS idx_games_board_players ON games(board_type, num_players)",
          "CREATE INDEX IF NOT EXISTS idx_games_created_board ON games(created_at, board_type)",
          "CREATE INDEX IF NOT EXISTS idx_games_board_created ON games(board_type, created_at)",
          "CREATE INDEX IF NOT EXISTS idx_games_quality ON games(quality_score DESC)",
          "CREATE INDEX IF NOT EXISTS idx_games_quality_board"
              + " ON games(board_type, quality_score DESC)",
          "CREATE INDEX IF NOT EXISTS idx_games_engine_mode ON games(engine_mode)",
          "CREATE INDEX IF NOT EXISTS idx_games_board_engine ON games(board_type, engine_mode)",
          "CREATE INDEX IF NOT EXISTS idx_games_parity_status ON games(parity_status)",
          "CREATE INDEX IF NOT EXISTS idx_games_board_parity ON games(board_type, parity_status)",
          "CREATE INDEX IF NOT EXISTS idx_games_parity_created ON games(parity_status, created_at)",
          "CREATE INDEX IF NOT EXISTS idx_games_config"
              + " ON games(board_type, num_players, game_status)",
          "CREATE INDEX IF NOT EXISTS idx_games_opponent_type ON games(opponent_type)",
          "CREATE INDEX IF NOT EXISTS idx_games_board_opponent ON games(board_type, opponent_type)",
          "CREATE TABLE IF NOT EXISTS game_players (\n"
              + "    game_id TEXT NOT NULL,\n"
              + "    player_number INTEGER NOT NULL,\n"
              + "    player_type TEXT NOT NULL,\n"
              + "    ai_type TEXT,\n"
              + "    ai_difficulty INTEGER,\n"
              + "    ai_profile_id TEXT,\n"
              + "    final_eliminated_rings INTEGER,\n"
              + "    final_territory_spaces INTEGER,\n"
              + "    final_rings_in_hand INTEGER,\n"
              + "    PRIMARY KEY (game_id, player_number),\n"
              + "    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE\n"
              + ")",
          "CREATE TABLE IF NOT EXISTS game_initial_state (\n"
              + "    game_id TEXT PRIMARY KEY,\n"
              + "    initial_state_json TEXT NOT NULL,\n"
              + "    compressed INTEGER DEFAULT 0,\n"
              + "    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE\n"
              + ")",
          "CREATE TABLE IF NOT EXISTS game_moves (\n"
              + "    game_id TEXT NOT NULL,\n"
              + "    move_number INTEGER NOT NULL,\n"
              + "    turn_number INTEGER NOT NULL,\n"
              + "    player INTEGER NOT NULL,\n"
              + "    phase TEXT NOT NULL,\n"
              + "    move_type TEXT NOT NULL,\n"
              + "    move_json TEXT NOT NULL,\n"
              + "    timestamp TEXT,\n"
              + "    think_time_ms INTEGER,\n"
              + "    time_remaining_ms INTEGER,\n"
              + "    engine_eval REAL,\n"
              + "    engine_eval_type TEXT,\n"
              + "    engine_depth INTEGER,\n"
              + "    engine_nodes INTEGER,\n"
              + "    engine_pv TEXT,\n"
              + "    engine_time_ms INTEGER,\n"
              + "    move_probs TEXT,\n"
              + "    search_stats_json TEXT,\n"
              + "    heuristic_features BLOB,\n"
              + "    PRIMARY KEY (game_id, move_number),\n"
              + "    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE\n"
              + ")",
          "CREATE INDEX IF NOT EXISTS idx_moves_game_turn ON game_moves(game_id, turn_number)",
          "CREATE INDEX IF NOT EXISTS idx_moves_lookup ON game_moves(game_id, move_number)",
          "CREATE INDEX IF NOT EXISTS idx_moves_player ON game_moves(game_id, player)",
          "CREATE TABLE IF NOT EXISTS game_state_snapshots (\n"
              + "    game_id TEXT NOT NULL,\n"
              + "    move_number INTEGER NOT NULL,\n"
              + "    state_json TEXT NOT NULL,\n"
              + "    compressed INTEGER DEFAULT 0,\n"
              + "    state_hash TEXT,\n"
              + "    PRIMARY KEY (game_id, move_number),\n"
              + "    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE\n"
              + ")",
          "CREATE TABLE IF NOT EXISTS game_choices (\n"
              + "    game_id TEXT NOT NULL,\n"
              + "    move_number INTEGER NOT NULL,\n"
              + "    choice_type TEXT NOT NULL,\n"
              + "    player INTEGER NOT NULL,\n"
              + "    options_json TEXT NOT NULL,\n"
              + "    selected_option_json TEXT NOT NULL,\n"
              + "    ai_reasoning TEXT,\n"
              + "    PRIMARY KEY (game_id, move_number, choice_type),\n"
              + "    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE\n"
              + ")",
          "CREATE TABLE IF NOT EXISTS game_history_entries (\n"
              + "    game_id TEXT NOT NULL,\n"
              + "    move_number INTEGER NOT NULL,\n"
              + "    player INTEGER NOT NULL,\n"
              + "    phase_before TEXT NOT NULL,\n"
              + "    phase_after TEXT NOT NULL,\n"
              + "    status_before TEXT NOT NULL,\n"
              + "    status_after TEXT NOT NULL,\n"
              + "    progress_before_json TEXT NOT NULL,\n"
              + "    progress_after_json TEXT NOT NULL,\n"
              + "    state_hash_before TEXT,\n"
              + "    state_hash_after TEXT,\n"
              + "    board_summary_before_json TEXT,\n"
              + "    board_summary_after_json TEXT,\n"
              + "    state_before_json TEXT,\n"
              + "    state_after_json TEXT,\n"
              + "    compressed_states INTEGER DEFAULT 0,\n"
              + "    available_moves_json TEXT,\n"
              + "    available_moves_count INTEGER,\n"
              + "    engine_eval REAL,\n"
              + "    engine_depth INTEGER,\n"
              + "    fsm_valid INTEGER,\n"
              + "    fsm_error_code TEXT,\n"
              + "    PRIMARY KEY (game_id, move_number),\n"
              + "    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE\n"
              + ")",
          "CREATE INDEX IF NOT EXISTS idx_history_game ON game_history_entries(game_id)",
          "CREATE INDEX IF NOT EXISTS idx_history_game_phase"
              + " ON game_history_entries(game_id, phase_before)",
          "CREATE INDEX IF NOT EXISTS idx_history_game_player"
              + " ON game_history_entries(game_id, player)",
          "CREATE TABLE IF NOT EXISTS game_nnue_features (\n"
              + "    game_id TEXT NOT NULL,\n"
              + "    move_number INTEGER NOT NULL,\n"
              + "    player_perspective INTEGER NOT NULL,\n"
              + "    features BLOB NOT NULL,\n"
              + "    value REAL NOT NULL,\n"
              + "    board_type TEXT NOT NULL,\n"
              + "    feature_dim INTEGER NOT NULL,\n"
              + "    PRIMARY KEY (game_id, move_number, player_perspective),\n"
              + "    FOREIGN KEY (game_id) REFERENCES games(game_id) ON DELETE CASCADE\n"
              + ")",
          "CREATE INDEX IF NOT EXISTS idx_nnue_game ON game_nnue_features(game_id)",
          "CREATE INDEX IF NOT EXISTS idx_nnue_board_type ON game_nnue_features(board_type)",
          "CREATE TABLE IF NOT EXISTS orphaned_games (\n"
              + "    game_id TEXT PRIMARY KEY,\n"
              + "    detected_at TEXT NOT NULL,\n"
              + "    reason TEXT,\n"
              + "    original_status TEXT,\n"
              + "    board_type TEXT,\n"
              + "    num_players INTEGER\n"
              + ")",
          "CREATE INDEX IF NOT EXISTS idx_orphaned_detected ON orphaned_games(detected_at)",
          "CREATE TRIGGER IF NOT EXISTS enforce_moves_on_complete\n"
              + "BEFORE UPDATE ON games\n"
              + "WHEN NEW.game_status IN ('completed', 'finished') AND NEW.total_moves < 5\n"
              + "BEGIN\n"
              + "    SELECT RAISE(ABORT, 'Cannot complete game with fewer than 5 moves."
              + " Move data must be inserted before completing the game.');\n"
              + "END",
          "CREATE TRIGGER IF NOT EXISTS enforce_moves_on_insert\n"
              + "AFTER INSERT ON games\n"
              + "WHEN NEW.game_status IN ('completed', 'finished')\n"
              + "BEGIN\n"
              + "    SELECT CASE\n"
              + "        WHEN (SELECT COUNT(*) FROM game_moves WHERE game_id = NEW.game_id) < 5\n"
              + "        THEN RAISE(ABORT, 'Cannot insert completed game with fewer than 5 moves."
              + " Move data must be inserted before completing the game.')\n"
              + "    END;\n"
              + "END");

  private SchemaV18() {}

  /**
   * Creates the schema in an empty or v18 database and records version 18, in one transaction.
   *
   * @param c a writable connection in auto-commit mode
   * @throws SQLException on a database error
   */
  public static void create(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      for (String ddl : DDL) {
        st.execute(ddl);
      }
      st.execute(
          "INSERT OR REPLACE INTO schema_metadata (key, value) VALUES ('schema_version', '"
              + VERSION
              + "')");
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * The schema version recorded in a database: the {@code schema_metadata} row, 1 if the table is
   * missing but {@code games} exists (as Python treats it), 0 for a database without games.
   *
   * @param c a connection
   * @return the version
   * @throws SQLException on a database error
   */
  public static int versionOf(Connection c) throws SQLException {
    if (!hasTable(c, "schema_metadata")) {
      return hasTable(c, "games") ? 1 : 0;
    }
    try (PreparedStatement ps =
            c.prepareStatement("SELECT value FROM schema_metadata WHERE key = 'schema_version'");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return hasTable(c, "games") ? 1 : 0;
      }
      String v = rs.getString(1);
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  /**
   * Refuses a database whose schema is not v18.
   *
   * @param c a connection
   * @param db the file, for the message
   * @throws StorageException naming the file and the version found
   * @throws SQLException on a database error
   */
  public static void requireV18(Connection c, Path db) throws SQLException {
    int v = versionOf(c);
    if (v == 0) {
      throw new StorageException(db + " is not a game database (it has no games table)");
    }
    if (v != VERSION) {
      throw new StorageException(
          "game database "
              + db
              + " has schema version "
              + v
              + "; only version "
              + VERSION
              + " is supported (let the Python GameReplayDB migrate it first)");
    }
  }

  /**
   * Whether a table exists.
   *
   * @param c a connection
   * @param table the table name
   * @return true if it exists
   * @throws SQLException on a database error
   */
  public static boolean hasTable(Connection c, String table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
