package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.WalException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** {@link WalStorage} on NIO {@link FileChannel}s. Stateless but for the in-JVM lock set. */
final class RealStorage implements WalStorage {
  static final RealStorage INSTANCE = new RealStorage();
  static final String LOCK_FILE = "LOCK";

  /** Directories locked by WALs open in this JVM (file locks are per process, not per channel). */
  private static final Set<Path> LOCKED = ConcurrentHashMap.newKeySet();

  private RealStorage() {}

  @Override
  public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public Closeable lock(Path dir) throws IOException {
    Path key = dir.toRealPath();
    if (!LOCKED.add(key)) {
      throw new WalException(
          "WAL directory " + key + " is already open in this JVM; close that UnifiedWal first");
    }
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new WalException(
            "WAL directory "
                + key
                + " is locked by another process (lock file "
                + dir.resolve(LOCK_FILE)
                + "); only one process may open a WAL directory");
      }
      FileChannel held = ch;
      FileLock heldLock = lock;
      return () -> {
        try {
          heldLock.release();
          held.close();
        } finally {
          LOCKED.remove(key);
        }
      };
    } catch (IOException | RuntimeException e) {
      LOCKED.remove(key);
      if (ch != null) {
        ch.close();
      }
      throw e;
    }
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isRegularFile).forEach(out::add);
    }
    return out;
  }

  @Override
  public WalFile open(Path file) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new ChannelFile(ch);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static final class ChannelFile implements WalFile {
    private final FileChannel ch;
    private long size;

    ChannelFile(FileChannel ch) throws IOException {
      this.ch = ch;
      this.size = ch.size();
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return ch.read(dst, position);
    }

    @Override
    public void append(ByteBuffer src) throws IOException {
      while (src.hasRemaining()) {
        size += ch.write(src, size);
      }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      long at = position;
      while (src.hasRemaining()) {
        at += ch.write(src, at);
      }
      size = Math.max(size, at);
    }

    @Override
    public void truncate(long newSize) throws IOException {
      ch.truncate(newSize);
      size = Math.min(size, newSize);
    }

    @Override
    public void force() throws IOException {
      ch.force(false);
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
