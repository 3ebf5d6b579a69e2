package ai.ringrift.distributed.wal;

import ai.ringrift.distributed.wal.internal.SharedWal;
import ai.ringrift.distributed.wal.internal.UnifiedWalImpl;
import ai.ringrift.distributed.wal.internal.WalStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The unified write-ahead log: a file-segmented, append-only journal whose appends complete only
 * once durable, used to make multi-step operations (a sync, an export, a checkpoint) resumable
 * after a crash. The Java form of the seed README's {@code UnifiedWAL}.
 *
 * <pre>{@code
 * try (UnifiedWal wal = UnifiedWal.open(Path.of("data/wal"))) {
 *   long id = wal.appendJson(WalEntryType.SYNC_STARTED, Map.of("host", "gh200-1")).join();
 *   // ... do the sync ...
 *   wal.commit(id).join();            // or wal.rollback(id)
 * }
 * // after a crash, on the next start:
 * for (WalEntry e : wal.pendingEntries(WalEntryType.SYNC_STARTED)) { resumeOrUndo(e); }
 * }</pre>
 *
 * <p><b>Threads.</b> Every method is thread-safe and none blocks on I/O except {@link #open} (which
 * recovers the directory) and {@link #close()}. One writer thread per WAL writes and fsyncs;
 * futures are completed on the {@linkplain WalConfig#callbackExecutor() callback executor}, never
 * on the writer thread, so a slow callback cannot delay an fsync.
 *
 * <p><b>Failures.</b> Futures fail with a {@link WalException} subtype, never wrapped in {@code
 * CompletionException}: {@link WalFullException} (back-pressure), {@link WalClosedException}
 * (closed, or failed closed after an I/O error), {@code WalException} (unknown id, conflicting
 * resolution). Null or illegal arguments throw at once.
 *
 * <p><b>Cancellation.</b> The futures returned are copies: cancelling one only stops that caller
 * waiting; a record once accepted is written anyway (roll it back to undo it).
 */
public interface UnifiedWal extends AutoCloseable {
  /** Environment variable naming the directory of {@link #shared()}. */
  String ENV_WAL_DIR = "RINGRIFT_WAL_DIR";

  /** Directory of {@link #shared()} when {@link #ENV_WAL_DIR} is unset, relative to the cwd. */
  String DEFAULT_WAL_DIR = "data/wal/";

  /**
   * Opens (creating if needed) and recovers a WAL. Blocks for the recovery scan; see {@link
   * #recoveryReport()} for what it dropped.
   *
   * @param config the configuration
   * @return the open WAL
   * @throws WalCorruptionException if a record before the tail of the last segment is corrupt
   *     (unless {@link WalConfig#repairCorruption()})
   * @throws WalException if the directory is locked by another process or open WAL, or on I/O
   *     errors
   */
  static UnifiedWal open(WalConfig config) {
    return UnifiedWalImpl.open(config, WalStorage.real());
  }

  /**
   * Opens a WAL with the default configuration in {@code directory}.
   *
   * @param directory the WAL directory
   * @return the open WAL
   * @throws WalException as {@link #open(WalConfig)}
   */
  static UnifiedWal open(Path directory) {
    return open(WalConfig.builder(directory).build());
  }

  /**
   * The process-wide WAL at {@code $RINGRIFT_WAL_DIR} (default {@code data/wal/}), as the seed's
   * {@code get_unified_wal()}. Opened on first use; once closed, the next call opens it again.
   *
   * @return the shared WAL
   * @throws WalException as {@link #open(WalConfig)}
   */
  static UnifiedWal shared() {
    return SharedWal.get();
  }

  /**
   * Appends an entry. The future completes with the new entry's id once the record is durable (see
   * {@link WalConfig.Durability}).
   *
   * @param type the entry type
   * @param payload the payload (copied); at most a segment's size minus framing
   * @return the entry id
   * @throws IllegalArgumentException if the payload does not fit in a segment
   */
  default CompletableFuture<Long> append(WalEntryType type, byte[] payload) {
    return append(type, payload, null);
  }

  /**
   * Appends an entry with an idempotency key. If an entry with this key is still known (pending, or
   * resolved and not yet dropped), nothing is written and the future completes with that entry's id
   * once it is durable; keys are global across types.
   *
   * @param type the entry type
   * @param payload the payload (copied)
   * @param idempotencyKey the key, or {@code null} for none; at most 65,534 UTF-8 bytes
   * @return the entry id, new or existing
   * @throws IllegalArgumentException if the payload or key is too large
   */
  CompletableFuture<Long> append(
      WalEntryType type, byte[] payload, @Nullable String idempotencyKey);

  /**
   * Appends an entry whose payload is {@code value} serialized as JSON by Jackson.
   *
   * @param type the entry type
   * @param value a Jackson-serializable value (a {@code Map}, record, bean or {@code JsonNode})
   * @return the entry id
   * @throws IllegalArgumentException if {@code value} cannot be serialized
   */
  default CompletableFuture<Long> appendJson(WalEntryType type, Object value) {
    return appendJson(type, value, null);
  }

  /**
   * Appends a JSON entry with an idempotency key; see {@link #append(WalEntryType, byte[],
   * String)}.
   *
   * @param type the entry type
   * @param value a Jackson-serializable value
   * @param idempotencyKey the key, or {@code null}
   * @return the entry id, new or existing
   * @throws IllegalArgumentException if {@code value} cannot be serialized
   */
  CompletableFuture<Long> appendJson(
      WalEntryType type, Object value, @Nullable String idempotencyKey);

  /**
   * Marks an entry committed; completes once the commit record is durable. Committing an entry
   * already committed completes when that commit is durable.
   *
   * @param id the entry id
   * @return completes when durable; fails with {@link WalException} if the id is unknown (never
   *     appended, or dropped by cleanup) or the entry was rolled back
   */
  CompletableFuture<Void> commit(long id);

  /**
   * Marks an entry rolled back; completes once the record is durable. Symmetric to {@link
   * #commit(long)}.
   *
   * @param id the entry id
   * @return completes when durable; fails with {@link WalException} if the id is unknown or the
   *     entry was committed
   */
  CompletableFuture<Void> rollback(long id);

  /**
   * The pending entries (appended, neither committed nor rolled back), oldest first. In memory;
   * does not block. Includes appends accepted whose futures have not completed yet.
   *
   * @return a snapshot
   */
  List<WalEntry> pendingEntries();

  /**
   * The pending entries of one type, oldest first.
   *
   * @param type the type
   * @return a snapshot
   */
  List<WalEntry> pendingEntries(WalEntryType type);

  /**
   * Where an entry stands, if it is still known: pending, or resolved and not yet dropped by
   * cleanup or retention.
   *
   * @param id the entry id
   * @return its status, or empty
   */
  Optional<WalEntryStatus> status(long id);

  /**
   * Drops committed and rolled-back entries resolved at least {@code olderThan} ago, then deletes
   * segment files that no longer hold a live entry (carrying a few live ones forward). Pending
   * entries are never dropped.
   *
   * @param olderThan the age; zero drops every resolved entry
   * @return what was dropped, completed once durable
   */
  CompletableFuture<CleanupResult> cleanup(Duration olderThan);

  /**
   * Current counters; {@link WalStats#pendingEntries()} is the {@code wal_pending_entries} metric.
   *
   * @return a snapshot
   */
  WalStats stats();

  /**
   * What {@link #open} found: segments scanned, records read, bytes and records dropped.
   *
   * @return the report
   */
  RecoveryReport recoveryReport();

  /**
   * The configuration this WAL was opened with.
   *
   * @return the configuration
   */
  WalConfig config();

  /**
   * Closes the WAL: later calls fail with {@link WalClosedException}, operations already accepted
   * are written and fsynced, files and the directory lock are released, and an owned callback
   * executor is shut down. Idempotent.
   *
   * @return completes when closed
   */
  CompletableFuture<Void> closeAsync();

  /**
   * Closes and waits; see {@link #closeAsync()}.
   *
   * @throws WalException if the final flush failed
   */
  @Override
  void close();
}
