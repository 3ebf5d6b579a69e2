package ai.ringrift.distributed.storage.internal;

import ai.ringrift.distributed.storage.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * How the library opens SQLite files: a 30 s busy timeout (as the Python cluster), foreign keys on
 * for writers, a rollback journal ({@code DELETE}) for the library's own files on network file
 * systems (SQLite's WAL mode is unsafe there) and WAL elsewhere, and retries with exponential
 * backoff when a database stays locked past the busy timeout.
 */
public final class Sqlite {
  /** The busy timeout of every connection, as {@code SQLITE_BUSY_TIMEOUT_MS} in Python. */
  public static final Duration BUSY_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(Sqlite.class);

  /** The journal mode of a file the library writes. */
  public enum Journal {
    /** Write-ahead log: readers never block the writer. Local disks only. */
    WAL,
    /** Rollback journal: safe on network file systems. */
    DELETE;

    /**
     * The mode for a file at {@code path}: DELETE on a network file system, else WAL.
     *
     * @param path the database file
     * @param mounts the mount table
     * @return the journal mode
     */
    public static Journal forPath(Path path, MountTable mounts) {
      return mounts.isNetwork(path) ? DELETE : WAL;
    }
  }

  /** A database call that may fail with {@link SQLException}. */
  @FunctionalInterface
  public interface SqlCall<T> {
    /**
     * Runs the call.
     *
     * @return its result
     * @throws SQLException on a database error
     */
    T call() throws SQLException;
  }

  /** Sleeps between retries; tests replace it. */
  @FunctionalInterface
  public interface Sleeper {
    /**
     * Waits.
     *
     * @param d how long
     * @throws InterruptedException if interrupted
     */
    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * The retry policy for "database is locked": attempts, first delay, cap, jitter (Python: 5, 1 s,
   * 15 s, 30 %).
   *
   * @param attempts total attempts, at least 1
   * @param initialDelay the first delay
   * @param maxDelay the cap of a delay
   * @param sleeper how to wait
   */
  public record Retry(int attempts, Duration initialDelay, Duration maxDelay, Sleeper sleeper) {
    /** The Python cluster's policy. */
    public static final Retry DEFAULT =
        new Retry(
            5, Duration.ofSeconds(1), Duration.ofSeconds(15), d -> Thread.sleep(d.toMillis()));

    /** Checks the values. */
    public Retry {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
      }
    }
  }

  private Sqlite() {}

  /**
   * Opens a database read-only (another process's game DB).
   *
   * @param db the file
   * @return the connection, in auto-commit mode
   * @throws SQLException if it cannot be opened
   */
  public static Connection openReadOnly(Path db) throws SQLException {
    SQLiteConfig c = new SQLiteConfig();
    c.setReadOnly(true);
    c.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
    return c.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
  }

  /**
   * Opens (creating if needed) a database the library writes, with {@code synchronous=NORMAL} in
   * WAL mode: a commit survives a crash of the process but may be lost on a crash of the machine.
   * For files that can be rebuilt (the game index).
   *
   * @param db the file
   * @param journal the journal mode to set
   * @return the connection, in auto-commit mode, with foreign keys on
   * @throws SQLException if it cannot be opened
   */
  public static Connection openWritable(Path db, Journal journal) throws SQLException {
    return openWritable(db, journal, false);
  }

  /**
   * Opens (creating if needed) a database the library writes.
   *
   * @param db the file
   * @param journal the journal mode to set
   * @param durable {@code synchronous=FULL} in every journal mode, so that a commit survives a
   *     crash of the machine (the synced game databases: nothing else holds their games); else
   *     {@code NORMAL} in WAL mode
   * @return the connection, in auto-commit mode, with foreign keys on
   * @throws SQLException if it cannot be opened
   */
  public static Connection openWritable(Path db, Journal journal, boolean durable)
      throws SQLException {
    SQLiteConfig c = new SQLiteConfig();
    c.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
    c.enforceForeignKeys(true);
    c.setJournalMode(
        journal == Journal.WAL ? SQLiteConfig.JournalMode.WAL : SQLiteConfig.JournalMode.DELETE);
    // Savepoints (the import's retry path) keep their statement journal in memory.
    c.setTempStore(SQLiteConfig.TempStore.MEMORY);
    c.setCacheSize(-32_000);
    c.setSynchronous(
        journal == Journal.WAL && !durable
            ? SQLiteConfig.SynchronousMode.NORMAL
            : SQLiteConfig.SynchronousMode.FULL);
    return c.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
  }

  /** Ids per {@code IN (...)} query, well under SQLite's bound-parameter limit. */
  static final int IDS_PER_QUERY = 500;

  /**
   * Runs {@code selectIn} followed by an {@code (?, ?, ...)} list over the ids, in chunks, and
   * collects the first column of the result rows.
   *
   * @param c the connection
   * @param selectIn a query ending in {@code IN }, selecting the id first
   * @param ids the ids to look for
   * @return the ids found
   * @throws SQLException on a database error
   */
  public static java.util.Set<String> presentIds(
      Connection c, String selectIn, java.util.Collection<String> ids) throws SQLException {
    java.util.Set<String> found = new java.util.HashSet<>();
    java.util.List<String> all = new java.util.ArrayList<>(ids);
    for (int from = 0; from < all.size(); from += IDS_PER_QUERY) {
      java.util.List<String> part = all.subList(from, Math.min(all.size(), from + IDS_PER_QUERY));
      try (java.sql.PreparedStatement ps =
          c.prepareStatement(selectIn + placeholders(part.size()))) {
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 1, part.get(i));
        }
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(rs.getString(1));
          }
        }
      }
    }
    return found;
  }

  /**
   * {@code (?, ?, ...)} with {@code n} parameters.
   *
   * @param n how many, at least 1
   * @return the list
   */
  public static String placeholders(int n) {
    StringBuilder sb = new StringBuilder("(?");
    for (int i = 1; i < n; i++) {
      sb.append(", ?");
    }
    return sb.append(')').toString();
  }

  /**
   * Whether an error means the database is busy or locked (worth retrying).
   *
   * @param e the error
   * @return true for SQLITE_BUSY and SQLITE_LOCKED
   */
  public static boolean isBusy(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("database is locked")
          || m.contains("sqlite_busy")
          || m.contains("sqlite_locked")
          || m.contains("database table is locked")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code call}, retrying while the database is locked; other errors and the last busy error
   * become a {@link StorageException} naming {@code what} and the file.
   *
   * @param db the file the call works on, for messages
   * @param what what the call does, e.g. "scan new games"
   * @param retry the retry policy
   * @param call the call
   * @param <T> its result type
   * @return its result
   * @throws StorageException on failure
   */
  public static <T> T retrying(Path db, String what, Retry retry, SqlCall<T> call) {
    Duration delay = retry.initialDelay();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (SQLException e) {
        if (!isBusy(e) || attempt >= retry.attempts()) {
          String why = isBusy(e) ? " (still locked after " + attempt + " attempts)" : "";
          throw new StorageException(
              "cannot " + what + " in " + db + why + ": " + e.getMessage(), e);
        }
        long jitter = (long) (delay.toMillis() * 0.3 * ThreadLocalRandom.current().nextDouble());
        Duration wait = delay.plusMillis(jitter);
        LOG.debug(
            "{} is locked ({}); retry {} of {} in {}", db, what, attempt, retry.attempts(), wait);
        try {
          retry.sleeper().sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new StorageException("interrupted while waiting to " + what + " in " + db, ie);
        }
        delay = delay.multipliedBy(2);
        if (delay.compareTo(retry.maxDelay()) > 0) {
          delay = retry.maxDelay();
        }
      }
    }
  }
}
