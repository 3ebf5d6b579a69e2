package ai.ringrift.distributed.wal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The ordered segment files of one WAL directory. The last is the active segment, the only one
 * written to. Segments are deleted only from the front (oldest first), so a record never outlives
 * an older record it refers to. Not thread-safe: owned by the writer thread.
 *
 * <p>Segments are preallocated: a new segment is the <em>spare</em> file ({@value #SPARE}), filled
 * with zeros up to the segment size and fsynced ahead of time (a chunk at a time, {@link
 * #prepareSpareStep()}, between batches), then given its header, fsynced, renamed to the segment
 * name and the directory fsynced. Records are then written in place, so a steady-state fsync
 * flushes only data, never a file-size change.
 */
final class SegmentSet {
  /** The name of the file being preallocated for the next segment; recovery ignores it. */
  static final String SPARE = "next-segment.prealloc";

  private final WalStorage storage;
  private final Path dir;
  private final long segmentSize;
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private @Nullable WalFile spare;
  private long spareFilled;
  private boolean spareReady;

  SegmentSet(WalStorage storage, Path dir, long segmentSize) {
    this.storage = storage;
    this.dir = dir;
    this.segmentSize = segmentSize;
  }

  Path dir() {
    return dir;
  }

  void add(Segment s) {
    segments.put(s.number, s);
  }

  boolean isEmpty() {
    return segments.isEmpty();
  }

  Segment active() {
    return segments.lastEntry().getValue();
  }

  Segment oldest() {
    return segments.firstEntry().getValue();
  }

  int count() {
    return segments.size();
  }

  List<Segment> all() {
    return new ArrayList<>(segments.values());
  }

  /** Logical bytes: the header and records of every segment, not the preallocated zero tails. */
  long totalBytes() {
    long n = 0;
    for (Segment s : segments.values()) {
      n += s.end;
    }
    return n;
  }

  /** Whether the spare file is fully preallocated and fsynced. */
  boolean spareReady() {
    return spareReady;
  }

  /**
   * Does one step of preparing the spare segment file: writes up to {@link Segment#ZERO_CHUNK}
   * zeros and fsyncs them (small steps keep each pause of the writer short).
   *
   * @return whether more steps are needed
   */
  boolean prepareSpareStep() throws IOException {
    if (spareReady) {
      return false;
    }
    WalFile f = spare;
    if (f == null) {
      f = storage.open(dir.resolve(SPARE));
      spare = f;
      f.truncate(0);
      spareFilled = 0;
    }
    long to = Math.min(segmentSize, spareFilled + Segment.ZERO_CHUNK);
    Segment.writeZeros(f, spareFilled, to);
    f.force();
    spareFilled = to;
    spareReady = spareFilled >= segmentSize;
    return !spareReady;
  }

  /**
   * Creates the next segment from the spare (preparing it now if it is not ready): header written
   * over its first bytes and fsynced, renamed, directory fsynced; makes it active.
   *
   * @param baseId the next entry id, written into the header
   * @return the new active segment
   */
  Segment roll(long baseId) throws IOException {
    long number = segments.isEmpty() ? 1 : active().number + 1;
    Path path = dir.resolve(Segment.fileName(number));
    while (prepareSpareStep()) {
      // finish the preallocation now: the roll cannot wait
    }
    WalFile file = spare;
    if (file == null) {
      throw new IllegalStateException("spare segment missing after preparation");
    }
    spare = null;
    spareReady = false;
    spareFilled = 0;
    try {
      file.write(ByteBuffer.wrap(Segment.header(number, baseId)), 0);
      file.force();
      storage.rename(dir.resolve(SPARE), path);
      storage.syncDirectory(dir);
    } catch (IOException e) {
      file.close();
      throw e;
    }
    Segment s = new Segment(number, path, file, baseId, Segment.HEADER_SIZE);
    segments.put(number, s);
    return s;
  }

  /**
   * Deletes the oldest segment and fsyncs the directory. Never the active one.
   *
   * @return the bytes the file held
   */
  long deleteOldest() throws IOException {
    Segment s = oldest();
    if (s == active()) {
      throw new IllegalStateException("the active segment is never deleted: " + s);
    }
    long size = s.file.size();
    segments.remove(s.number);
    s.file.close();
    storage.delete(s.path);
    storage.syncDirectory(dir);
    return size;
  }

  void closeAll() throws IOException {
    IOException first = null;
    WalFile f = spare;
    spare = null;
    spareReady = false;
    if (f != null) {
      try {
        f.close();
      } catch (IOException e) {
        first = e;
      }
    }
    for (Segment s : segments.values()) {
      try {
        s.file.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    segments.clear();
    if (first != null) {
      throw first;
    }
  }
}
