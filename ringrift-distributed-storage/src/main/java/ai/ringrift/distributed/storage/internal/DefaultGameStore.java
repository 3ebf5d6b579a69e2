package ai.ringrift.distributed.storage.internal;

import ai.ringrift.distributed.storage.AtomicFiles;
import ai.ringrift.distributed.storage.StorageException;
import ai.ringrift.distributed.storage.games.ConfigKey;
import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GamePage;
import ai.ringrift.distributed.storage.games.GameRecord;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.storage.games.ImportReport;
import ai.ringrift.distributed.storage.games.IndexStats;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link GameStore} implementation; see its contract. */
public final class DefaultGameStore implements GameStore {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultGameStore.class);

  /** Recently indexed games kept in the index's small tables before a merge. */
  static final int MERGE_THRESHOLD = 50_000;

  private static final java.util.regex.Pattern VALID_BOARD =
      java.util.regex.Pattern.compile("[a-z0-9]+");

  private final Path gamesDir;
  private final Path syncedDir;
  private final Path indexFile;
  private final Executor executor;
  private final @Nullable ExecutorService ownExecutor;
  private final Clock clock;
  private final int batchSize;
  private final Duration pendingWindow;
  private final Sqlite.Journal journal;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<ConfigKey, LibraryDb> libraryDbs = new HashMap<>();
  private volatile boolean closed;
  private boolean resourcesClosed;
  private @Nullable CompletableFuture<Void> closing;
  private @Nullable GameIndex index;
  private @Nullable FileChannel lockChannel;
  private @Nullable FileLock writeLock;

  /**
   * Creates the store; files open lazily.
   *
   * @param gamesDir the games directory
   * @param syncedDir where imports land
   * @param indexFile the index file
   * @param executor an injected executor, or null to own one
   * @param clock ages placeholders
   * @param batchSize games per import transaction
   * @param pendingWindow how long placeholders are re-checked
   * @param rollbackJournal forced journal choice, or null for automatic
   * @param mountTable the mount table text, or null to read the process's
   */
  public DefaultGameStore(
      Path gamesDir,
      Path syncedDir,
      Path indexFile,
      @Nullable Executor executor,
      Clock clock,
      int batchSize,
      Duration pendingWindow,
      @Nullable Boolean rollbackJournal,
      @Nullable String mountTable) {
    this.gamesDir = gamesDir;
    this.syncedDir = syncedDir;
    this.indexFile = indexFile;
    if (executor == null) {
      this.ownExecutor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "ringrift-game-store");
                t.setDaemon(true);
                return t;
              });
      this.executor = ownExecutor;
    } else {
      this.ownExecutor = null;
      this.executor = executor;
    }
    this.clock = clock;
    this.batchSize = batchSize;
    this.pendingWindow = pendingWindow;
    MountTable mounts = mountTable != null ? MountTable.parse(mountTable) : MountTable.current();
    this.journal =
        rollbackJournal != null
            ? (rollbackJournal ? Sqlite.Journal.DELETE : Sqlite.Journal.WAL)
            : Sqlite.Journal.forPath(syncedDir, mounts);
  }

  @Override
  public Path gamesDirectory() {
    return gamesDir;
  }

  @Override
  public Path syncedDirectory() {
    return syncedDir;
  }

  @Override
  public CompletableFuture<List<Path>> databases() {
    return submit(this::discover);
  }

  @Override
  public CompletableFuture<IndexStats> refresh() {
    return submit(this::refreshNow);
  }

  @Override
  public CompletableFuture<Map<ConfigKey, Long>> countsByConfig() {
    return submit(
        () -> {
          refreshNow();
          return index().counts();
        });
  }

  @Override
  public CompletableFuture<GamePage> idsAfter(GameCursor cursor, int limit, GameFilter filter) {
    Objects.requireNonNull(cursor, "cursor");
    Objects.requireNonNull(filter, "filter");
    if (limit < 1 || limit > 100_000) {
      throw new IllegalArgumentException("limit must be 1..100000, got " + limit);
    }
    return submit(
        () -> {
          refreshNow();
          return index().after(cursor, limit, filter);
        });
  }

  @Override
  public CompletableFuture<ReadResult> readGames(
      Collection<String> gameIds, Consumer<? super GameRecord> sink) {
    List<String> ids =
        new ArrayList<>(new LinkedHashSet<>(Objects.requireNonNull(gameIds, "gameIds")));
    Objects.requireNonNull(sink, "sink");
    return submit(() -> read(ids, sink));
  }

  @Override
  public CompletableFuture<ImportReport> importGames(Iterable<GameRecord> games) {
    Objects.requireNonNull(games, "games");
    return submit(() -> importNow(games));
  }

  /** Games read per source transaction by {@code readGames}. */
  static final int READ_CHUNK = 256;

  private ReadResult read(List<String> ids, Consumer<? super GameRecord> sink) throws SQLException {
    GameIndex idx = index();
    boolean refreshed = false;
    long delivered = 0;
    List<String> missing = new ArrayList<>();
    Map<Path, Connection> connections = new HashMap<>();
    Map<Path, SourceReader> readers = new HashMap<>();
    try {
      for (int from = 0; from < ids.size(); from += READ_CHUNK) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + READ_CHUNK));
        Map<String, Path> sources = idx.sourcesOf(chunk);
        if (sources.size() < chunk.size() && !refreshed) {
          refreshNow();
          refreshed = true;
          sources = idx.sourcesOf(chunk);
        }
        Map<Path, List<String>> bySource = new LinkedHashMap<>();
        for (String id : chunk) {
          Path p = sources.get(id);
          if (p != null) {
            bySource.computeIfAbsent(p, x -> new ArrayList<>()).add(id);
          }
        }
        Map<String, GameRecord> found = new HashMap<>();
        for (var e : bySource.entrySet()) {
          Path p = e.getKey();
          if (!Files.exists(p)) {
            continue;
          }
          SourceReader reader = readers.get(p);
          if (reader == null) {
            Connection c = Sqlite.openReadOnly(p);
            connections.put(p, c);
            SchemaV18.requireV18(c, p);
            reader = new SourceReader(c);
            readers.put(p, reader);
          }
          Connection c = connections.get(p);
          SourceReader r = reader;
          found.putAll(
              Sqlite.retrying(
                  p,
                  "read " + e.getValue().size() + " games",
                  Sqlite.Retry.DEFAULT,
                  () -> {
                    c.setAutoCommit(false);
                    try {
                      return r.readFinished(e.getValue());
                    } finally {
                      c.rollback();
                      c.setAutoCommit(true);
                    }
                  }));
        }
        for (String id : chunk) {
          GameRecord game = found.remove(id);
          if (game == null) {
            missing.add(id);
            continue;
          }
          sink.accept(game);
          delivered++;
        }
      }
    } finally {
      for (SourceReader r : readers.values()) {
        r.close();
      }
      for (Connection c : connections.values()) {
        c.close();
      }
    }
    return new ReadResult(delivered, missing);
  }

  private ImportReport importNow(Iterable<GameRecord> games) throws SQLException {
    acquireWriteLock();
    long t0 = System.nanoTime();
    refreshNow();
    long t1 = System.nanoTime();
    ImportRun run = new ImportRun(index());
    List<GameRecord> chunk = new ArrayList<>(Math.min(batchSize, 4096));
    try {
      for (GameRecord r : games) {
        chunk.add(r);
        if (chunk.size() >= batchSize) {
          run.importChunk(chunk);
          chunk.clear();
        }
      }
      run.importChunk(chunk);
    } catch (SQLException | RuntimeException e) {
      for (LibraryDb db : libraryDbs.values()) {
        db.rollbackQuietly();
      }
      throw e;
    }
    long t2 = System.nanoTime();
    if (run.imported > 0) {
      refreshNow();
    }
    LOG.debug(
        "imported {} games: refresh before {} ms, checks and writes {} ms, indexing {} ms",
        run.imported,
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (System.nanoTime() - t2) / 1_000_000);
    if (!run.same.isEmpty()) {
      LOG.warn(
          "{} imported games have the same content as another game under a different id",
          run.same.size());
    }
    return new ImportReport(
        run.imported, run.duplicates, run.unfinished, run.rejected, run.same, run.byConfig);
  }

  /** A game of a chunk waiting to be written. */
  private record Pending(GameRecord game, LibraryDb db) {}

  /** The state of one {@code importGames} call. */
  private final class ImportRun {
    private final GameIndex idx;
    long imported;
    long duplicates;
    long unfinished;
    final List<ImportReport.Rejected> rejected = new ArrayList<>();
    final List<ImportReport.SameContent> same = new ArrayList<>();
    final Map<ConfigKey, Long> byConfig = new LinkedHashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final Map<String, String> fingerprints = new HashMap<>();

    ImportRun(GameIndex idx) {
      this.idx = idx;
    }

    /**
     * Imports a chunk of input games as one transaction per configuration: the same checks in the
     * same order as game by game (seen or indexed id, unfinished, board type, id in the library
     * database, unknown columns), with the lookups done for the whole chunk at once; outcomes are
     * reported in input order.
     */
    void importChunk(List<GameRecord> chunk) throws SQLException {
      if (chunk.isEmpty()) {
        return;
      }
      List<String> ids = new ArrayList<>(chunk.size());
      for (GameRecord r : chunk) {
        ids.add(r.gameId());
      }
      Set<String> indexed = idx.containsAny(ids);
      Map<LibraryDb, List<String>> ask = new LinkedHashMap<>();
      for (GameRecord r : chunk) {
        if (!indexed.contains(r.gameId()) && r.isFinished() && validBoard(r.config())) {
          ask.computeIfAbsent(libraryDb(r.config()), d -> new ArrayList<>()).add(r.gameId());
        }
      }
      Set<String> inLibrary = new HashSet<>();
      for (var e : ask.entrySet()) {
        inLibrary.addAll(e.getKey().containsAny(e.getValue()));
      }
      List<Object> outcomes = new ArrayList<>(chunk.size());
      Map<LibraryDb, List<GameRecord>> pending = new LinkedHashMap<>();
      for (GameRecord r : chunk) {
        String id = r.gameId();
        if (seen.contains(id) || indexed.contains(id)) {
          duplicates++;
          continue;
        }
        if (!r.isFinished()) {
          unfinished++;
          continue;
        }
        ConfigKey k = r.config();
        if (!validBoard(k)) {
          outcomes.add(
              new ImportReport.Rejected(id, "board type '" + k.board() + "' is not [a-z0-9]+"));
          continue;
        }
        LibraryDb db = libraryDb(k);
        if (inLibrary.contains(id)) {
          duplicates++;
          continue;
        }
        String why = db.incompatibility(r);
        if (why != null) {
          outcomes.add(new ImportReport.Rejected(id, why));
          continue;
        }
        seen.add(id);
        pending.computeIfAbsent(db, d -> new ArrayList<>()).add(r);
        outcomes.add(new Pending(r, db));
      }
      Map<GameRecord, String> failed = new java.util.IdentityHashMap<>();
      for (var e : pending.entrySet()) {
        failed.putAll(e.getKey().writeAll(e.getValue()));
      }
      Set<String> unknown = new HashSet<>();
      for (Object o : outcomes) {
        if (o instanceof Pending p && !failed.containsKey(p.game())) {
          String fp = p.game().fingerprint();
          if (!fingerprints.containsKey(fp)) {
            unknown.add(fp);
          }
        }
      }
      Map<String, String> known = idx.gamesWithFingerprints(unknown);
      for (Object o : outcomes) {
        if (o instanceof ImportReport.Rejected rej) {
          rejected.add(rej);
          continue;
        }
        Pending p = (Pending) o;
        GameRecord r = p.game();
        String why = failed.get(r);
        if (why != null) {
          seen.remove(r.gameId());
          rejected.add(
              new ImportReport.Rejected(
                  r.gameId(), "cannot write into " + p.db().file() + ": " + why));
          continue;
        }
        String fp = r.fingerprint();
        String sameAs = fingerprints.get(fp);
        if (sameAs == null) {
          sameAs = known.get(fp);
        }
        fingerprints.putIfAbsent(fp, r.gameId());
        if (sameAs != null) {
          same.add(new ImportReport.SameContent(r.gameId(), sameAs, fp));
        }
        imported++;
        byConfig.merge(r.config(), 1L, Long::sum);
      }
    }
  }

  private static boolean validBoard(ConfigKey k) {
    return VALID_BOARD.matcher(k.board()).matches();
  }

  private LibraryDb libraryDb(ConfigKey k) {
    LibraryDb db = libraryDbs.get(k);
    if (db == null) {
      db = new LibraryDb(syncedDir.resolve("synced_" + k + ".db"), journal);
      libraryDbs.put(k, db);
    }
    return db;
  }

  private void acquireWriteLock() {
    if (writeLock != null) {
      return;
    }
    Path lockFile = syncedDir.resolve(".lock");
    try {
      Files.createDirectories(syncedDir);
      FileChannel ch =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        ch.close();
        throw new StorageException(
            "another game store (in this or another process) writes into "
                + syncedDir
                + " (lock "
                + lockFile
                + " is held)");
      }
      lockChannel = ch;
      writeLock = l;
    } catch (IOException e) {
      throw new StorageException("cannot lock " + lockFile + ": " + e, e);
    }
  }

  private IndexStats refreshNow() {
    IndexStats s = index().refresh(discover());
    if (s.fullRescans() > 0) {
      LOG.debug("game index refresh: {}", s);
    } else {
      LOG.trace("game index refresh: {}", s);
    }
    return s;
  }

  private GameIndex index() {
    GameIndex idx = index;
    if (idx == null) {
      idx =
          new GameIndex(
              indexFile, journal, clock, pendingWindow, Sqlite.Retry.DEFAULT, MERGE_THRESHOLD);
      index = idx;
    }
    return idx;
  }

  private List<Path> discover() {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(gamesDir)) {
      return found;
    }
    try {
      Files.walkFileTree(
          gamesDir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              boolean hidden =
                  !dir.equals(gamesDir) && dir.getFileName().toString().startsWith(".");
              return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              String name = file.getFileName().toString();
              if (attrs.isRegularFile()
                  && name.endsWith(".db")
                  && !name.startsWith(".")
                  && !AtomicFiles.isTempFile(file)
                  && !file.equals(indexFile)) {
                found.add(file.toAbsolutePath().normalize());
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              LOG.debug("cannot visit {}: {}", file, e.toString());
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new StorageException("cannot list game databases under " + gamesDir + ": " + e, e);
    }
    found.sort(null);
    return found;
  }

  /** A blocking step of an operation. */
  @FunctionalInterface
  private interface Step<T> {
    T run() throws Exception;
  }

  private <T> CompletableFuture<T> submit(Step<T> step) {
    CompletableFuture<T> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(new StorageException("the game store on " + gamesDir + " is closed"));
      return f;
    }
    try {
      executor.execute(
          () -> {
            lock.lock();
            try {
              if (resourcesClosed) {
                throw new StorageException("the game store on " + gamesDir + " is closed");
              }
              f.complete(step.run());
            } catch (Throwable t) {
              f.completeExceptionally(translate(t));
            } finally {
              lock.unlock();
            }
          });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(
          new StorageException("the game store on " + gamesDir + " is closed", e));
    }
    return f;
  }

  private Throwable translate(Throwable t) {
    Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (e instanceof SQLException) {
      return new StorageException("game store on " + gamesDir + ": " + e.getMessage(), e);
    }
    if (e instanceof IOException) {
      return new StorageException("game store on " + gamesDir + ": " + e, e);
    }
    return e;
  }

  @Override
  public synchronized CompletableFuture<Void> closeAsync() {
    if (closing != null) {
      return closing;
    }
    closed = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    closing = done;
    Runnable shut =
        () -> {
          lock.lock();
          try {
            closeResources();
            done.complete(null);
          } catch (Throwable t) {
            done.completeExceptionally(translate(t));
          } finally {
            lock.unlock();
          }
        };
    try {
      executor.execute(shut);
    } catch (RejectedExecutionException e) {
      shut.run();
    }
    if (ownExecutor != null) {
      ownExecutor.shutdown();
    }
    return done;
  }

  private void closeResources() throws IOException {
    resourcesClosed = true;
    for (LibraryDb db : libraryDbs.values()) {
      db.close();
    }
    libraryDbs.clear();
    GameIndex idx = index;
    if (idx != null) {
      idx.close();
      index = null;
    }
    if (writeLock != null) {
      writeLock.release();
      writeLock = null;
    }
    if (lockChannel != null) {
      lockChannel.close();
      lockChannel = null;
    }
  }

  @Override
  public void close() {
    try {
      closeAsync().join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new StorageException("closing the game store on " + gamesDir + " failed", c);
    }
  }
}
