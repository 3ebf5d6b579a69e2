package ai.ringrift.distributed.storage.internal;

import ai.ringrift.distributed.storage.StorageException;
import ai.ringrift.distributed.storage.games.ConfigKey;
import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GamePage;
import ai.ringrift.distributed.storage.games.GameSummary;
import ai.ringrift.distributed.storage.games.IndexStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-node game index: a library-owned SQLite file that gives every finished game seen in any
 * game database under the games directory a local sequence number, assigned once, in the order this
 * node first saw the game. The sequence is the cursor.
 *
 * <p>How new games are found in time proportional to the new games: for each source database the
 * index keeps the largest rowid it scanned ({@code scan}) and the rowid of the newest finished game
 * ({@code anchor}), each with its game id. A refresh reads only rows after {@code scan}, after
 * checking that:
 *
 * <ul>
 *   <li>the file is the same (file key: device and inode); a replaced file is rescanned in full;
 *   <li>the anchor row still holds the anchor game; if not, rowids were renumbered (VACUUM) or the
 *       game was deleted, and the database's ids are rescanned in full (ids only, no game rows);
 *   <li>the scan row still holds the game it held; if not, rows at the top were deleted (an aborted
 *       placeholder) and their rowids may be reused, so the scan restarts at the anchor.
 * </ul>
 *
 * Placeholders ({@code in_progress}, {@code active} with 0 moves) are remembered by game id and
 * checked again on every refresh for {@code pendingWindow} (default 24 h), so a game that completes
 * later is still indexed. Clocks play no part in ordering; the node clock only ages placeholders.
 * Not thread-safe: the store serializes calls.
 */
public final class GameIndex implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GameIndex.class);

  private static final List<String> DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
          "CREATE TABLE IF NOT EXISTS index_sources (source_id INTEGER PRIMARY KEY, path TEXT NOT"
              + " NULL UNIQUE, file_key TEXT NOT NULL, scan_rowid INTEGER NOT NULL DEFAULT 0,"
              + " scan_game_id TEXT, anchor_rowid INTEGER NOT NULL DEFAULT 0, anchor_game_id TEXT,"
              + " moves_rowid INTEGER NOT NULL DEFAULT 0, moves_key TEXT)",
          // Games indexed long ago; rows move here from recent_games in bulk, keeping their seq.
          "CREATE TABLE IF NOT EXISTS indexed_games (seq INTEGER PRIMARY KEY, game_id"
              + " TEXT NOT NULL UNIQUE, source_id INTEGER NOT NULL, board_type TEXT NOT NULL,"
              + " num_players INTEGER NOT NULL, game_status TEXT NOT NULL, total_moves INTEGER NOT"
              + " NULL, quality_score REAL, created_at TEXT, fingerprint TEXT NOT NULL)",
          "CREATE INDEX IF NOT EXISTS indexed_games_fingerprint ON indexed_games(fingerprint)",
          "CREATE INDEX IF NOT EXISTS indexed_games_config ON indexed_games(board_type,"
              + " num_players)",
          // Games indexed recently: new games land in these small B-trees, so that indexing a
          // batch of new games does not touch pages all over the big game-id and fingerprint
          // B-trees. AUTOINCREMENT: seq values are never reused, even after a merge empties it.
          "CREATE TABLE IF NOT EXISTS recent_games (seq INTEGER PRIMARY KEY AUTOINCREMENT, game_id"
              + " TEXT NOT NULL UNIQUE, source_id INTEGER NOT NULL, board_type TEXT NOT NULL,"
              + " num_players INTEGER NOT NULL, game_status TEXT NOT NULL, total_moves INTEGER NOT"
              + " NULL, quality_score REAL, created_at TEXT, fingerprint TEXT NOT NULL)",
          "CREATE INDEX IF NOT EXISTS recent_games_fingerprint ON recent_games(fingerprint)",
          "CREATE VIEW IF NOT EXISTS all_games AS SELECT * FROM indexed_games"
              + " UNION ALL SELECT * FROM recent_games",
          "CREATE TABLE IF NOT EXISTS pending_games (source_id INTEGER NOT NULL, game_id TEXT NOT"
              + " NULL, first_seen_ms INTEGER NOT NULL, PRIMARY KEY (source_id, game_id))");

  /** New games whose moves one scan hashes; beyond, games are looked up one by one. */
  private static final int MAX_TRACKED_GAMES = 100_000;

  private static final String ROW_COLUMNS =
      "rowid, game_id, board_type, num_players, game_status, total_moves, quality_score,"
          + " created_at";

  private final Path file;
  private final Connection db;
  private final Clock clock;
  private final Duration pendingWindow;
  private final Sqlite.Retry retry;
  private final String epoch;
  private final int mergeThreshold;
  private final Map<String, PreparedStatement> statements = new java.util.HashMap<>();

  /**
   * Opens (creating if needed) the index file.
   *
   * @param file the index file
   * @param journal its journal mode
   * @param clock ages placeholders
   * @param pendingWindow how long a placeholder is re-checked
   * @param retry the retry policy for locked source databases
   * @param mergeThreshold how many recently indexed games trigger a merge into the main tables
   * @throws StorageException if the file cannot be opened
   */
  public GameIndex(
      Path file,
      Sqlite.Journal journal,
      Clock clock,
      Duration pendingWindow,
      Sqlite.Retry retry,
      int mergeThreshold) {
    this.file = file;
    this.mergeThreshold = mergeThreshold;
    this.clock = clock;
    this.pendingWindow = pendingWindow;
    this.retry = retry;
    try {
      Files.createDirectories(file.getParent());
      this.db = Sqlite.openWritable(file, journal);
      try (Statement st = db.createStatement()) {
        // New games land at random places of the game-id and fingerprint B-trees: keep the index
        // in cache and checkpoint rarely, so a refresh writes the pages it dirties once.
        st.execute("PRAGMA cache_size = -262144");
        st.execute("PRAGMA wal_autocheckpoint = 16384");
        for (String ddl : DDL) {
          st.execute(ddl);
        }
        st.execute(
            "INSERT OR IGNORE INTO index_meta (key, value) VALUES ('epoch', '"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                + "')");
      }
      try (Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("SELECT value FROM index_meta WHERE key = 'epoch'")) {
        rs.next();
        this.epoch = rs.getString(1);
      }
    } catch (SQLException | IOException e) {
      throw new StorageException("cannot open the game index " + file + ": " + e.getMessage(), e);
    }
  }

  /** A prepared statement on the index, cached for the life of the index. */
  private PreparedStatement ps(String sql) throws SQLException {
    PreparedStatement p = statements.get(sql);
    if (p == null) {
      p = db.prepareStatement(sql);
      statements.put(sql, p);
    }
    return p;
  }

  /** The identity of this index, carried by its cursors. @return the epoch */
  public String epoch() {
    return epoch;
  }

  /**
   * Scans the given game databases for new finished games.
   *
   * @param sources the databases
   * @return what was found
   */
  public IndexStats refresh(List<Path> sources) {
    long found = 0;
    int full = 0;
    Map<Path, String> refused = new LinkedHashMap<>();
    for (Path source : sources) {
      try {
        ScanResult r = Sqlite.retrying(source, "scan for new games", retry, () -> scan(source));
        found += r.newGames;
        full += r.fullRescan ? 1 : 0;
      } catch (StorageException e) {
        refused.put(source, e.getMessage());
        LOG.debug("skipping {}: {}", source, e.getMessage());
      }
    }
    mergeRecentIfLarge();
    return new IndexStats(found, sources.size(), full, pendingCount(), refused);
  }

  /**
   * Moves the recent games into the main tables once there are {@code mergeThreshold} of them, in
   * one transaction, keeping their sequence numbers. Costs one pass over the main B-trees every
   * {@code mergeThreshold} new games instead of scattered page writes on every refresh.
   */
  private void mergeRecentIfLarge() {
    try {
      long recent;
      try (Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM recent_games")) {
        rs.next();
        recent = rs.getLong(1);
      }
      if (recent < mergeThreshold) {
        return;
      }
      db.setAutoCommit(false);
      try (Statement st = db.createStatement()) {
        st.executeUpdate("INSERT INTO indexed_games SELECT * FROM recent_games ORDER BY seq");
        st.executeUpdate("DELETE FROM recent_games");
        db.commit();
        LOG.debug("moved {} recent games into the main index tables of {}", recent, file);
      } catch (SQLException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StorageException("cannot merge recent games in the index " + file + ": " + e, e);
    }
  }

  private static final class ScanResult {
    long newGames;
    boolean fullRescan;
  }

  private ScanResult scan(Path source) throws SQLException {
    ScanResult result = new ScanResult();
    String fileKey = fileKey(source);
    try (Connection src = Sqlite.openReadOnly(source)) {
      SchemaV18.requireV18(src, source);
      src.setAutoCommit(false); // one read transaction: a consistent snapshot
      db.setAutoCommit(false);
      try {
        Source s = loadSource(source);
        long start;
        if (s == null || !s.fileKey.equals(fileKey)) {
          result.fullRescan = true;
          start = 0;
          s = s == null ? insertSource(source, fileKey) : s;
        } else if (s.anchorRowid > 0
            && !Objects.equals(gameAt(src, s.anchorRowid), s.anchorGameId)) {
          LOG.info(
              "{}: rowids changed under the index (VACUUM or deletion); rescanning ids", source);
          result.fullRescan = true;
          start = 0;
        } else if (s.scanRowid > 0 && !Objects.equals(gameAt(src, s.scanRowid), s.scanGameId)) {
          start = s.anchorRowid;
        } else {
          start = s.scanRowid;
        }
        if (result.fullRescan) {
          s.anchorRowid = 0;
          s.anchorGameId = null;
          s.scanRowid = 0;
          s.scanGameId = null;
        } else if (start == s.anchorRowid) {
          s.scanRowid = s.anchorRowid;
          s.scanGameId = s.anchorGameId;
        }
        s.fileKey = fileKey;
        Map<String, MoveRun> runs = result.fullRescan ? null : scanNewMoves(src, s);
        if (runs == null) {
          markMovesEnd(src, s);
        }
        result.newGames += scanRows(src, s, start, runs);
        result.newGames += recheckPending(src, s);
        saveSource(s);
        db.commit();
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
        src.rollback();
      }
    }
    return result;
  }

  /**
   * Hashes the move rows appended since the last scan, in rowid order, per game: a new game's moves
   * are then known without a lookup per game in the {@code game_moves} primary-key index (whose
   * random keys would make the cost grow with the database). Returns null when the move rowids
   * cannot be trusted (renumbered), and the caller looks every game up instead.
   */
  private @Nullable Map<String, MoveRun> scanNewMoves(Connection src, Source s)
      throws SQLException {
    if (s.movesRowid > 0 && !Objects.equals(moveKeyAt(src, s.movesRowid), s.movesKey)) {
      return null;
    }
    Map<String, MoveRun> runs = new java.util.HashMap<>();
    try (PreparedStatement ps =
        src.prepareStatement(
            "SELECT rowid, game_id, move_number, move_json FROM game_moves WHERE rowid > ?"
                + " ORDER BY rowid")) {
      ps.setLong(1, s.movesRowid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long rowid = rs.getLong(1);
          String gameId = rs.getString(2);
          long number = rs.getLong(3);
          s.movesRowid = rowid;
          s.movesKey = gameId + ":" + number;
          MoveRun run = runs.get(gameId);
          if (run == null) {
            if (runs.size() >= MAX_TRACKED_GAMES) {
              continue; // such games are looked up one by one
            }
            run = new MoveRun();
            runs.put(gameId, run);
          }
          if (run.clean && number == run.moves.count()) {
            run.moves.add(rs.getObject(4));
          } else {
            run.clean = false;
          }
        }
      }
    }
    return runs;
  }

  private static void markMovesEnd(Connection src, Source s) throws SQLException {
    try (PreparedStatement ps =
            src.prepareStatement(
                "SELECT rowid, game_id, move_number FROM game_moves ORDER BY rowid DESC LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        s.movesRowid = rs.getLong(1);
        s.movesKey = rs.getString(2) + ":" + rs.getLong(3);
      } else {
        s.movesRowid = 0;
        s.movesKey = null;
      }
    }
  }

  private static @Nullable String moveKeyAt(Connection src, long rowid) throws SQLException {
    try (PreparedStatement ps =
        src.prepareStatement("SELECT game_id, move_number FROM game_moves WHERE rowid = ?")) {
      ps.setLong(1, rowid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) + ":" + rs.getLong(2) : null;
      }
    }
  }

  /** The moves of one game seen in a scan of new move rows. */
  private static final class MoveRun {
    final Fingerprint.Moves moves = new Fingerprint.Moves();
    boolean clean = true;
  }

  private long scanRows(
      Connection src, Source s, long afterRowid, @Nullable Map<String, MoveRun> runs)
      throws SQLException {
    long found = 0;
    long now = clock.millis();
    try (PreparedStatement ps =
            src.prepareStatement(
                "SELECT " + ROW_COLUMNS + " FROM games WHERE rowid > ? ORDER BY rowid");
        MoveCounter moves = new MoveCounter(src, runs);
        PreparedStatement known = db.prepareStatement("SELECT 1 FROM all_games WHERE game_id = ?");
        PreparedStatement addPending =
            db.prepareStatement(
                "INSERT OR IGNORE INTO pending_games (source_id, game_id, first_seen_ms) VALUES (?, ?, ?)")) {
      ps.setLong(1, afterRowid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long rowid = rs.getLong(1);
          String gameId = rs.getString(2);
          s.scanRowid = rowid;
          s.scanGameId = gameId;
          known.setString(1, gameId);
          boolean isKnown;
          try (ResultSet k = known.executeQuery()) {
            isKnown = k.next();
          }
          if (isKnown) {
            s.anchorRowid = rowid;
            s.anchorGameId = gameId;
            continue;
          }
          Row row = Row.of(rs);
          GameRules.State state = classify(row, moves);
          if (state == GameRules.State.FINISHED) {
            add(s, row, moves.fingerprint(row));
            s.anchorRowid = rowid;
            s.anchorGameId = gameId;
            found++;
          } else if (state == GameRules.State.PENDING) {
            addPending.setLong(1, s.id);
            addPending.setString(2, gameId);
            addPending.setLong(3, now);
            addPending.executeUpdate();
          }
        }
      }
    }
    return found;
  }

  private long recheckPending(Connection src, Source s) throws SQLException {
    List<String> ids = new ArrayList<>();
    List<String> expired = new ArrayList<>();
    long cutoff = clock.millis() - pendingWindow.toMillis();
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT game_id, first_seen_ms FROM pending_games WHERE source_id = ?")) {
      ps.setLong(1, s.id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          (rs.getLong(2) < cutoff ? expired : ids).add(rs.getString(1));
        }
      }
    }
    long found = 0;
    try (PreparedStatement get =
            src.prepareStatement("SELECT " + ROW_COLUMNS + " FROM games WHERE game_id = ?");
        PreparedStatement known = db.prepareStatement("SELECT 1 FROM all_games WHERE game_id = ?");
        PreparedStatement del =
            db.prepareStatement("DELETE FROM pending_games WHERE source_id = ? AND game_id = ?");
        MoveCounter moves = new MoveCounter(src, null)) {
      for (String id : expired) {
        delete(del, s.id, id);
      }
      if (!expired.isEmpty()) {
        LOG.info(
            "{}: {} placeholder games unfinished for {}; no longer re-checked",
            s.path,
            expired.size(),
            pendingWindow);
      }
      for (String id : ids) {
        known.setString(1, id);
        try (ResultSet k = known.executeQuery()) {
          if (k.next()) {
            delete(del, s.id, id);
            continue;
          }
        }
        get.setString(1, id);
        Row row;
        try (ResultSet rs = get.executeQuery()) {
          if (!rs.next()) {
            delete(del, s.id, id);
            continue;
          }
          row = Row.of(rs);
        }
        GameRules.State state = classify(row, moves);
        if (state == GameRules.State.FINISHED) {
          add(s, row, moves.fingerprint(row));
          found++;
          delete(del, s.id, id);
        } else if (state == GameRules.State.REJECTED) {
          delete(del, s.id, id);
        }
      }
    }
    return found;
  }

  private static void delete(PreparedStatement del, long sourceId, String id) throws SQLException {
    del.setLong(1, sourceId);
    del.setString(2, id);
    del.executeUpdate();
  }

  private static GameRules.State classify(Row row, MoveCounter moves) throws SQLException {
    if (!GameRules.mayBeFinished(row.status, row.totalMoves)) {
      return GameRules.classify(row.status, row.totalMoves, 0);
    }
    return GameRules.classify(row.status, row.totalMoves, moves.count(row));
  }

  private void add(Source s, Row row, String fingerprint) throws SQLException {
    PreparedStatement ins =
        ps(
            "INSERT OR IGNORE INTO recent_games (game_id, source_id, board_type, num_players,"
                + " game_status, total_moves, quality_score, created_at, fingerprint)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.setString(1, row.gameId);
    ins.setLong(2, s.id);
    ins.setString(3, row.board);
    ins.setLong(4, row.players);
    ins.setString(5, row.status);
    ins.setLong(6, row.totalMoves == null ? 0 : row.totalMoves);
    ins.setObject(7, row.quality);
    ins.setString(8, row.createdAt);
    ins.setString(9, fingerprint);
    ins.executeUpdate();
    PreparedStatement del = ps("DELETE FROM pending_games WHERE game_id = ?");
    del.setString(1, row.gameId);
    del.executeUpdate();
  }

  /**
   * The database a game was indexed from.
   *
   * @param gameId the id
   * @return its source path, or empty if the game is not indexed
   * @throws SQLException on a database error
   */
  public Optional<Path> sourceOf(String gameId) throws SQLException {
    PreparedStatement ps =
        ps(
            "SELECT s.path FROM all_games g JOIN index_sources s ON s.source_id = g.source_id"
                + " WHERE g.game_id = ?");
    ps.setString(1, gameId);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(Path.of(rs.getString(1))) : Optional.empty();
    }
  }

  /**
   * Whether a game is indexed.
   *
   * @param gameId the id
   * @return true if this node has it
   * @throws SQLException on a database error
   */
  public boolean contains(String gameId) throws SQLException {
    return sourceOf(gameId).isPresent();
  }

  /**
   * Which of these games are indexed.
   *
   * @param gameIds the ids
   * @return the indexed ones
   * @throws SQLException on a database error
   */
  public java.util.Set<String> containsAny(java.util.Collection<String> gameIds)
      throws SQLException {
    return Sqlite.presentIds(db, "SELECT game_id FROM all_games WHERE game_id IN ", gameIds);
  }

  /**
   * The databases games were indexed from.
   *
   * @param gameIds the ids
   * @return the source path of each indexed id; ids not indexed are absent
   * @throws SQLException on a database error
   */
  public Map<String, Path> sourcesOf(java.util.Collection<String> gameIds) throws SQLException {
    Map<String, Path> out = new java.util.HashMap<>();
    List<String> all = new ArrayList<>(gameIds);
    for (int from = 0; from < all.size(); from += Sqlite.IDS_PER_QUERY) {
      List<String> part = all.subList(from, Math.min(all.size(), from + Sqlite.IDS_PER_QUERY));
      try (PreparedStatement ps =
          db.prepareStatement(
              "SELECT g.game_id, s.path FROM all_games g JOIN index_sources s"
                  + " ON s.source_id = g.source_id WHERE g.game_id IN "
                  + Sqlite.placeholders(part.size()))) {
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 1, part.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), Path.of(rs.getString(2)));
          }
        }
      }
    }
    return out;
  }

  /**
   * For each fingerprint, the earliest indexed game with it.
   *
   * @param fingerprints the fingerprints
   * @return the game id per fingerprint found; fingerprints no game has are absent
   * @throws SQLException on a database error
   */
  public Map<String, String> gamesWithFingerprints(java.util.Collection<String> fingerprints)
      throws SQLException {
    Map<String, String> out = new java.util.HashMap<>();
    List<String> all = new ArrayList<>(fingerprints);
    for (int from = 0; from < all.size(); from += Sqlite.IDS_PER_QUERY) {
      List<String> part = all.subList(from, Math.min(all.size(), from + Sqlite.IDS_PER_QUERY));
      try (PreparedStatement ps =
          db.prepareStatement(
              "SELECT fingerprint, game_id FROM all_games WHERE fingerprint IN "
                  + Sqlite.placeholders(part.size())
                  + " ORDER BY seq")) {
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 1, part.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.putIfAbsent(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return out;
  }

  /**
   * An indexed game with this content fingerprint.
   *
   * @param fingerprint the fingerprint
   * @return the id of one such game, or empty
   * @throws SQLException on a database error
   */
  public Optional<String> gameWithFingerprint(String fingerprint) throws SQLException {
    PreparedStatement ps =
        ps("SELECT game_id FROM all_games WHERE fingerprint = ? ORDER BY seq LIMIT 1");
    ps.setString(1, fingerprint);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  /**
   * The indexed games after a cursor.
   *
   * @param cursor the cursor
   * @param limit the page size
   * @param filter which games
   * @return the page
   * @throws SQLException on a database error
   */
  public GamePage after(GameCursor cursor, int limit, GameFilter filter) throws SQLException {
    long from = cursor.epoch().equals(epoch) ? cursor.sequence() : 0;
    if (!cursor.epoch().isEmpty() && !cursor.epoch().equals(epoch)) {
      LOG.info(
          "cursor {} is from another index (epoch {}); starting from the beginning", cursor, epoch);
    }
    StringBuilder sql =
        new StringBuilder(
            "SELECT seq, game_id, board_type, num_players, game_status, total_moves, quality_score,"
                + " created_at FROM all_games WHERE seq > ?");
    List<Object> args = new ArrayList<>();
    args.add(from);
    if (!filter.boards().isEmpty()) {
      sql.append(" AND board_type IN (").append(marks(filter.boards().size())).append(')');
      args.addAll(filter.boards());
    }
    if (!filter.players().isEmpty()) {
      sql.append(" AND num_players IN (").append(marks(filter.players().size())).append(')');
      args.addAll(filter.players());
    }
    if (filter.minQuality() != null) {
      sql.append(" AND quality_score >= ?");
      args.add(filter.minQuality());
    }
    sql.append(" ORDER BY seq LIMIT ?");
    args.add(limit + 1);
    long maxSeq;
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT MAX(COALESCE((SELECT MAX(seq) FROM indexed_games), 0),"
                    + " COALESCE((SELECT MAX(seq) FROM recent_games), 0))")) {
      rs.next();
      maxSeq = rs.getLong(1);
    }
    List<GameSummary> games = new ArrayList<>();
    long last = from;
    boolean more = false;
    try (PreparedStatement ps = db.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (games.size() == limit) {
            more = true;
            break;
          }
          last = rs.getLong(1);
          Optional<ConfigKey> config = config(rs.getString(3), rs.getLong(4));
          if (config.isEmpty()) {
            continue;
          }
          double q = rs.getDouble(7);
          Double quality = rs.wasNull() ? null : q;
          String created = rs.getString(8);
          games.add(
              new GameSummary(
                  rs.getString(2),
                  config.get(),
                  rs.getString(5),
                  rs.getLong(6),
                  quality,
                  created == null ? "" : created));
        }
      }
    }
    long next = more ? last : Math.max(last, maxSeq);
    return new GamePage(games, GameCursor.of(epoch, next), more);
  }

  /**
   * Finished games per configuration.
   *
   * @return the counts
   * @throws SQLException on a database error
   */
  public Map<ConfigKey, Long> counts() throws SQLException {
    Map<ConfigKey, Long> counts = new LinkedHashMap<>();
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT board_type, num_players, COUNT(*) FROM all_games"
                    + " GROUP BY board_type, num_players ORDER BY board_type, num_players")) {
      while (rs.next()) {
        config(rs.getString(1), rs.getLong(2))
            .ifPresent(
                k -> {
                  try {
                    counts.merge(k, rs.getLong(3), Long::sum);
                  } catch (SQLException e) {
                    throw new StorageException("cannot read counts from " + file, e);
                  }
                });
      }
    }
    return Collections.unmodifiableMap(counts);
  }

  /** Rows of an index table, for tests. */
  long rows(String table) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long pendingCount() {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM pending_games")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StorageException("cannot count placeholders in " + file, e);
    }
  }

  private static Optional<ConfigKey> config(@Nullable String board, long players) {
    try {
      return Optional.of(new ConfigKey(Objects.requireNonNull(board), (int) players));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String marks(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static @Nullable String gameAt(Connection src, long rowid) throws SQLException {
    try (PreparedStatement ps = src.prepareStatement("SELECT game_id FROM games WHERE rowid = ?")) {
      ps.setLong(1, rowid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String fileKey(Path p) {
    try {
      Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
      return key == null ? "none" : key.toString();
    } catch (IOException e) {
      throw new StorageException("cannot read the attributes of " + p + ": " + e, e);
    }
  }

  private static final class Source {
    long id;
    String path = "";
    String fileKey = "";
    long scanRowid;
    @Nullable String scanGameId;
    long anchorRowid;
    @Nullable String anchorGameId;
    long movesRowid;
    @Nullable String movesKey;
  }

  private @Nullable Source loadSource(Path path) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT source_id, file_key, scan_rowid, scan_game_id, anchor_rowid, anchor_game_id,"
                + " moves_rowid, moves_key FROM index_sources WHERE path = ?")) {
      ps.setString(1, path.toString());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Source s = new Source();
        s.id = rs.getLong(1);
        s.path = path.toString();
        s.fileKey = rs.getString(2);
        s.scanRowid = rs.getLong(3);
        s.scanGameId = rs.getString(4);
        s.anchorRowid = rs.getLong(5);
        s.anchorGameId = rs.getString(6);
        s.movesRowid = rs.getLong(7);
        s.movesKey = rs.getString(8);
        return s;
      }
    }
  }

  private Source insertSource(Path path, String fileKey) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("INSERT INTO index_sources (path, file_key) VALUES (?, ?)")) {
      ps.setString(1, path.toString());
      ps.setString(2, fileKey);
      ps.executeUpdate();
    }
    return Objects.requireNonNull(loadSource(path));
  }

  private void saveSource(Source s) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "UPDATE index_sources SET file_key = ?, scan_rowid = ?, scan_game_id = ?,"
                + " anchor_rowid = ?, anchor_game_id = ?, moves_rowid = ?, moves_key = ?"
                + " WHERE source_id = ?")) {
      ps.setString(1, s.fileKey);
      ps.setLong(2, s.scanRowid);
      ps.setString(3, s.scanGameId);
      ps.setLong(4, s.anchorRowid);
      ps.setString(5, s.anchorGameId);
      ps.setLong(6, s.movesRowid);
      ps.setString(7, s.movesKey);
      ps.setLong(8, s.id);
      ps.executeUpdate();
    }
  }

  /** The summary columns of a games row. */
  private static final class Row {
    String gameId = "";
    @Nullable String board;
    long players;
    @Nullable String status;
    @Nullable Long totalMoves;
    @Nullable Double quality;
    @Nullable String createdAt;

    static Row of(ResultSet rs) throws SQLException {
      Row r = new Row();
      r.gameId = rs.getString(2);
      r.board = rs.getString(3);
      r.players = rs.getLong(4);
      r.status = rs.getString(5);
      long t = rs.getLong(6);
      r.totalMoves = rs.wasNull() ? null : t;
      double q = rs.getDouble(7);
      r.quality = rs.wasNull() ? null : q;
      r.createdAt = rs.getString(8);
      return r;
    }
  }

  /**
   * Counts move rows and fingerprints moves in one source: from the hashed new move rows when they
   * hold the whole game (its moves numbered from 0 without a gap, as many as {@code total_moves}),
   * else by looking the game up.
   */
  private static final class MoveCounter implements AutoCloseable {
    private final PreparedStatement count;
    private final PreparedStatement moves;
    private final @Nullable Map<String, MoveRun> runs;

    MoveCounter(Connection src, @Nullable Map<String, MoveRun> runs) throws SQLException {
      this.runs = runs;
      count = src.prepareStatement("SELECT COUNT(*) FROM game_moves WHERE game_id = ?");
      moves =
          src.prepareStatement(
              "SELECT move_json FROM game_moves WHERE game_id = ? ORDER BY move_number");
    }

    private @Nullable MoveRun whole(Row row) {
      MoveRun run = runs == null ? null : runs.get(row.gameId);
      return run != null
              && run.clean
              && row.totalMoves != null
              && run.moves.count() == row.totalMoves
          ? run
          : null;
    }

    long count(Row row) throws SQLException {
      MoveRun run = whole(row);
      if (run != null) {
        return run.moves.count();
      }
      count.setString(1, row.gameId);
      try (ResultSet rs = count.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }

    String fingerprint(Row row) throws SQLException {
      String board = row.board == null ? "" : row.board;
      MoveRun run = whole(row);
      if (run != null) {
        return run.moves.finish(board, row.players);
      }
      Fingerprint.Moves fp = new Fingerprint.Moves();
      moves.setString(1, row.gameId);
      try (ResultSet rs = moves.executeQuery()) {
        while (rs.next()) {
          fp.add(rs.getObject(1));
        }
      }
      return fp.finish(board, row.players);
    }

    @Override
    public void close() throws SQLException {
      count.close();
      moves.close();
    }
  }

  @Override
  public void close() {
    try {
      for (PreparedStatement p : statements.values()) {
        p.close();
      }
      db.close();
    } catch (SQLException e) {
      LOG.debug("closing {}: {}", file, e.toString());
    }
  }
}
