package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.RecoveryReport;
import ai.ringrift.distributed.wal.WalCorruptionException;
import ai.ringrift.distributed.wal.WalEntryStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans a WAL directory on open: checks every segment header and record, stops at a zero record
 * length followed only by zeros (the preallocated tail: a clean end, in any segment), cuts a torn
 * or corrupt tail of the last segment by overwriting it with zeros (a corrupt record elsewhere is a
 * {@link WalCorruptionException} naming file and offset, unless in repair mode), and rebuilds the
 * {@link EntryTable} by applying the records in log order. Runs on the opening thread, before the
 * writer exists.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  private static final int READ_CHUNK = 1 << 20;
  private static final byte[] ZEROS = new byte[READ_CHUNK];

  /** What recovery produced. */
  record Result(SegmentSet segments, EntryTable table, RecoveryReport report) {}

  private final WalStorage storage;
  private final Path dir;
  private final boolean repair;
  private final long segmentSize;
  private final EntryTable table = new EntryTable();
  private final List<String> problems = new ArrayList<>();
  private long recordsRead;
  private long bytesRead;
  private long bytesDropped;
  private long recordsDropped;
  private long maxBaseId = 1;

  private Recovery(WalStorage storage, Path dir, boolean repair, long segmentSize) {
    this.storage = storage;
    this.dir = dir;
    this.repair = repair;
    this.segmentSize = segmentSize;
  }

  static Result run(WalStorage storage, Path dir, boolean repair, long segmentSize)
      throws IOException {
    return new Recovery(storage, dir, repair, segmentSize).scan();
  }

  private Result scan() throws IOException {
    long t0 = System.nanoTime();
    TreeMap<Long, Path> files = new TreeMap<>();
    for (Path p : storage.list(dir)) {
      long n = Segment.parseNumber(p.getFileName().toString());
      if (n > 0) {
        files.put(n, p);
      }
    }
    SegmentSet set = new SegmentSet(storage, dir, segmentSize);
    int scanned = 0;
    try {
      Long lastNumber = files.isEmpty() ? null : files.lastKey();
      for (var e : files.entrySet()) {
        boolean last = e.getKey().equals(lastNumber);
        WalFile file = storage.open(e.getValue());
        scanned++;
        Segment s = scanSegment(e.getKey(), e.getValue(), file, last);
        if (s == null) {
          file.close();
        } else {
          set.add(s);
        }
      }
      if (set.isEmpty()) {
        set.roll(Math.max(maxBaseId, table.nextId));
      }
    } catch (IOException | RuntimeException e) {
      set.closeAll();
      throw e;
    }
    table.nextId = Math.max(table.nextId, maxBaseId);
    RecoveryReport report =
        new RecoveryReport(
            scanned,
            recordsRead,
            bytesRead,
            bytesDropped,
            recordsDropped,
            table.pendingCount(),
            problems,
            Duration.ofNanos(System.nanoTime() - t0));
    if (!report.clean()) {
      LOG.warn("WAL {} recovered with data dropped: {}", dir, problems);
    }
    return new Result(set, table, report);
  }

  /** Scans one segment; returns it, or null if it was dropped (and deleted). */
  private Segment scanSegment(long number, Path path, WalFile file, boolean last)
      throws IOException {
    Segment.Header h = Segment.readHeader(file, number);
    if (h.problem() != null) {
      long size = file.size();
      if (!last && !repair) {
        throw new WalCorruptionException(path, 0, "bad segment header: " + h.problem());
      }
      problems.add("deleted segment " + path + " (" + size + " bytes): bad header: " + h.problem());
      bytesDropped += size;
      file.close();
      storage.delete(path);
      storage.syncDirectory(dir);
      return null;
    }
    maxBaseId = Math.max(maxBaseId, h.baseId());
    bytesRead += Segment.HEADER_SIZE;
    long size = file.size();
    Reader r = new Reader(file, size);
    long pos = Segment.HEADER_SIZE;
    while (pos < size) {
      String bad = null;
      int len = 0;
      boolean zeroLength = false;
      long zeroProbe = Math.min(4, size - pos);
      if (isZero(r, pos, zeroProbe)) {
        // A zero length: the preallocated zero tail (format 2), the clean end of the records, if
        // nothing but zeros follows. Anything non-zero after it is stale or torn data.
        long nonZeroEnd = nonZeroEnd(r, pos, size);
        if (nonZeroEnd == pos) {
          break;
        }
        zeroLength = true;
        bad = "zero record length followed by non-zero bytes up to offset " + nonZeroEnd;
      } else if (size - pos < RecordCodec.FRAME_OVERHEAD + 1) {
        bad = "torn record: only " + (size - pos) + " bytes left";
      } else {
        ByteBuffer b = r.ensure(pos, RecordCodec.FRAME_OVERHEAD);
        int at = r.index(pos);
        len = b.getInt(at);
        if (len < 9 || len > RecordCodec.MAX_LENGTH) {
          bad = "bad record length " + len;
        } else if (pos + RecordCodec.FRAME_OVERHEAD + len > size) {
          bad =
              "torn record: length "
                  + len
                  + " runs past the end of the file ("
                  + (size - pos - RecordCodec.FRAME_OVERHEAD)
                  + " bytes left)";
        } else {
          b = r.ensure(pos, RecordCodec.FRAME_OVERHEAD + len);
          at = r.index(pos);
          if (!RecordCodec.crcMatches(b, at, len)) {
            bad = "checksum mismatch";
          } else {
            try {
              apply(RecordCodec.decode(b, at + RecordCodec.FRAME_OVERHEAD, len), number, len);
            } catch (IllegalArgumentException ex) {
              bad = "undecodable record: " + ex.getMessage();
            }
          }
        }
      }
      if (bad != null) {
        if (!last && !repair) {
          throw new WalCorruptionException(path, pos, bad);
        }
        long dropped = nonZeroEnd(r, pos, size) - pos;
        long records = zeroLength ? 0 : 1 + countValidAfter(r, pos, len, size);
        problems.add(
            "truncated "
                + path
                + " at offset "
                + pos
                + ": "
                + bad
                + "; dropped "
                + dropped
                + " bytes, "
                + records
                + " record(s)");
        bytesDropped += dropped;
        recordsDropped += records;
        // Cut: everything from here to the physical end becomes zeros (fsynced before any new
        // record is written), so no stale record beyond the logical end can ever be read back.
        Segment.writeZeros(file, pos, size);
        file.force();
        break;
      }
      long frame = RecordCodec.FRAME_OVERHEAD + (long) len;
      pos += frame;
      bytesRead += frame;
      recordsRead++;
    }
    return new Segment(number, path, file, h.baseId(), pos);
  }

  /** Whether bytes {@code [pos, pos+n)} are all zero. */
  private static boolean isZero(Reader r, long pos, long n) throws IOException {
    ByteBuffer b = r.ensure(pos, (int) n);
    int at = r.index(pos);
    for (int i = 0; i < n; i++) {
      if (b.get(at + i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The offset after the last non-zero byte in {@code [from, size)}, or {@code from} if none. */
  private static long nonZeroEnd(Reader r, long from, long size) throws IOException {
    long end = from;
    long pos = from;
    while (pos < size) {
      int n = (int) Math.min(READ_CHUNK, size - pos);
      ByteBuffer b = r.ensure(pos, n);
      int at = r.index(pos);
      byte[] a = b.array();
      int off = b.arrayOffset() + at;
      if (Arrays.mismatch(a, off, off + n, ZEROS, 0, n) >= 0) {
        for (int i = n - 1; i >= 0; i--) {
          if (a[off + i] != 0) {
            end = pos + i + 1;
            break;
          }
        }
      }
      pos += n;
    }
    return end;
  }

  /** Counts well-formed records after a bad one whose length looked plausible (a lower bound). */
  private static long countValidAfter(Reader r, long badPos, int badLen, long size)
      throws IOException {
    if (badLen < 9 || badPos + RecordCodec.FRAME_OVERHEAD + badLen > size) {
      return 0;
    }
    long n = 0;
    long pos = badPos + RecordCodec.FRAME_OVERHEAD + badLen;
    while (size - pos >= RecordCodec.FRAME_OVERHEAD + 1) {
      ByteBuffer b = r.ensure(pos, RecordCodec.FRAME_OVERHEAD);
      int len = b.getInt(r.index(pos));
      if (len < 9 || pos + RecordCodec.FRAME_OVERHEAD + len > size) {
        break;
      }
      b = r.ensure(pos, RecordCodec.FRAME_OVERHEAD + len);
      if (!RecordCodec.crcMatches(b, r.index(pos), len)) {
        break;
      }
      n++;
      pos += RecordCodec.FRAME_OVERHEAD + len;
    }
    return n;
  }

  private void apply(RecordCodec.Record rec, long segment, int len) {
    int frame = RecordCodec.FRAME_OVERHEAD + len;
    if (rec instanceof RecordCodec.Entry) {
      RecordCodec.Entry e = (RecordCodec.Entry) rec;
      EntryState s =
          new EntryState(
              e.id(),
              e.type(),
              e.createdAtMillis(),
              e.key(),
              e.payload(),
              WalEntryStatus.PENDING,
              0);
      s.home = segment;
      s.homeBytes = frame;
      table.put(s);
    } else if (rec instanceof RecordCodec.Resolved) {
      RecordCodec.Resolved e = (RecordCodec.Resolved) rec;
      EntryState s =
          new EntryState(
              e.id(),
              e.type(),
              e.createdAtMillis(),
              e.key(),
              null,
              e.status(),
              e.resolvedAtMillis());
      s.home = segment;
      s.homeBytes = frame;
      s.resolutionWritten = true;
      table.put(s);
    } else if (rec instanceof RecordCodec.Resolution) {
      RecordCodec.Resolution e = (RecordCodec.Resolution) rec;
      EntryState s = table.get(e.id());
      // Unknown id: the entry was dropped and its segment deleted; resolved already: a repeat.
      if (s != null && s.status == WalEntryStatus.PENDING) {
        table.resolve(s, e.status(), e.atMillis());
        s.resolutionWritten = true;
        s.payload = null;
      }
      table.nextId = Math.max(table.nextId, e.id() + 1);
    } else {
      for (long id : ((RecordCodec.Forget) rec).ids()) {
        EntryState s = table.get(id);
        if (s != null) {
          table.forget(s);
        }
        table.nextId = Math.max(table.nextId, id + 1);
      }
    }
  }

  /** A sliding read buffer over one file. */
  private static final class Reader {
    private final WalFile file;
    private final long size;
    private ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
    private long bufStart;
    private int bufLen;

    Reader(WalFile file, long size) {
      this.file = file;
      this.size = size;
    }

    int index(long pos) {
      return (int) (pos - bufStart);
    }

    /** Makes bytes [pos, pos+n) available in the returned buffer at {@link #index(long)}. */
    ByteBuffer ensure(long pos, int n) throws IOException {
      if (pos >= bufStart && pos + n <= bufStart + bufLen) {
        return buf;
      }
      int want = (int) Math.min(Math.max(n, READ_CHUNK), size - pos);
      if (want > buf.capacity()) {
        buf = ByteBuffer.allocate(want);
      }
      buf.clear().limit(want);
      while (buf.hasRemaining()) {
        int got = file.read(buf, pos + buf.position());
        if (got < 0) {
          break;
        }
      }
      bufStart = pos;
      bufLen = buf.position();
      if (bufLen < n) {
        throw new IOException("file shrank while reading at offset " + pos);
      }
      return buf;
    }
  }
}
