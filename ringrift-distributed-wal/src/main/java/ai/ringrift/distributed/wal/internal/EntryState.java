package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.WalEntry;
import ai.ringrift.distributed.wal.WalEntryStatus;
import ai.ringrift.distributed.wal.WalEntryType;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * What the WAL knows about one entry.
 *
 * <p>Guarded by the WAL mutex: {@link #status}, {@link #resolvedAt}, the futures. Owned by the
 * writer thread (written and read only there, or by recovery before it starts): {@link #home},
 * {@link #homeBytes}, {@link #resolutionWritten}. {@link #payload} is volatile: set when the entry
 * is created, cleared by the writer once the resolution is on disk (only pending entries are ever
 * read by callers, and they always have it).
 */
final class EntryState {
  final long id;
  final WalEntryType type;
  final long createdAt;
  final @Nullable String key;
  volatile byte @Nullable [] payload;

  WalEntryStatus status;
  long resolvedAt;
  @Nullable CompletableFuture<Long> appendDone;
  @Nullable CompletableFuture<Void> resolutionDone;

  /**
   * Segment number holding the newest copy of this entry's ENTRY or RESOLVED record; -1 if none.
   */
  long home = -1;

  /** Size of that copy, in bytes. */
  int homeBytes;

  /** Whether the COMMIT/ROLLBACK (or a RESOLVED copy) has been written to a segment. */
  boolean resolutionWritten;

  EntryState(
      long id,
      WalEntryType type,
      long createdAt,
      @Nullable String key,
      byte @Nullable [] payload,
      WalEntryStatus status,
      long resolvedAt) {
    this.id = id;
    this.type = type;
    this.createdAt = createdAt;
    this.key = key;
    this.payload = payload;
    this.status = status;
    this.resolvedAt = resolvedAt;
  }

  WalEntry toEntry() {
    byte[] p = payload;
    return new WalEntry(
        id, type, p == null ? new byte[0] : p, Instant.ofEpochMilli(createdAt), key);
  }
}
