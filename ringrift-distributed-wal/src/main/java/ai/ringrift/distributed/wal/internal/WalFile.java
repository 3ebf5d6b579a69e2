package ai.ringrift.distributed.wal.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open segment file, as the WAL sees it: positional reads and writes (segments are preallocated
 * with zeros and records are written in place at the segment's logical end), appends at the
 * physical end, truncation and fsync. Implementations need not be thread-safe: only the writer
 * thread (or recovery, before it starts) uses a file.
 */
public interface WalFile extends Closeable {
  /**
   * The file's current physical length, including written bytes not yet fsynced (for a preallocated
   * segment this includes its zero tail).
   *
   * @return the length in bytes
   * @throws IOException on an I/O error
   */
  long size() throws IOException;

  /**
   * Reads up to {@code dst.remaining()} bytes at {@code position}.
   *
   * @param dst where to read into
   * @param position the file offset
   * @return bytes read, or -1 at end of file
   * @throws IOException on an I/O error
   */
  int read(ByteBuffer dst, long position) throws IOException;

  /**
   * Writes all remaining bytes of {@code src} at the end of the file.
   *
   * @param src the bytes
   * @throws IOException on an I/O error
   */
  void append(ByteBuffer src) throws IOException;

  /**
   * Writes all remaining bytes of {@code src} at {@code position}, overwriting what is there and
   * extending the file if it runs past the end.
   *
   * @param src the bytes
   * @param position the file offset
   * @throws IOException on an I/O error
   */
  void write(ByteBuffer src, long position) throws IOException;

  /**
   * Cuts the file to {@code size} bytes.
   *
   * @param size the new length
   * @throws IOException on an I/O error
   */
  void truncate(long size) throws IOException;

  /**
   * Makes every byte written so far durable ({@code fsync}).
   *
   * @throws IOException on an I/O error; the WAL then fails closed
   */
  void force() throws IOException;
}
