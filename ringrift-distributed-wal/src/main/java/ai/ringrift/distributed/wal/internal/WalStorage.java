package ai.ringrift.distributed.wal.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file-system operations the WAL needs. {@link #real()} uses NIO; tests substitute a layer that
 * injects power loss (drops what was not fsynced, tears the last write).
 */
public interface WalStorage {
  /**
   * The real file system.
   *
   * @return the NIO implementation
   */
  static WalStorage real() {
    return RealStorage.INSTANCE;
  }

  /**
   * Creates the directory and its parents if absent.
   *
   * @param dir the directory
   * @throws IOException on an I/O error
   */
  void createDirectories(Path dir) throws IOException;

  /**
   * Takes an exclusive lock on the directory, held until the returned handle is closed.
   *
   * @param dir the WAL directory
   * @return the lock handle
   * @throws IOException on an I/O error
   * @throws ai.ringrift.distributed.wal.WalException if another process or open WAL holds it
   */
  Closeable lock(Path dir) throws IOException;

  /**
   * The regular files directly in {@code dir}.
   *
   * @param dir the directory
   * @return their paths, in no particular order
   * @throws IOException on an I/O error
   */
  List<Path> list(Path dir) throws IOException;

  /**
   * Opens a file for reading and appending, creating it (empty) if absent.
   *
   * @param file the path
   * @return the open file
   * @throws IOException on an I/O error
   */
  WalFile open(Path file) throws IOException;

  /**
   * Deletes a file if present.
   *
   * @param file the path
   * @throws IOException on an I/O error
   */
  void delete(Path file) throws IOException;

  /**
   * Renames a file atomically, replacing {@code to} if present. Not durable until {@link
   * #syncDirectory(Path)}.
   *
   * @param from the current path
   * @param to the new path, in the same directory
   * @throws IOException on an I/O error
   */
  void rename(Path from, Path to) throws IOException;

  /**
   * Makes the directory's entries (created and deleted files) durable.
   *
   * @param dir the directory
   * @throws IOException on an I/O error
   */
  void syncDirectory(Path dir) throws IOException;
}
