package ai.ringrift.distributed.wal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The ordered segment files of one WAL directory. The last is the active segment, the only one
 * written to. Segments are deleted only from the front (oldest first), so a record never outlives
 * an older record it refers to. Not thread-safe: owned by the writer thread.
 */
final class SegmentSet {
  private final WalStorage storage;
  private final Path dir;
  private final TreeMap<Long, Segment> segments = new TreeMap<>();

  SegmentSet(WalStorage storage, Path dir) {
    this.storage = storage;
    this.dir = dir;
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

  long totalBytes() throws IOException {
    long n = 0;
    for (Segment s : segments.values()) {
      n += s.file.size();
    }
    return n;
  }

  /**
   * Creates the next segment (header written and fsynced, directory fsynced) and makes it active.
   *
   * @param baseId the next entry id, written into the header
   * @return the new active segment
   */
  Segment roll(long baseId) throws IOException {
    long number = segments.isEmpty() ? 1 : active().number + 1;
    Path path = dir.resolve(Segment.fileName(number));
    WalFile file = storage.open(path);
    try {
      file.truncate(0);
      file.append(ByteBuffer.wrap(Segment.header(number, baseId)));
      file.force();
      storage.syncDirectory(dir);
    } catch (IOException e) {
      file.close();
      throw e;
    }
    Segment s = new Segment(number, path, file, baseId);
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
