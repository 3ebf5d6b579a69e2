package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.CleanupResult;
import ai.ringrift.distributed.wal.RecoveryReport;
import ai.ringrift.distributed.wal.UnifiedWal;
import ai.ringrift.distributed.wal.WalClosedException;
import ai.ringrift.distributed.wal.WalConfig;
import ai.ringrift.distributed.wal.WalEntry;
import ai.ringrift.distributed.wal.WalEntryStatus;
import ai.ringrift.distributed.wal.WalEntryType;
import ai.ringrift.distributed.wal.WalException;
import ai.ringrift.distributed.wal.WalFullException;
import ai.ringrift.distributed.wal.WalStats;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link UnifiedWal} implementation. Not API.
 *
 * <p>Lock order: {@code mutex} only (the writer takes it briefly; nothing else is locked while
 * holding it, and no callback runs under it). Appends, commits and rollbacks update the {@link
 * EntryTable} and enqueue their record under {@code mutex}, so the log order always matches the
 * in-memory order.
 */
public final class UnifiedWalImpl implements UnifiedWal {
  private static final Logger LOG = LoggerFactory.getLogger(UnifiedWalImpl.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final WalConfig config;
  private final Path dir;
  private final Closeable dirLock;
  private final Object mutex = new Object();
  private final EntryTable table;
  private final RecoveryReport report;
  private final GroupCommitter writer;
  private final Executor callbacks;
  private final @Nullable ExecutorService ownedCallbacks;
  private final long maxRecordBytes;
  private final AtomicLong appends = new AtomicLong();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  // Guarded by mutex.
  private boolean closing;
  private @Nullable WalClosedException failure;
  private boolean writerDone;

  private UnifiedWalImpl(WalConfig config, Closeable dirLock, Recovery.Result recovered) {
    this.config = config;
    this.dir = config.directory();
    this.dirLock = dirLock;
    this.table = recovered.table();
    this.report = recovered.report();
    this.maxRecordBytes = config.segmentSize() - Segment.HEADER_SIZE;
    if (config.callbackExecutor() != null) {
      this.callbacks = config.callbackExecutor();
      this.ownedCallbacks = null;
    } else {
      int n = THREADS.incrementAndGet();
      this.ownedCallbacks =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "ringrift-wal-callback-" + n);
                t.setDaemon(true);
                return t;
              });
      this.callbacks = ownedCallbacks;
    }
    this.writer = new GroupCommitter(this, mutex, table, recovered.segments());
  }

  /**
   * Opens and recovers a WAL on the given storage (tests pass a fault-injecting one).
   *
   * @param config the configuration
   * @param storage the file layer
   * @return the open WAL
   */
  public static UnifiedWalImpl open(WalConfig config, WalStorage storage) {
    Objects.requireNonNull(config, "config");
    Path dir = config.directory();
    Closeable lock = null;
    try {
      storage.createDirectories(dir);
      lock = storage.lock(dir);
      Recovery.Result r =
          Recovery.run(storage, dir, config.repairCorruption(), config.segmentSize());
      UnifiedWalImpl wal = new UnifiedWalImpl(config, lock, r);
      wal.start();
      LOG.info(
          "opened WAL {}: {} pending, {} segment(s), recovery {}",
          dir,
          r.table().pendingCount(),
          r.segments().count(),
          r.report().clean() ? "clean" : r.report().problems());
      return wal;
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        try {
          lock.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof WalException) {
        throw (WalException) e;
      }
      throw new WalException("cannot open WAL in " + dir + ": " + e, e);
    }
  }

  private void start() {
    Thread t = new Thread(writer, "ringrift-wal-writer-" + dir.getFileName());
    t.setDaemon(true);
    t.start();
  }

  @Override
  public WalConfig config() {
    return config;
  }

  @Override
  public CompletableFuture<Long> append(
      WalEntryType type, byte[] payload, @Nullable String idempotencyKey) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    int keyBytes =
        idempotencyKey == null ? 0 : idempotencyKey.getBytes(StandardCharsets.UTF_8).length;
    if (keyBytes > RecordCodec.maxKeyBytes()) {
      throw new IllegalArgumentException(
          "idempotency key is "
              + keyBytes
              + " UTF-8 bytes; the limit is "
              + RecordCodec.maxKeyBytes());
    }
    long size = (long) payload.length + keyBytes + 256 + RecordCodec.FRAME_OVERHEAD;
    if (size > maxRecordBytes) {
      throw new IllegalArgumentException(
          "payload of "
              + payload.length
              + " bytes does not fit in a segment of "
              + config.segmentSize()
              + " bytes (limit about "
              + (maxRecordBytes - 256 - RecordCodec.FRAME_OVERHEAD - keyBytes)
              + ")");
    }
    long now = config.clock().millis();
    byte[] copy = payload.clone();
    synchronized (mutex) {
      WalException refused = refusal();
      if (refused != null) {
        return CompletableFuture.failedFuture(refused);
      }
      if (idempotencyKey != null) {
        EntryState existing = table.byKey.get(idempotencyKey);
        if (existing != null) {
          return existing.appendDone == null
              ? CompletableFuture.completedFuture(existing.id)
              : existing.appendDone.copy();
        }
      }
      if (table.pendingCount() >= config.maxPending()) {
        return CompletableFuture.failedFuture(
            new WalFullException(config.maxPending(), dir.toString()));
      }
      long id = table.nextId;
      EntryState s = new EntryState(id, type, now, idempotencyKey, copy, WalEntryStatus.PENDING, 0);
      CompletableFuture<Long> done = new CompletableFuture<>();
      s.appendDone = done;
      table.put(s);
      writer.enqueue(new GroupCommitter.WriteOp(s, done, null));
      appends.incrementAndGet();
      return done.copy();
    }
  }

  @Override
  public CompletableFuture<Long> appendJson(
      WalEntryType type, Object value, @Nullable String idempotencyKey) {
    Objects.requireNonNull(value, "value");
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot serialize " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
    }
    return append(type, bytes, idempotencyKey);
  }

  @Override
  public CompletableFuture<Void> commit(long id) {
    return resolve(id, WalEntryStatus.COMMITTED);
  }

  @Override
  public CompletableFuture<Void> rollback(long id) {
    return resolve(id, WalEntryStatus.ROLLED_BACK);
  }

  private CompletableFuture<Void> resolve(long id, WalEntryStatus to) {
    long now = config.clock().millis();
    synchronized (mutex) {
      WalException refused = refusal();
      if (refused != null) {
        return CompletableFuture.failedFuture(refused);
      }
      EntryState s = table.get(id);
      if (s == null) {
        return CompletableFuture.failedFuture(
            new WalException(
                "no WAL entry with id "
                    + id
                    + " in "
                    + dir
                    + " (never appended, or dropped by cleanup)"));
      }
      if (s.status == to) {
        return s.resolutionDone == null
            ? CompletableFuture.completedFuture(null)
            : s.resolutionDone.copy();
      }
      if (s.status != WalEntryStatus.PENDING) {
        return CompletableFuture.failedFuture(
            new WalException(
                "WAL entry "
                    + id
                    + " in "
                    + dir
                    + " is already "
                    + s.status
                    + "; cannot "
                    + verb(to)));
      }
      table.resolve(s, to, now);
      CompletableFuture<Void> done = new CompletableFuture<>();
      s.resolutionDone = done;
      writer.enqueue(new GroupCommitter.WriteOp(s, null, done));
      return done.copy();
    }
  }

  private static String verb(WalEntryStatus to) {
    return to == WalEntryStatus.COMMITTED ? "commit it" : "roll it back";
  }

  /** Why an operation is refused now, or null. Caller holds mutex. */
  private @Nullable WalException refusal() {
    if (failure != null) {
      return failure;
    }
    if (closing) {
      return new WalClosedException("WAL " + dir + " is closed", null);
    }
    return null;
  }

  @Override
  public List<WalEntry> pendingEntries() {
    synchronized (mutex) {
      List<WalEntry> out = new ArrayList<>(table.pending.size());
      for (EntryState s : table.pending.values()) {
        out.add(s.toEntry());
      }
      return out;
    }
  }

  @Override
  public List<WalEntry> pendingEntries(WalEntryType type) {
    Objects.requireNonNull(type, "type");
    synchronized (mutex) {
      List<WalEntry> out = new ArrayList<>();
      for (EntryState s : table.pending.values()) {
        if (s.type.equals(type)) {
          out.add(s.toEntry());
        }
      }
      return out;
    }
  }

  @Override
  public Optional<WalEntryStatus> status(long id) {
    synchronized (mutex) {
      EntryState s = table.get(id);
      return s == null ? Optional.empty() : Optional.of(s.status);
    }
  }

  @Override
  public CompletableFuture<CleanupResult> cleanup(Duration olderThan) {
    Objects.requireNonNull(olderThan, "olderThan");
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan must not be negative: " + olderThan);
    }
    long cutoff = config.clock().millis() - olderThan.toMillis();
    synchronized (mutex) {
      WalException refused = refusal();
      if (refused != null) {
        return CompletableFuture.failedFuture(refused);
      }
      CompletableFuture<CleanupResult> done = new CompletableFuture<>();
      writer.enqueue(new GroupCommitter.CleanupOp(cutoff, done));
      return done.copy();
    }
  }

  @Override
  public WalStats stats() {
    synchronized (mutex) {
      return new WalStats(
          table.pendingCount(),
          table.resolvedCount(),
          writer.segmentCount(),
          writer.bytes(),
          appends.get(),
          writer.fsyncs());
    }
  }

  @Override
  public RecoveryReport recoveryReport() {
    return report;
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    boolean finishNow = false;
    synchronized (mutex) {
      if (!closing) {
        closing = true;
        if (writerDone) {
          finishNow = true;
        } else {
          writer.enqueue(new GroupCommitter.CloseOp());
        }
      }
    }
    if (finishNow) {
      writerFinished(null); // the failure was reported to the operations it failed
    }
    return closed.copy();
  }

  @Override
  public void close() {
    try {
      closeAsync().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalException("interrupted while closing WAL " + dir, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof WalException
          ? (WalException) c
          : new WalException("closing WAL " + dir, c);
    }
  }

  /** Called by the writer thread when it stops (null: clean close), or by close after a failure. */
  void writerFinished(@Nullable WalClosedException error) {
    boolean release;
    synchronized (mutex) {
      writerDone = true;
      release = closing;
    }
    if (!release) {
      return; // failed closed: keep the lock until the caller closes
    }
    try {
      dirLock.close();
    } catch (IOException e) {
      LOG.warn("cannot release the lock of WAL {}", dir, e);
    }
    if (error == null) {
      callback(() -> closed.complete(null));
    } else {
      callback(() -> closed.completeExceptionally(error)); // the final flush failed
    }
    if (ownedCallbacks != null) {
      ownedCallbacks.shutdown();
    }
    if (error != null) {
      LOG.info("closed WAL {} after failure: {}", dir, error.getMessage());
    } else {
      LOG.info("closed WAL {}", dir);
    }
  }

  /** Called by the writer when an I/O error fails the WAL closed. */
  void markFailed(WalClosedException ex) {
    synchronized (mutex) {
      if (failure == null) {
        failure = ex;
      }
    }
  }

  /** Whether close was requested (the shared holder then opens a new instance). */
  boolean isClosing() {
    synchronized (mutex) {
      return closing;
    }
  }

  void segmentRolled(Path path) {
    LOG.debug("WAL {} rolled to {}", dir, path.getFileName());
  }

  /** Runs completions on the callback executor (inline if it refuses). */
  void callback(Runnable r) {
    try {
      callbacks.execute(r);
    } catch (RejectedExecutionException e) {
      r.run();
    }
  }

  /** Unwraps {@link CompletionException} for tests and views. */
  static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  @Override
  public String toString() {
    return "UnifiedWal{" + dir + "}";
  }
}
