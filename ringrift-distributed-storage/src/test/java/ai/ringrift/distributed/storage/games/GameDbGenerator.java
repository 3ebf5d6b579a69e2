package ai.ringrift.distributed.storage.games;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Builds SQLite game databases the way the Python selfplay does (schema v18, independent of the
 * library's own DDL), for tests here and in other modules (published in this module's test-jar).
 *
 * <p>Games follow the v18 facts: the games row is written as {@code in_progress} with 0 moves, then
 * the child rows (players, initial state, moves, snapshots every 20 moves plus the final one, a
 * choice, history entries, NNUE features), then updated to its final status. Contents exercise what
 * a copy can get wrong: gzip-compressed snapshots and initial states stored as BLOBs in TEXT
 * columns, base64+gzip history states, random BLOBs, NULLs in nullable columns, unicode, naive and
 * offset timestamps with and without microseconds, integers beyond 32 bits.
 *
 * <p>Layouts: {@link Layout#V18} is a database created by v18 code; {@link Layout#MIGRATED} one
 * migrated from older versions: columns in another order, no insert trigger, fewer indexes.
 * Deterministic for a given seed. Not thread-safe.
 */
public final class GameDbGenerator implements AutoCloseable {
  /** How the database was created. */
  public enum Layout {
    /** Created fresh by schema-v18 code. */
    V18,
    /** Migrated from an older version: other column order, no insert trigger, fewer indexes. */
    MIGRATED
  }

  private static final String[] UNICODE = {
    "plain", "ünïcødé", "漢字テスト", "emoji 🎲♟", "quote ' and \" and \\ backslash", "tab\tnew\nline"
  };

  private final Connection c;
  private final Random random;
  private final Layout layout;
  private int counter;

  private GameDbGenerator(Path db, Layout layout, long seed) throws SQLException {
    this.c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
    this.random = new Random(seed);
    this.layout = layout;
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA foreign_keys=ON");
      st.execute("PRAGMA busy_timeout=30000");
    }
    c.setAutoCommit(false);
    List<String> ddl = layout == Layout.V18 ? schemaStatements() : migratedStatements();
    try (Statement st = c.createStatement()) {
      for (String s : ddl) {
        st.execute(s);
      }
    }
    c.commit();
  }

  /**
   * Creates (or opens) a v18 database with seed 42.
   *
   * @param db the file
   * @return the generator
   */
  public static GameDbGenerator create(Path db) {
    return create(db, Layout.V18, 42);
  }

  /**
   * Creates (or opens) a database.
   *
   * @param db the file
   * @param layout how it was created
   * @param seed the random seed
   * @return the generator
   */
  public static GameDbGenerator create(Path db, Layout layout, long seed) {
    try {
      return new GameDbGenerator(db, layout, seed);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create " + db, e);
    }
  }

  /**
   * The v18 DDL of the Python code, one statement per element.
   *
   * @return the statements
   */
  public static List<String> schemaStatements() {
    try (InputStream in = GameDbGenerator.class.getResourceAsStream("schema-v18.sql")) {
      if (in == null) {
        throw new IllegalStateException("schema-v18.sql is missing from the test classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>();
      for (String s : stripComments(text).split(";;")) {
        String stmt = s.trim();
        if (!stmt.isEmpty()) {
          out.add(stmt);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String stripComments(String s) {
    StringBuilder sb = new StringBuilder();
    for (String line : s.split("\n")) {
      int i = line.indexOf("--");
      sb.append(i >= 0 ? line.substring(0, i) : line).append('\n');
    }
    return sb.toString();
  }

  /** v18 content in an older layout: reordered columns, no insert trigger, fewer indexes. */
  private static List<String> migratedStatements() {
    List<String> out = new ArrayList<>();
    for (String s : schemaStatements()) {
      if (s.contains("enforce_moves_on_insert")
          || (s.startsWith("CREATE INDEX") && !s.contains("idx_games_board_type"))) {
        continue;
      }
      if (s.startsWith("CREATE TABLE IF NOT EXISTS games ")) {
        out.add(
            "CREATE TABLE IF NOT EXISTS games (game_id TEXT PRIMARY KEY, board_type TEXT NOT NULL,"
                + " num_players INTEGER NOT NULL, created_at TEXT NOT NULL, game_status TEXT NOT NULL,"
                + " total_moves INTEGER NOT NULL, total_turns INTEGER NOT NULL, schema_version"
                + " INTEGER NOT NULL, rng_seed INTEGER, completed_at TEXT, winner INTEGER,"
                + " termination_reason TEXT, duration_ms INTEGER, source TEXT)");
        for (String col :
            List.of(
                "quality_score REAL",
                "quality_category TEXT",
                "metadata_json TEXT",
                "time_control_type TEXT DEFAULT 'none'",
                "initial_time_ms INTEGER",
                "time_increment_ms INTEGER",
                "opponent_type TEXT",
                "opponent_model_id TEXT",
                "engine_mode TEXT",
                "parity_status TEXT DEFAULT 'pending'",
                "parity_checked_at TEXT",
                "parity_divergence_move INTEGER")) {
          out.add("ALTER TABLE games ADD COLUMN " + col);
        }
        continue;
      }
      if (s.startsWith("CREATE TABLE IF NOT EXISTS game_moves ")) {
        out.add(
            s.replace("    move_probs TEXT,\n", "")
                .replace("    heuristic_features BLOB,\n", "")
                .replace("    search_stats_json TEXT,\n", ""));
        out.add("ALTER TABLE game_moves ADD COLUMN heuristic_features BLOB");
        out.add("ALTER TABLE game_moves ADD COLUMN search_stats_json TEXT");
        out.add("ALTER TABLE game_moves ADD COLUMN move_probs TEXT");
        continue;
      }
      out.add(s);
    }
    return out;
  }

  /** The layout. @return the layout */
  public Layout layout() {
    return layout;
  }

  /**
   * A completed game with every kind of row.
   *
   * @param board the board type
   * @param players the player count
   * @param moves the number of moves (at least 5)
   * @return its id
   */
  public String completed(String board, int players, int moves) {
    return write(board, players, moves, "completed", moves, true);
  }

  /**
   * A game that ended at the move limit: status {@code active}, {@code total_moves} = moves.
   *
   * @param board the board type
   * @param players the player count
   * @param moves the number of moves (at least 5)
   * @return its id
   */
  public String moveLimit(String board, int players, int moves) {
    return write(board, players, moves, "active", moves, true);
  }

  /**
   * A placeholder being written: status {@code in_progress}, total 0, with some move rows.
   *
   * @param board the board type
   * @param players the player count
   * @param moves the move rows written so far
   * @return its id
   */
  public String placeholder(String board, int players, int moves) {
    return write(board, players, moves, "in_progress", 0, false);
  }

  /**
   * A placeholder in the other form selfplay writes: status {@code active} with {@code total_moves}
   * 0, with some move rows.
   *
   * @param board the board type
   * @param players the player count
   * @param moves the move rows written so far
   * @return its id
   */
  public String activePlaceholder(String board, int players, int moves) {
    return write(board, players, moves, "active", 0, false);
  }

  /**
   * A game that ended with too few moves: status {@code abandoned}.
   *
   * @param board the board type
   * @param players the player count
   * @param moves the number of moves
   * @return its id
   */
  public String abandoned(String board, int players, int moves) {
    return write(board, players, moves, "abandoned", moves, true);
  }

  /**
   * A {@code completed} game with fewer than 5 moves, possible only without the triggers (a
   * migrated database).
   *
   * @param board the board type
   * @param players the player count
   * @param moves fewer than 5
   * @return its id
   */
  public String shortCompleted(String board, int players, int moves) {
    if (layout != Layout.MIGRATED) {
      throw new IllegalStateException("the v18 triggers refuse completed games with < 5 moves");
    }
    try (PreparedStatement drop =
        c.prepareStatement("DROP TRIGGER IF EXISTS enforce_moves_on_complete")) {
      drop.execute();
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return write(board, players, moves, "completed", moves, true);
  }

  /**
   * An orphan: a games row without moves ({@code in_progress}), also listed in {@code
   * orphaned_games}.
   *
   * @param board the board type
   * @param players the player count
   * @return its id
   */
  public String orphan(String board, int players) {
    String id = write(board, players, 0, "in_progress", 0, false);
    exec(
        "INSERT INTO orphaned_games (game_id, detected_at, reason, original_status, board_type,"
            + " num_players) VALUES (?, ?, ?, ?, ?, ?)",
        id,
        "2026-01-11T00:00:00",
        null,
        "in_progress",
        board,
        (long) players);
    commit();
    return id;
  }

  /**
   * Completes a placeholder: adds move rows up to {@code moves} and updates it to completed.
   *
   * @param gameId the placeholder
   * @param moves its final number of moves (at least 5)
   */
  public void finish(String gameId, int moves) {
    try {
      int have;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT COUNT(*) FROM game_moves WHERE game_id = ?")) {
        ps.setString(1, gameId);
        try (var rs = ps.executeQuery()) {
          rs.next();
          have = rs.getInt(1);
        }
      }
      for (int i = have; i < moves; i++) {
        move(gameId, i, i / 2, 1 + i % 2, true);
      }
      exec(
          "UPDATE games SET game_status = 'completed', total_moves = ?, total_turns = ? WHERE game_id = ?",
          (long) moves,
          (long) (moves + 1) / 2,
          gameId);
      commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Many small completed games in one transaction (5 moves of short JSON each, two player rows, an
   * initial state), for benchmarks and cursor tests.
   *
   * @param n how many
   * @param board the board type
   * @param players the player count
   * @return their ids, in insertion order
   */
  public List<String> bulk(int n, String board, int players) {
    List<String> ids = new ArrayList<>(n);
    try (PreparedStatement g =
            c.prepareStatement(
                "INSERT INTO games (game_id, board_type, num_players, created_at, game_status,"
                    + " total_moves, total_turns, schema_version, quality_score, source)"
                    + " VALUES (?, ?, ?, ?, 'in_progress', 0, 0, 18, ?, 'selfplay')");
        PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO game_players (game_id, player_number, player_type, ai_type)"
                    + " VALUES (?, ?, 'ai', 'heuristic')");
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO game_initial_state (game_id, initial_state_json, compressed) VALUES (?, ?, 0)");
        PreparedStatement m =
            c.prepareStatement(
                "INSERT INTO game_moves (game_id, move_number, turn_number, player, phase, move_type,"
                    + " move_json) VALUES (?, ?, ?, ?, 'movement', 'move_stack', ?)");
        PreparedStatement u =
            c.prepareStatement(
                "UPDATE games SET game_status = 'completed', total_moves = 5, total_turns = 5"
                    + " WHERE game_id = ?")) {
      for (int k = 0; k < n; k++) {
        String id = newId();
        g.setString(1, id);
        g.setString(2, board);
        g.setInt(3, players);
        g.setString(4, "2026-01-10T12:00:00");
        g.setDouble(5, (k % 100) / 100.0);
        g.executeUpdate();
        for (int pl = 1; pl <= players; pl++) {
          p.setString(1, id);
          p.setInt(2, pl);
          p.executeUpdate();
        }
        s.setString(1, id);
        s.setString(2, "{\"id\":\"" + id + "\"}");
        s.executeUpdate();
        for (int i = 0; i < 5; i++) {
          m.setString(1, id);
          m.setInt(2, i);
          m.setInt(3, i);
          m.setInt(4, 1 + i % players);
          m.setString(
              5,
              "{\"type\":\"move_stack\",\"to\":{\"x\":"
                  + (k % 8)
                  + ",\"y\":"
                  + i
                  + "},\"n\":"
                  + k
                  + "}");
          m.executeUpdate();
        }
        u.setString(1, id);
        u.executeUpdate();
        ids.add(id);
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  /**
   * Deletes a game and its rows.
   *
   * @param gameId the game
   */
  public void delete(String gameId) {
    exec("DELETE FROM games WHERE game_id = ?", gameId);
    commit();
  }

  /** Runs VACUUM (which may renumber the rowids of {@code games}). */
  public void vacuum() {
    try {
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("VACUUM");
      }
      c.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Compacts the rowids of {@code games} to 1..n, as VACUUM may do to a table without an INTEGER
   * PRIMARY KEY (SQLite documents it; recent versions usually keep them, so tests force it).
   */
  public void renumberRowids() {
    try {
      c.commit();
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA foreign_keys=OFF");
        st.execute("BEGIN");
        st.execute("CREATE TEMP TABLE games_copy AS SELECT * FROM games ORDER BY rowid");
        st.execute("DELETE FROM games");
        st.execute("INSERT INTO games SELECT * FROM games_copy");
        st.execute("DROP TABLE games_copy");
        st.execute("COMMIT");
        st.execute("PRAGMA foreign_keys=ON");
      }
      c.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The connection, for tests that need to look or tamper. @return the connection */
  public Connection connection() {
    return c;
  }

  private String write(
      String board, int players, int moves, String status, int totalMoves, boolean finalize) {
    String id = newId();
    int n = counter;
    try {
      String created = timestamp(n);
      exec(
          "INSERT INTO games (game_id, board_type, num_players, rng_seed, created_at, completed_at,"
              + " game_status, winner, termination_reason, total_moves, total_turns, duration_ms,"
              + " source, schema_version, time_control_type, initial_time_ms, time_increment_ms,"
              + " metadata_json, quality_score, quality_category, engine_mode, opponent_type,"
              + " opponent_model_id) VALUES (?, ?, ?, ?, ?, ?, 'in_progress', ?, ?, 0, 0, ?, ?, 18,"
              + " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          id,
          board,
          (long) players,
          n % 3 == 0 ? null : (Object) (random.nextLong()),
          created,
          finalize ? timestamp(n + 1) : null,
          n % 4 == 0 ? null : (Object) (long) (1 + n % players),
          n % 5 == 0 ? null : "ring_elimination",
          n % 2 == 0 ? null : (Object) (long) (1000 + random.nextInt(100000)),
          "selfplay",
          n % 2 == 0 ? "none" : null,
          n % 3 == 1 ? (Object) 600000L : null,
          null,
          "{\"engine_mode\":\"gumbel\",\"note\":\""
              + jsonEscape(UNICODE[n % UNICODE.length])
              + "\",\"source\":\"selfplay\"}",
          n % 4 == 3 ? null : (Object) (random.nextInt(1000) / 1000.0),
          n % 4 == 3 ? null : "good",
          "gumbel-mcts",
          n % 2 == 0 ? "self" : null,
          null);
      for (int p = 1; p <= players; p++) {
        exec(
            "INSERT INTO game_players (game_id, player_number, player_type, ai_type, ai_difficulty,"
                + " ai_profile_id, final_eliminated_rings, final_territory_spaces,"
                + " final_rings_in_hand) VALUES (?, ?, 'ai', ?, ?, ?, ?, ?, ?)",
            id,
            (long) p,
            "heuristic",
            p % 2 == 0 ? null : (Object) (long) (1 + random.nextInt(10)),
            p == 1 ? "profile_" + UNICODE[n % UNICODE.length] : null,
            (long) random.nextInt(20),
            finalize ? (Object) (long) random.nextInt(30) : null,
            (long) random.nextInt(18));
      }
      String initial = stateJson(id, board, 0, "active", n);
      if (n % 3 == 2) {
        exec(
            "INSERT INTO game_initial_state (game_id, initial_state_json, compressed) VALUES (?, ?, 1)",
            id,
            gzip(initial));
      } else {
        exec(
            "INSERT INTO game_initial_state (game_id, initial_state_json) VALUES (?, ?)",
            id,
            initial);
      }
      for (int i = 0; i < moves; i++) {
        move(id, i, i / 2, 1 + (i / 2) % players, i % 3 != 0);
        if ((i + 1) % 20 == 0 || (finalize && i == moves - 1)) {
          String state = stateJson(id, board, i + 1, i == moves - 1 ? status : "active", n);
          boolean compressed = (i + n) % 2 == 0;
          exec(
              "INSERT INTO game_state_snapshots (game_id, move_number, state_json, compressed,"
                  + " state_hash) VALUES (?, ?, ?, ?, ?)",
              id,
              (long) i,
              compressed ? gzip(state) : state,
              compressed ? 1L : 0L,
              String.format(Locale.ROOT, "%016x", random.nextLong()));
        }
        history(id, i, 1 + (i / 2) % players, board, n);
        if (i < 2) {
          for (int p = 1; p <= players; p++) {
            exec(
                "INSERT INTO game_nnue_features (game_id, move_number, player_perspective, features,"
                    + " value, board_type, feature_dim) VALUES (?, ?, ?, ?, ?, ?, ?)",
                id,
                (long) i,
                (long) p,
                gzip(floats(64)),
                (double) (p == 1 ? 1 : -1),
                board,
                64L);
          }
        }
      }
      if (moves > 2) {
        exec(
            "INSERT INTO game_choices (game_id, move_number, choice_type, player, options_json,"
                + " selected_option_json, ai_reasoning) VALUES (?, 2, 'line_reward', 1, ?, ?, ?)",
            id,
            "[{\"option\":1},{\"option\":2}]",
            "{\"option\":2}",
            n % 2 == 0 ? null : "reasoning " + UNICODE[n % UNICODE.length]);
      }
      if (!status.equals("in_progress")) {
        exec(
            "UPDATE games SET game_status = ?, total_moves = ?, total_turns = ? WHERE game_id = ?",
            status,
            (long) totalMoves,
            (long) (totalMoves + 1) / 2,
            id);
      }
      c.commit();
      return id;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // The original error matters.
      }
      throw new IllegalStateException("cannot write game " + id + ": " + e.getMessage(), e);
    }
  }

  private void move(String id, int i, int turn, int player, boolean rich) throws SQLException {
    exec(
        "INSERT INTO game_moves (game_id, move_number, turn_number, player, phase, move_type,"
            + " move_json, timestamp, think_time_ms, time_remaining_ms, engine_eval,"
            + " engine_eval_type, engine_depth, engine_nodes, engine_pv, engine_time_ms, move_probs,"
            + " search_stats_json, heuristic_features) VALUES (?, ?, ?, ?, 'movement', 'move_stack',"
            + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        (long) i,
        (long) turn,
        (long) player,
        "{\"id\":\"m"
            + i
            + "\",\"type\":\"move_stack\",\"player\":"
            + player
            + ",\"from\":{\"x\":"
            + random.nextInt(8)
            + ",\"y\":"
            + random.nextInt(8)
            + "},\"to\":{\"x\":"
            + random.nextInt(8)
            + ",\"y\":"
            + random.nextInt(8)
            + "},\"moveNumber\":"
            + (i + 1)
            + ",\"note\":\""
            + jsonEscape(UNICODE[(i + counter) % UNICODE.length])
            + "\"}",
        i % 4 == 3 ? null : timestamp(counter + i),
        rich ? (Object) (long) random.nextInt(5000) : null,
        null,
        rich ? (Object) (random.nextDouble() * 2 - 1) : null,
        rich ? "value" : null,
        rich ? (Object) (long) random.nextInt(12) : null,
        rich ? (Object) (5_000_000_000L + random.nextInt(1000)) : null,
        rich ? "[\"a1\",\"b2\"]" : null,
        rich ? (Object) (long) random.nextInt(900) : null,
        rich ? "{\"0,1\":0.25,\"2,3\":0.75}" : null,
        rich ? "{\"visits\":" + random.nextInt(800) + "}" : null,
        rich ? floats(16) : null);
  }

  private void history(String id, int i, int player, String board, int n) throws SQLException {
    boolean compressed = (i + n) % 3 == 0;
    String before = stateJson(id, board, i, "active", n);
    String after = stateJson(id, board, i + 1, "active", n);
    exec(
        "INSERT INTO game_history_entries (game_id, move_number, player, phase_before, phase_after,"
            + " status_before, status_after, progress_before_json, progress_after_json,"
            + " state_hash_before, state_hash_after, board_summary_before_json,"
            + " board_summary_after_json, state_before_json, state_after_json, compressed_states,"
            + " available_moves_json, available_moves_count, engine_eval, engine_depth, fsm_valid,"
            + " fsm_error_code) VALUES (?, ?, ?, 'movement', 'movement', 'active', 'active', ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        (long) i,
        (long) player,
        "{\"p1\":" + i + "}",
        "{\"p1\":" + (i + 1) + "}",
        String.format(Locale.ROOT, "%016x", random.nextLong()),
        String.format(Locale.ROOT, "%016x", random.nextLong()),
        i % 2 == 0 ? null : "{\"stacks\":3}",
        i % 2 == 0 ? null : "{\"stacks\":4}",
        compressed ? Base64.getEncoder().encodeToString(gzip(before)) : before,
        compressed ? Base64.getEncoder().encodeToString(gzip(after)) : after,
        compressed ? 1L : 0L,
        i % 3 == 1 ? "[{\"type\":\"move_stack\"}]" : null,
        i % 3 == 1 ? (Object) 1L : null,
        i % 2 == 0 ? null : (Object) (random.nextDouble()),
        i % 2 == 0 ? null : (Object) 3L,
        i % 3 == 0 ? null : (Object) (long) (i % 3 == 1 ? 1 : 0),
        i % 3 == 2 ? "E_PHASE" : null);
  }

  private String newId() {
    counter++;
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String timestamp(int n) {
    int sec = n % 60;
    switch (n % 4) {
      case 0:
        return String.format(Locale.ROOT, "2026-01-10T12:34:%02d.123456", sec);
      case 1:
        return String.format(Locale.ROOT, "2026-01-10T12:34:%02d", sec);
      case 2:
        return String.format(Locale.ROOT, "2026-01-10T12:34:%02d.123456+00:00", sec);
      default:
        return String.format(Locale.ROOT, "2026-01-10T18:04:%02d+05:30", sec);
    }
  }

  private String stateJson(String id, String board, int moveNumber, String status, int n) {
    return "{\"id\":\""
        + id
        + "\",\"boardType\":\""
        + board
        + "\",\"gameStatus\":\""
        + status
        + "\",\"moveNumber\":"
        + moveNumber
        + ",\"createdAt\":\""
        + timestamp(n)
        + "\",\"board\":{\"stacks\":{\"3,3\":{\"height\":"
        + (moveNumber % 5)
        + "}}},\"label\":\""
        + jsonEscape(UNICODE[(n + moveNumber) % UNICODE.length])
        + "\"}";
  }

  private byte[] floats(int n) {
    ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(random.nextFloat());
    }
    return b.array();
  }

  private static byte[] gzip(String s) {
    return gzip(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  private static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t");
  }

  private void exec(String sql, Object... args) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private void commit() {
    try {
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      c.commit();
      c.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
