package ai.ringrift.distributed.storage.games;

import ai.ringrift.distributed.storage.StorageException;
import ai.ringrift.distributed.storage.internal.DefaultGameStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The games of one node: the schema-v18 SQLite databases under its games directory (what selfplay
 * writes), a per-node index over them with a forward-only {@link GameCursor}, and the databases the
 * library owns, where pulled games land.
 *
 * <p><b>What is read.</b> Every {@code *.db} file under the games directory (recursively) that is a
 * schema-v18 game database; other files are skipped and reported in {@link IndexStats#refused()}
 * (another schema version is named with its version). Only finished games are read (see the package
 * comment); placeholders and games with fewer than 5 moves never are.
 *
 * <p><b>Where pulled games land.</b> {@link #importGames} writes into {@code <synced
 * dir>/synced_<board>_<n>p.db} (default synced dir {@code <games dir>/ringrift-synced}), one
 * database per configuration, created with the exact v18 schema, written only by this store (a lock
 * file in the synced dir keeps a second store, in this or another process, out). It never writes
 * into a database another process writes.
 *
 * <p><b>Cursor guarantee.</b> {@link #idsAfter} returns every finished game on this node exactly
 * once across successive pages, in the order this node first indexed it, whatever happens to the
 * files meanwhile: appends, VACUUM (renumbered rowids), deleted placeholders, new database files,
 * re-opening the store, and clocks that disagree (timestamps play no part). A game is indexed once
 * even if several databases hold it. Finding new games costs time proportional to the new rows, not
 * to the database (see {@code docs/STORAGE.md}).
 *
 * <p><b>Threads.</b> All work runs on the store's executor (its own single thread unless one is
 * injected), one operation at a time; futures complete on that executor. Operational failures fail
 * the future with {@link StorageException}; after {@link #close()} every operation fails that way.
 * SQLite readers use a 30 s busy timeout and retry "database is locked" with backoff, so a selfplay
 * writer is never blocked for long.
 */
public interface GameStore extends AutoCloseable {

  /**
   * Opens a store with the defaults on a games directory.
   *
   * @param gamesDir the directory holding the game databases (e.g. {@code data/games})
   * @return the store
   */
  static GameStore open(Path gamesDir) {
    return builder(gamesDir).build();
  }

  /**
   * A builder for a store on a games directory.
   *
   * @param gamesDir the directory holding the game databases
   * @return the builder
   */
  static Builder builder(Path gamesDir) {
    return new Builder(gamesDir);
  }

  /** The games directory. @return its absolute path */
  Path gamesDirectory();

  /** Where imported games are written. @return the synced directory */
  Path syncedDirectory();

  /**
   * The game databases under the games directory (the library's own included, the index excluded).
   *
   * @return the paths, sorted
   */
  CompletableFuture<List<Path>> databases();

  /**
   * Scans the databases for new finished games and indexes them. The other queries do this first,
   * so calling it is needed only to learn the statistics.
   *
   * @return what the refresh found
   */
  CompletableFuture<IndexStats> refresh();

  /**
   * The finished games per configuration (after a refresh).
   *
   * @return counts keyed by configuration, e.g. {@code hex8_2p}
   */
  CompletableFuture<Map<ConfigKey, Long>> countsByConfig();

  /**
   * The finished games indexed after {@code cursor} that match {@code filter} (after a refresh).
   * Pass the returned {@link GamePage#next()} next time, with the same filter: the cursor moves
   * past games the filter skipped.
   *
   * @param cursor where the previous page ended, or {@link GameCursor#start()}
   * @param limit the maximum number of games, 1 to 100 000
   * @param filter which games
   * @return the page
   */
  CompletableFuture<GamePage> idsAfter(GameCursor cursor, int limit, GameFilter filter);

  /**
   * Reads finished games with all their rows, in chunks of 256 ids: each chunk is read from each
   * source database in one read transaction (a few queries per chunk, not per game), then its games
   * are handed to {@code sink} in the requested order (on the store's executor) before the next
   * chunk is read, so memory holds at most one chunk. Ids this node does not have as a finished
   * game are reported as missing. If {@code sink} throws, reading stops and the future fails with
   * that exception.
   *
   * @param gameIds the ids, read in this order (duplicates once)
   * @param sink receives each game
   * @return how many games were delivered and which ids were missing
   */
  CompletableFuture<ReadResult> readGames(
      Collection<String> gameIds, Consumer<? super GameRecord> sink);

  /**
   * Writes games into the library's databases, one per configuration, one transaction per batch
   * ({@link Builder#batchSize}), each game in the order the v18 triggers demand. A batch is first
   * written without savepoints; if the database refuses a row, the batch is rolled back and written
   * again game by game behind savepoints, so the refused games are reported in {@link
   * ImportReport#rejected()} and all others are imported. A batch's commit is durable ({@code
   * synchronous=FULL}) before the next batch starts and before the future completes. A game is
   * skipped if this node already has its id (any database under the games directory, or an earlier
   * game of the same call), or if it is not finished; a game with the same content as a known one
   * under another id is imported and reported. {@code games} is iterated on the store's executor,
   * so it may be a lazy stream of decoded games. The imported games are indexed before the future
   * completes.
   *
   * @param games the games
   * @return the report
   */
  CompletableFuture<ImportReport> importGames(Iterable<GameRecord> games);

  /**
   * Closes the store: waits for the running operation, then closes the index and the library
   * databases, releases the lock and stops the store's own executor (never an injected one).
   * Idempotent.
   *
   * @return completes when closed
   */
  CompletableFuture<Void> closeAsync();

  /** Closes the store and waits for it; see {@link #closeAsync()}. Idempotent. */
  @Override
  void close();

  /**
   * The result of {@link #readGames}.
   *
   * @param delivered how many games were handed to the sink
   * @param missing the ids that were not (absent, not finished, or their database gone)
   */
  record ReadResult(long delivered, List<String> missing) {
    /** Copies the list. */
    public ReadResult {
      missing = List.copyOf(missing);
    }
  }

  /** Builds a {@link GameStore}. Every setter validates its argument and replaces the value. */
  final class Builder {
    private final Path gamesDir;
    private @Nullable Path syncedDir;
    private @Nullable Path indexFile;
    private @Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private int batchSize = 1000;
    private Duration pendingWindow = Duration.ofHours(24);
    private @Nullable Boolean rollbackJournal;
    private @Nullable String mountTable;

    private Builder(Path gamesDir) {
      this.gamesDir = Objects.requireNonNull(gamesDir, "gamesDir").toAbsolutePath().normalize();
    }

    /**
     * Where imported games are written (default {@code <games dir>/ringrift-synced}).
     *
     * @param dir the directory
     * @return this builder
     */
    public Builder syncedDirectory(Path dir) {
      this.syncedDir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
      return this;
    }

    /**
     * The index file (default {@code <games dir>/.ringrift/game-index.sqlite}). On a games
     * directory shared by several nodes (NFS), give each node its own.
     *
     * @param file the file
     * @return this builder
     */
    public Builder indexFile(Path file) {
      this.indexFile = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
      return this;
    }

    /**
     * The executor all work runs on (default: a single thread the store owns). The store never
     * shuts down an injected executor; it serializes its own operations on it.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The clock that ages placeholders (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Games per import transaction (default 1000): the input is taken in chunks of this many games,
     * checked with a few lookups per chunk and written as one transaction per configuration. Larger
     * chunks mean fewer commits but more games held in memory and more to redo when a batch holds a
     * game the database refuses.
     *
     * @param size 1 to 100 000
     * @return this builder
     */
    public Builder batchSize(int size) {
      if (size < 1 || size > 100_000) {
        throw new IllegalArgumentException("batchSize must be 1..100000, got " + size);
      }
      this.batchSize = size;
      return this;
    }

    /**
     * How long a placeholder game is re-checked for completion (default 24 h).
     *
     * @param window a positive duration
     * @return this builder
     */
    public Builder pendingWindow(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("pendingWindow must be positive, got " + window);
      }
      this.pendingWindow = window;
      return this;
    }

    /**
     * Forces the journal mode of the library's own databases: rollback journal ({@code true}) or
     * WAL ({@code false}). By default a rollback journal is used on network file systems (per the
     * mount table) and WAL elsewhere.
     *
     * @param rollback whether to use a rollback journal
     * @return this builder
     */
    public Builder rollbackJournal(boolean rollback) {
      this.rollbackJournal = rollback;
      return this;
    }

    /**
     * The mount table (in {@code /proc/self/mounts} format) used to tell network file systems
     * (default: read {@code /proc/self/mounts}).
     *
     * @param text the table
     * @return this builder
     */
    public Builder mountTable(String text) {
      this.mountTable = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * Opens the store. Files are opened lazily by the first operation, on the store's executor.
     *
     * @return the store
     */
    public GameStore build() {
      Path synced = syncedDir != null ? syncedDir : gamesDir.resolve("ringrift-synced");
      Path index = indexFile != null ? indexFile : gamesDir.resolve(".ringrift/game-index.sqlite");
      return new DefaultGameStore(
          gamesDir,
          synced,
          index,
          executor,
          clock,
          batchSize,
          pendingWindow,
          rollbackJournal,
          mountTable);
    }
  }
}
