package ai.ringrift.distributed.wal;

import java.nio.file.Path;

/**
 * A record or segment header failed its checksum or could not be decoded somewhere other than the
 * tail of the last segment (where a torn write is expected and is truncated instead). Names the
 * segment file and the byte offset of the bad record. Opening with {@link
 * WalConfig.Builder#repairCorruption(boolean) repair mode} truncates the segment at that offset
 * instead of failing.
 */
public final class WalCorruptionException extends WalException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;

  /**
   * Creates the exception.
   *
   * @param file the segment file holding the bad record
   * @param offset the byte offset of the bad record in that file
   * @param detail what was wrong (checksum, length, header)
   */
  public WalCorruptionException(Path file, long offset, String detail) {
    super("corrupt WAL record in " + file + " at offset " + offset + ": " + detail);
    this.file = file.toString();
    this.offset = offset;
  }

  /**
   * The segment file holding the bad record.
   *
   * @return the file's path
   */
  public Path file() {
    return Path.of(file);
  }

  /**
   * The byte offset of the bad record in {@link #file()}.
   *
   * @return the offset, 0 for a bad header
   */
  public long offset() {
    return offset;
  }
}
