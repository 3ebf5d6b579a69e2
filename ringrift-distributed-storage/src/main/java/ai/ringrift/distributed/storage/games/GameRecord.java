package ai.ringrift.distributed.storage.games;

import ai.ringrift.distributed.storage.internal.Fingerprint;
import ai.ringrift.distributed.storage.internal.GameRules;
import ai.ringrift.distributed.storage.internal.SchemaV18;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One game with every row it has: its {@code games} row and its rows in each child table ({@code
 * game_players}, {@code game_initial_state}, {@code game_moves}, {@code game_state_snapshots},
 * {@code game_choices}, {@code game_history_entries}, {@code game_nnue_features}).
 *
 * <p>Rows are ordered maps from column name to value, never positional, because databases migrated
 * from older schema versions order their columns differently. A value is exactly what SQLite
 * stored: {@code null}, {@link Long} (INTEGER), {@link Double} (REAL), {@link String} (TEXT) or
 * {@code byte[]} (BLOB, e.g. gzip-compressed snapshots and NNUE features, byte for byte). Child
 * rows are in primary-key order. Immutable; {@link #equals} compares BLOBs by content. The {@code
 * byte[]} values handed out are the record's own: do not modify them.
 */
public final class GameRecord {
  private final Map<String, @Nullable Object> game;
  private final Map<String, List<Map<String, @Nullable Object>>> children;
  private @Nullable String fingerprint;

  private GameRecord(
      Map<String, @Nullable Object> game,
      Map<String, List<Map<String, @Nullable Object>>> children) {
    this.game = game;
    this.children = children;
  }

  /**
   * Makes a record, copying the maps (not the byte arrays).
   *
   * @param game the {@code games} row; must hold {@code game_id}, {@code board_type} and {@code
   *     num_players}
   * @param children rows per child table name; tables absent or empty have no rows
   * @return the record
   * @throws IllegalArgumentException if a value is of another type than those listed in the class
   *     comment, a required column is missing, or a child row belongs to another game
   */
  public static GameRecord of(
      Map<String, ? extends @Nullable Object> game,
      Map<String, ? extends List<? extends Map<String, ? extends @Nullable Object>>> children) {
    Map<String, @Nullable Object> g = copyRow(game, "games");
    Object id = g.get("game_id");
    if (!(id instanceof String)) {
      throw new IllegalArgumentException("games row needs a text game_id, got " + id);
    }
    if (!(g.get("board_type") instanceof String) || !(g.get("num_players") instanceof Long)) {
      throw new IllegalArgumentException(
          "game " + id + " needs a text board_type and an integer num_players");
    }
    Map<String, List<Map<String, @Nullable Object>>> c = new LinkedHashMap<>();
    for (var e : children.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      List<Map<String, @Nullable Object>> rows = new ArrayList<>(e.getValue().size());
      for (Map<String, ? extends @Nullable Object> r : e.getValue()) {
        Map<String, @Nullable Object> row = copyRow(r, e.getKey());
        if (row.containsKey("game_id") && !id.equals(row.get("game_id"))) {
          throw new IllegalArgumentException(
              "a " + e.getKey() + " row of game " + id + " has game_id " + row.get("game_id"));
        }
        rows.add(Collections.unmodifiableMap(row));
      }
      c.put(e.getKey(), Collections.unmodifiableList(rows));
    }
    return new GameRecord(Collections.unmodifiableMap(g), Collections.unmodifiableMap(c));
  }

  /** The game's id. @return {@code game_id} */
  public String gameId() {
    return (String) Objects.requireNonNull(game.get("game_id"));
  }

  /** The board and player count. @return the configuration */
  public ConfigKey config() {
    return new ConfigKey(
        (String) Objects.requireNonNull(game.get("board_type")),
        ((Long) Objects.requireNonNull(game.get("num_players"))).intValue());
  }

  /** The {@code game_status}. @return the status, or "" if missing */
  public String status() {
    Object s = game.get("game_status");
    return s instanceof String ? (String) s : "";
  }

  /** The {@code total_moves}. @return the value, 0 if missing */
  public long totalMoves() {
    Object t = game.get("total_moves");
    return t instanceof Long ? (Long) t : 0;
  }

  /** The {@code games} row. @return an unmodifiable ordered map */
  public Map<String, @Nullable Object> game() {
    return game;
  }

  /**
   * The rows of one child table.
   *
   * @param table e.g. {@code game_moves}
   * @return the rows in primary-key order, empty if none
   */
  public List<Map<String, @Nullable Object>> rows(String table) {
    return children.getOrDefault(table, List.of());
  }

  /** The child tables that have rows. @return the table names */
  public Set<String> tables() {
    return children.keySet();
  }

  /**
   * Whether the game is finished (see the package comment); only finished games are read, indexed
   * and imported.
   *
   * @return true if finished
   */
  public boolean isFinished() {
    Object total = game.get("total_moves");
    return GameRules.classify(
            (String) (game.get("game_status") instanceof String ? game.get("game_status") : null),
            total instanceof Long ? (Long) total : null,
            rows("game_moves").size())
        == GameRules.State.FINISHED;
  }

  /**
   * The content fingerprint: SHA-256 of the board, the player count and the moves' JSON in move
   * order. Two games with equal fingerprints played the same moves on the same board.
   *
   * @return 64 hex digits
   */
  public String fingerprint() {
    String f = fingerprint;
    if (f == null) {
      Fingerprint.Moves fp = new Fingerprint.Moves();
      for (Map<String, @Nullable Object> m : rows("game_moves")) {
        fp.add(m.get("move_json"));
      }
      f = fp.finish(config().board(), config().players());
      fingerprint = f;
    }
    return f;
  }

  /** The child tables a game may have rows in, in the order they are written. @return names */
  public static List<String> childTables() {
    return SchemaV18.CHILD_TABLES;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GameRecord)) {
      return false;
    }
    GameRecord r = (GameRecord) o;
    if (!rowEquals(game, r.game) || !children.keySet().equals(r.children.keySet())) {
      return false;
    }
    for (var e : children.entrySet()) {
      List<Map<String, @Nullable Object>> a = e.getValue();
      List<Map<String, @Nullable Object>> b = r.children.get(e.getKey());
      if (b == null || a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!rowEquals(a.get(i), b.get(i))) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return gameId().hashCode() * 31 + children.keySet().hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("GameRecord[").append(gameId());
    sb.append(", ").append(config()).append(", ").append(status());
    for (var e : children.entrySet()) {
      sb.append(", ").append(e.getKey()).append('=').append(e.getValue().size());
    }
    return sb.append(']').toString();
  }

  private static boolean rowEquals(
      Map<String, @Nullable Object> a, Map<String, @Nullable Object> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (var e : a.entrySet()) {
      Object x = e.getValue();
      Object y = b.get(e.getKey());
      if (x instanceof byte[] && y instanceof byte[]) {
        if (!Arrays.equals((byte[]) x, (byte[]) y)) {
          return false;
        }
      } else if (!Objects.equals(x, y)) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, @Nullable Object> copyRow(
      Map<String, ? extends @Nullable Object> row, String table) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    for (var e : row.entrySet()) {
      out.put(
          Objects.requireNonNull(e.getKey(), "column name"),
          normalize(e.getValue(), table, e.getKey()));
    }
    return out;
  }

  /**
   * Maps a value to the types a record holds: Integer, Short, Byte to Long; Float to Double.
   *
   * @param v the value
   * @param table its table, for messages
   * @param column its column, for messages
   * @return the normalized value
   */
  static @Nullable Object normalize(@Nullable Object v, String table, String column) {
    if (v == null
        || v instanceof Long
        || v instanceof Double
        || v instanceof String
        || v instanceof byte[]) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    throw new IllegalArgumentException(
        table
            + "."
            + column
            + " holds a "
            + v.getClass().getName()
            + "; only null, Long, Double, String and byte[] are stored");
  }
}
