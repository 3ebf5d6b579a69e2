package ai.ringrift.distributed.storage.games;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads rows straight from a game database with each value's SQLite storage class, for comparing
 * two databases column by column independently of the store's own reader.
 */
public final class DbRows {
  private DbRows() {}

  /**
   * Every row of a game in a table, ordered by rowid-independent content, each as a sorted map from
   * column name to "storage class:value" (BLOBs as hex).
   *
   * @param db the database
   * @param table the table
   * @param gameId the game
   * @return the rows
   * @throws SQLException on a database error
   */
  public static List<Map<String, String>> rows(Path db, String table, String gameId)
      throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      List<String> cols = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
        ps.setString(1, table);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            cols.add(rs.getString(1));
          }
        }
      }
      if (cols.isEmpty()) {
        return List.of();
      }
      StringBuilder sql = new StringBuilder("SELECT ");
      for (String col : cols) {
        sql.append("typeof(\"").append(col).append("\"), \"").append(col).append("\", ");
      }
      sql.setLength(sql.length() - 2);
      sql.append(" FROM ").append(table).append(" WHERE game_id = ?");
      List<Map<String, String>> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        ps.setString(1, gameId);
        try (ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            Map<String, String> row = new TreeMap<>();
            for (int i = 0; i < cols.size(); i++) {
              String type = rs.getString(2 * i + 1);
              Object v = rs.getObject(2 * i + 2);
              String text = v instanceof byte[] ? hex((byte[]) v) : String.valueOf(v);
              row.put(md.getColumnName(2 * i + 2), type + ":" + text);
            }
            out.add(row);
          }
        }
      }
      out.sort((a, b) -> a.toString().compareTo(b.toString()));
      return out;
    }
  }

  /**
   * Ids of the games in a database.
   *
   * @param db the database
   * @return the ids, sorted
   * @throws SQLException on a database error
   */
  public static List<String> gameIds(Path db) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs =
            c.createStatement().executeQuery("SELECT game_id FROM games ORDER BY game_id")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder("x'");
    for (byte x : b) {
      sb.append(String.format("%02x", x));
    }
    return sb.append("'").append(Arrays.hashCode(b)).toString();
  }
}
