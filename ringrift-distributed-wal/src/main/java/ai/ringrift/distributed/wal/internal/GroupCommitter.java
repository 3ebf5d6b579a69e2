package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.CleanupResult;
import ai.ringrift.distributed.wal.WalClosedException;
import ai.ringrift.distributed.wal.WalConfig;
import ai.ringrift.distributed.wal.WalEntryStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL's only writing and fsyncing thread. Callers enqueue encoded records (under the WAL mutex,
 * so queue order is the order of the in-memory state); this thread takes everything queued, writes
 * it with as few writes as possible, fsyncs once, and hands the completions of the whole batch to
 * the callback executor (never completing a caller's future itself). Between batches it drops
 * expired resolved entries and deletes old segments, carrying their few live entries forward.
 *
 * <p>Any I/O error fails the WAL closed: every queued and later operation fails with {@link
 * WalClosedException}; nothing is retried, so nothing is acknowledged that might not be on disk.
 */
final class GroupCommitter implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
  private static final int MAX_BATCH = 8192;
  private static final int FORGET_CHUNK = 100_000;

  /** Something for the writer to do. */
  abstract static class Op {}

  /**
   * Write one record, then complete the append or resolution. The record is encoded here, on the
   * writer thread, from fields of the entry that were set before the op was enqueued and never
   * change afterwards (the queue orders those writes before the writer's reads).
   */
  static final class WriteOp extends Op {
    final EntryState entry;
    final boolean isEntry;
    final CompletableFuture<Long> appendDone;
    final CompletableFuture<Void> resolutionDone;

    WriteOp(
        EntryState entry,
        @Nullable CompletableFuture<Long> appendDone,
        @Nullable CompletableFuture<Void> resolutionDone) {
      this.entry = entry;
      this.isEntry = appendDone != null;
      this.appendDone = appendDone == null ? new CompletableFuture<>() : appendDone;
      this.resolutionDone = resolutionDone == null ? new CompletableFuture<>() : resolutionDone;
    }

    byte[] encode() {
      EntryState e = entry;
      if (isEntry) {
        byte[] p = e.payload;
        if (p == null) {
          throw new IllegalStateException(
              "entry " + e.id + " lost its payload before it was written");
        }
        return RecordCodec.entry(e.id, e.createdAt, e.type, e.key, p);
      }
      return RecordCodec.resolution(e.id, e.status, e.resolvedAt);
    }
  }

  /** Drop resolved entries resolved at or before {@code cutoffMillis}, then delete segments. */
  static final class CleanupOp extends Op {
    final long cutoffMillis;
    final CompletableFuture<CleanupResult> done;

    CleanupOp(long cutoffMillis, CompletableFuture<CleanupResult> done) {
      this.cutoffMillis = cutoffMillis;
      this.done = done;
    }
  }

  /** Flush, fsync, close the files. */
  static final class CloseOp extends Op {}

  private final UnifiedWalImpl wal;
  private final Object mutex;
  private final EntryTable table;
  private final SegmentSet segments;
  private final WalConfig config;
  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
  private final AtomicLong fsyncs = new AtomicLong();
  private volatile long bytes;
  private volatile int segmentCount;
  private boolean rolled;

  /** The writer has taken a CloseOp: a failure from here on is the close's final flush. */
  private boolean closeSeen;

  /**
   * Ops written in the current batch and not yet handed over; replaced (not copied) on handover.
   */
  private List<WriteOp> written = new ArrayList<>();

  /** Index in the current batch before which every op is durable and handed over. */
  private int handedOver;

  GroupCommitter(UnifiedWalImpl wal, Object mutex, EntryTable table, SegmentSet segments) {
    this.wal = wal;
    this.mutex = mutex;
    this.table = table;
    this.segments = segments;
    this.config = wal.config();
    updateStats();
  }

  /** Enqueues an op; callers hold the WAL mutex so the queue order matches the state order. */
  void enqueue(Op op) {
    queue.add(op);
  }

  long fsyncs() {
    return fsyncs.get();
  }

  long bytes() {
    return bytes;
  }

  int segmentCount() {
    return segmentCount;
  }

  @Override
  public void run() {
    List<Op> batch = new ArrayList<>();
    try {
      maintain(Long.MIN_VALUE, null);
      while (true) {
        batch.clear();
        batch.add(take());
        queue.drainTo(batch, MAX_BATCH);
        rolled = false;
        handedOver = 0;
        boolean close = false;
        for (int i = 0, n = batch.size(); i < n; i++) {
          Op op = batch.get(i);
          if (op instanceof WriteOp) {
            WriteOp w = (WriteOp) op;
            byte[] frame = w.encode();
            long seg = write(frame);
            if (w.isEntry) {
              w.entry.home = seg;
              w.entry.homeBytes = frame.length;
            } else {
              w.entry.resolutionWritten = true;
              w.entry.payload = null;
            }
            written.add(w);
          } else if (op instanceof CleanupOp) {
            // In queue order: a cleanup sees exactly the resolutions enqueued before it.
            finishWrites(false, i);
            CleanupOp c = (CleanupOp) op;
            long retentionCutoff = config.clock().millis() - config.resolvedRetention().toMillis();
            maintain(Math.max(c.cutoffMillis, retentionCutoff), c);
          } else {
            close = true;
            closeSeen = true;
          }
        }
        finishWrites(close, batch.size());
        if (rolled) {
          maintain(config.clock().millis() - config.resolvedRetention().toMillis(), null);
        }
        updateStats();
        if (close) {
          force(segments.active());
          segments.closeAll();
          wal.writerFinished(null);
          return;
        }
        prepareNextSegment();
      }
    } catch (IOException | RuntimeException | Error e) {
      failClosed(e, batch.subList(Math.min(handedOver, batch.size()), batch.size()));
    }
  }

  /**
   * Preallocates the next segment a step at a time once the active one is half full, so a roll
   * finds it ready and does not stall appends for the whole zero fill.
   */
  private void prepareNextSegment() throws IOException {
    if (!segments.spareReady() && segments.active().end >= config.segmentSize() / 2) {
      segments.prepareSpareStep();
    }
  }

  /**
   * Flushes, fsyncs (per durability), and hands the completions of {@link #written} over; the ops
   * of the batch before {@code upTo} are then done (a later failure must not fail them).
   */
  private void finishWrites(boolean close, int upTo) throws IOException {
    flush();
    if (!written.isEmpty() && (config.durability() == WalConfig.Durability.FSYNC || close)) {
      force(segments.active());
    }
    completeWrites();
    handedOver = upTo;
  }

  private Op take() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Only close() stops this thread, by a CloseOp; an interrupt alone is ignored.
        LOG.debug("WAL writer interrupted; waiting for a close request");
      }
    }
  }

  /** Buffers a frame for the active segment, rolling first if it would not fit. */
  private long write(byte[] frame) throws IOException {
    Segment active = segments.active();
    long used = active.end + out.position();
    if (used + frame.length > config.segmentSize() && used > Segment.HEADER_SIZE) {
      flush();
      force(active);
      long base;
      synchronized (mutex) {
        base = table.nextId;
      }
      active = segments.roll(base);
      rolled = true;
      wal.segmentRolled(active.path);
    }
    if (frame.length > out.remaining()) {
      flush();
    }
    if (frame.length > out.capacity()) {
      active.file.write(ByteBuffer.wrap(frame), active.end);
      active.end += frame.length;
    } else {
      out.put(frame);
    }
    return active.number;
  }

  private void flush() throws IOException {
    if (out.position() > 0) {
      out.flip();
      Segment active = segments.active();
      int n = out.remaining();
      active.file.write(out, active.end);
      active.end += n;
      out.clear();
    }
  }

  private void force(Segment s) throws IOException {
    s.file.force();
    fsyncs.incrementAndGet();
  }

  private void completeWrites() {
    if (written.isEmpty()) {
      return;
    }
    List<WriteOp> done = written;
    written = new ArrayList<>(Math.max(16, done.size()));
    wal.callback(
        () -> {
          for (WriteOp w : done) {
            if (w.isEntry) {
              w.appendDone.complete(w.entry.id);
            } else {
              w.resolutionDone.complete(null);
            }
          }
        });
  }

  /**
   * Drops resolved entries resolved at or before {@code cutoff} (their ids go into a FORGET
   * record), then deletes segments from the front while they hold no live entry or few enough to
   * carry forward (re-append into the active segment, same ids; fsync before the delete).
   */
  private void maintain(long cutoff, @Nullable CleanupOp request) throws IOException {
    long committed = 0;
    long rolledBack = 0;
    List<Long> forgotten = new ArrayList<>();
    synchronized (mutex) {
      if (cutoff != Long.MIN_VALUE) {
        List<EntryState> drop = new ArrayList<>();
        for (EntryState s : table.all.values()) {
          if (s.status != WalEntryStatus.PENDING && s.resolutionWritten && s.resolvedAt <= cutoff) {
            drop.add(s);
          }
        }
        for (EntryState s : drop) {
          table.forget(s);
          forgotten.add(s.id);
          if (s.status == WalEntryStatus.COMMITTED) {
            committed++;
          } else {
            rolledBack++;
          }
        }
      }
    }
    for (int i = 0; i < forgotten.size(); i += FORGET_CHUNK) {
      List<Long> part = forgotten.subList(i, Math.min(forgotten.size(), i + FORGET_CHUNK));
      write(RecordCodec.forget(part.stream().mapToLong(Long::longValue).toArray()));
    }
    int deleted = 0;
    long freed = 0;
    long firstNew = segments.active().number;
    boolean dirty = !forgotten.isEmpty();
    while (segments.count() > 1 && segments.oldest().number < firstNew) {
      Segment oldest = segments.oldest();
      List<byte[]> carry = new ArrayList<>();
      List<EntryState> carried = new ArrayList<>();
      synchronized (mutex) {
        long liveBytes = 0;
        for (EntryState s : table.all.values()) {
          if (s.home == oldest.number) {
            liveBytes += s.homeBytes;
            carried.add(s);
          }
        }
        if (liveBytes > config.segmentSize() / 4) {
          break;
        }
        for (EntryState s : carried) {
          byte[] p = s.payload;
          if (!s.resolutionWritten && p != null) {
            carry.add(RecordCodec.entry(s.id, s.createdAt, s.type, s.key, p));
          } else {
            carry.add(
                RecordCodec.resolved(
                    new RecordCodec.Resolved(
                        s.id, s.createdAt, s.status, s.resolvedAt, s.type, s.key)));
          }
        }
      }
      for (int i = 0; i < carry.size(); i++) {
        byte[] frame = carry.get(i);
        EntryState s = carried.get(i);
        s.home = write(frame);
        s.homeBytes = frame.length;
      }
      if (!carry.isEmpty() || dirty) {
        flush();
        force(segments.active());
        dirty = false;
      }
      freed += segments.deleteOldest();
      deleted++;
      if (!carry.isEmpty()) {
        LOG.debug("carried {} live entries forward out of {}", carry.size(), oldest.path);
      }
    }
    if (dirty) {
      flush();
      if (config.durability() == WalConfig.Durability.FSYNC) {
        force(segments.active());
      }
    }
    updateStats();
    if (request != null) {
      CleanupResult result = new CleanupResult(committed, rolledBack, deleted, freed);
      wal.callback(() -> request.done.complete(result));
    }
  }

  private void updateStats() {
    bytes = segments.totalBytes() + out.position();
    segmentCount = segments.count();
  }

  private void failClosed(Throwable cause, List<Op> batch) {
    WalClosedException ex =
        new WalClosedException(
            "WAL "
                + segments.dir()
                + " failed closed after an I/O error (nothing retried; reopen to recover what is"
                + " durable): "
                + cause,
            cause);
    LOG.error("WAL {} failed closed", segments.dir(), cause);
    List<Op> failed = new ArrayList<>(batch);
    // close() reports the failure only when it struck the close's own final flush (the writer had
    // taken the CloseOp). A close requested after the failure, still queued here, completes
    // normally, as it does when it arrives after the writer stopped: every operation the failure
    // touched was failed with it, and everything acknowledged before it is durable.
    boolean finalFlushFailed = closeSeen;
    wal.markFailed(ex);
    // After markFailed no caller can enqueue; drain what is left.
    queue.drainTo(failed);
    wal.callback(
        () -> {
          for (Op op : failed) {
            if (op instanceof WriteOp) {
              WriteOp w = (WriteOp) op;
              w.appendDone.completeExceptionally(ex);
              w.resolutionDone.completeExceptionally(ex);
            } else if (op instanceof CleanupOp) {
              ((CleanupOp) op).done.completeExceptionally(ex);
            }
          }
        });
    try {
      segments.closeAll();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing segments after failure", e);
    }
    wal.writerFinished(finalFlushFailed ? ex : null);
  }
}
