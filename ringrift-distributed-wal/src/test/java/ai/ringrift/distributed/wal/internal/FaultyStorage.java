package ai.ringrift.distributed.wal.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An in-memory {@link WalStorage} that models what a power loss keeps: per file, the bytes present
 * at its last fsync; per directory, the names present at its last directory fsync. {@link
 * #crash(Random)} returns the storage as it would be after a power cut now: unsynced writes (in
 * place, as into a preallocated zero-filled segment, or appended) are dropped except, sometimes, a
 * random prefix of them (a torn write), sometimes ending in garbage; where a torn write stops, the
 * file keeps its durable bytes (the zeros written and fsynced at preallocation); files created,
 * renamed or deleted since the last directory fsync vanish or come back. Can also fail fsyncs on
 * demand. Thread-safe (one lock), so a crash snapshot is atomic with respect to fsyncs.
 */
final class FaultyStorage implements WalStorage {
  private static final class Node {
    byte[] written;
    byte[] durable;

    Node(byte[] content) {
      this.written = content.clone();
      this.durable = content.clone();
    }
  }

  private final Map<Path, Node> current = new HashMap<>();
  private final Map<Path, Node> durableDir = new HashMap<>();
  private int forcesUntilFailure = -1;

  /** After {@code n} more successful fsyncs, every fsync throws. */
  synchronized void failFsyncAfter(int n) {
    forcesUntilFailure = n;
  }

  synchronized List<Path> files() {
    return new ArrayList<>(current.keySet());
  }

  synchronized byte[] content(Path p) {
    return current.get(p).written.clone();
  }

  /** The storage after a power loss at this instant. */
  synchronized FaultyStorage crash(Random rnd) {
    FaultyStorage after = new FaultyStorage();
    for (Map.Entry<Path, Node> e : durableDir.entrySet()) {
      Node n = e.getValue();
      byte[] kept = n.durable;
      // The unsynced change: from the first byte that differs from the durable content (an
      // in-place overwrite of a preallocated file, or an append) to the end of what was written.
      int common = Arrays.mismatch(n.written, n.durable);
      if (common >= 0 && common < n.written.length && rnd.nextBoolean()) {
        // Torn: a random prefix of the unsynced bytes reached the disk; the rest of the file keeps
        // its durable content (the zeros of a preallocated segment, say).
        int extra = n.written.length - common;
        int k = 1 + rnd.nextInt(extra);
        kept = Arrays.copyOf(n.durable, Math.max(n.durable.length, common + k));
        System.arraycopy(n.written, common, kept, common, k);
        if (rnd.nextInt(4) == 0) {
          // The torn sector holds garbage rather than the bytes being written.
          int junk = Math.min(k, 1 + rnd.nextInt(16));
          for (int i = common + k - junk; i < common + k; i++) {
            kept[i] = (byte) rnd.nextInt(256);
          }
        }
      }
      Node copy = new Node(kept);
      after.current.put(e.getKey(), copy);
      after.durableDir.put(e.getKey(), copy);
    }
    return after;
  }

  @Override
  public void createDirectories(Path dir) {}

  @Override
  public Closeable lock(Path dir) {
    return () -> {};
  }

  @Override
  public synchronized List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    for (Path p : current.keySet()) {
      if (dir.equals(p.getParent())) {
        out.add(p);
      }
    }
    return out;
  }

  @Override
  public synchronized WalFile open(Path file) {
    Node n = current.computeIfAbsent(file, p -> new Node(new byte[0]));
    return new FaultyFile(n);
  }

  @Override
  public synchronized void delete(Path file) {
    current.remove(file);
  }

  @Override
  public synchronized void rename(Path from, Path to) throws IOException {
    Node n = current.remove(from);
    if (n == null) {
      throw new IOException("no such file: " + from);
    }
    current.put(to, n);
  }

  @Override
  public synchronized void syncDirectory(Path dir) throws IOException {
    checkForce();
    durableDir.clear();
    durableDir.putAll(current);
  }

  private void checkForce() throws IOException {
    if (forcesUntilFailure == 0) {
      throw new IOException("injected fsync failure (EIO)");
    }
    if (forcesUntilFailure > 0) {
      forcesUntilFailure--;
    }
  }

  private final class FaultyFile implements WalFile {
    private final Node n;

    FaultyFile(Node n) {
      this.n = n;
    }

    @Override
    public long size() {
      synchronized (FaultyStorage.this) {
        return n.written.length;
      }
    }

    @Override
    public int read(ByteBuffer dst, long position) {
      synchronized (FaultyStorage.this) {
        if (position >= n.written.length) {
          return -1;
        }
        int len = (int) Math.min(dst.remaining(), n.written.length - position);
        dst.put(n.written, (int) position, len);
        return len;
      }
    }

    @Override
    public void append(ByteBuffer src) {
      synchronized (FaultyStorage.this) {
        int len = src.remaining();
        byte[] w = Arrays.copyOf(n.written, n.written.length + len);
        src.get(w, n.written.length, len);
        n.written = w;
      }
    }

    @Override
    public void write(ByteBuffer src, long position) {
      synchronized (FaultyStorage.this) {
        int len = src.remaining();
        int end = (int) position + len;
        byte[] w = end > n.written.length ? Arrays.copyOf(n.written, end) : n.written.clone();
        src.get(w, (int) position, len);
        n.written = w;
      }
    }

    @Override
    public void truncate(long size) {
      synchronized (FaultyStorage.this) {
        if (size < n.written.length) {
          n.written = Arrays.copyOf(n.written, (int) size);
        }
        if (size < n.durable.length) {
          n.durable = Arrays.copyOf(n.durable, (int) size);
        }
      }
    }

    @Override
    public void force() throws IOException {
      synchronized (FaultyStorage.this) {
        checkForce();
        n.durable = n.written.clone();
      }
    }

    @Override
    public void close() {}
  }
}
