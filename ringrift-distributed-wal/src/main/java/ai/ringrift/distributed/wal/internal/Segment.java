package ai.ringrift.distributed.wal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * One segment file: a 32-byte header, then records, then (format 2) zeros up to the preallocated
 * size. {@link #end} is the logical end: where the next record goes. Not thread-safe: owned by the
 * writer thread (and by recovery before the writer starts).
 *
 * <p>Header (big-endian): {@code "RWAL" | u16 formatVersion | u16 headerSize=32 | i64 segmentNumber
 * | i64 baseId | u32 reserved=0 | u32 crc32c(bytes 0..27)}. {@code baseId} is the next entry id
 * when the segment was created, so ids never go back even if every earlier segment was deleted.
 */
final class Segment {
  static final int MAGIC = 0x5257414C; // "RWAL"

  /** The version new segments get: 2 = preallocated, zero-filled tail. */
  static final short FORMAT_VERSION = 2;

  /** The oldest version still read: 1 = no preallocation (the file length is the log end). */
  static final short OLDEST_READABLE_VERSION = 1;

  /** The largest zero write (and the preallocation step). */
  static final int ZERO_CHUNK = 1 << 20;

  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_CHUNK).asReadOnlyBuffer();
  static final int HEADER_SIZE = 32;
  static final String SUFFIX = ".wal";

  final long number;
  final Path path;
  final WalFile file;
  final long baseId;

  /** The logical end: the offset after the last record, where the next record is written. */
  long end;

  Segment(long number, Path path, WalFile file, long baseId, long end) {
    this.number = number;
    this.path = path;
    this.file = file;
    this.baseId = baseId;
    this.end = end;
  }

  /** Overwrites {@code [from, to)} of {@code file} with zeros (not fsynced). */
  static void writeZeros(WalFile file, long from, long to) throws IOException {
    long pos = from;
    while (pos < to) {
      ByteBuffer z = ZEROS.duplicate();
      z.limit((int) Math.min(ZERO_CHUNK, to - pos));
      int n = z.remaining();
      file.write(z, pos);
      pos += n;
    }
  }

  /** The file name of segment {@code number}: 20 zero-padded digits so names sort. */
  static String fileName(long number) {
    return String.format(Locale.ROOT, "%020d", number) + SUFFIX;
  }

  /** The segment number a file name encodes, or -1 if it is not a segment name. */
  static long parseNumber(String name) {
    if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
      return -1;
    }
    for (int i = 0; i < 20; i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return -1;
      }
    }
    try {
      return Long.parseLong(name.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static byte[] header(long number, long baseId) {
    return header(number, baseId, FORMAT_VERSION);
  }

  /** A header with an explicit format version (tests write version-1 segments with it). */
  static byte[] header(long number, long baseId, short version) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
    b.putInt(MAGIC).putShort(version).putShort((short) HEADER_SIZE);
    b.putLong(number).putLong(baseId).putInt(0);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 28);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** The decoded header, or a reason it is invalid. */
  record Header(long number, long baseId, @Nullable String problem) {}

  /** Reads and checks the header of an open file. */
  static Header readHeader(WalFile file, long expectedNumber) throws IOException {
    if (file.size() < HEADER_SIZE) {
      return new Header(expectedNumber, 0, "file shorter than the " + HEADER_SIZE + "-byte header");
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
    while (b.hasRemaining()) {
      if (file.read(b, b.position()) < 0) {
        return new Header(expectedNumber, 0, "unexpected end of header");
      }
    }
    b.flip();
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 28);
    if ((int) crc.getValue() != b.getInt(28)) {
      return new Header(expectedNumber, 0, "header checksum mismatch");
    }
    if (b.getInt(0) != MAGIC) {
      return new Header(expectedNumber, 0, "bad magic");
    }
    short version = b.getShort(4);
    if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
      return new Header(
          expectedNumber,
          0,
          "unsupported format version "
              + version
              + " (this reader knows "
              + OLDEST_READABLE_VERSION
              + " to "
              + FORMAT_VERSION
              + ")");
    }
    long number = b.getLong(8);
    if (number != expectedNumber) {
      return new Header(
          expectedNumber, 0, "header says segment " + number + ", name says " + expectedNumber);
    }
    return new Header(number, b.getLong(16), null);
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
