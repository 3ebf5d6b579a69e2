package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.WalEntryStatus;
import ai.ringrift.distributed.wal.WalEntryType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes WAL records (format version 1, see docs/WAL-FORMAT.md).
 *
 * <p>Frame: {@code u32 length | u32 crc32c | u8 kind | body}, big-endian, where {@code length}
 * counts {@code kind + body} and the CRC32C covers the same bytes. Stateless and thread-safe.
 */
public final class RecordCodec {
  /** Bytes before {@code kind}: length and CRC. */
  public static final int FRAME_OVERHEAD = 8;

  /** Largest {@code length} a reader accepts (1 GiB, the largest segment). */
  public static final int MAX_LENGTH = 1 << 30;

  static final byte ENTRY = 1;
  static final byte COMMIT = 2;
  static final byte ROLLBACK = 3;
  static final byte RESOLVED = 4;
  static final byte FORGET = 5;

  private static final int NO_KEY = 0xFFFF;

  private RecordCodec() {}

  /** A decoded record. */
  public sealed interface Record permits Entry, Resolution, Resolved, Forget {}

  /**
   * An appended entry (or a carried-forward copy of a pending one).
   *
   * @param id entry id
   * @param createdAtMillis append time, epoch millis
   * @param type entry type
   * @param key idempotency key or null
   * @param payload payload bytes
   */
  public record Entry(
      long id, long createdAtMillis, WalEntryType type, @Nullable String key, byte[] payload)
      implements Record {}

  /**
   * A commit or rollback.
   *
   * @param id entry id
   * @param status {@code COMMITTED} or {@code ROLLED_BACK}
   * @param atMillis resolution time, epoch millis
   */
  public record Resolution(long id, WalEntryStatus status, long atMillis) implements Record {}

  /**
   * A carried-forward summary of a resolved entry (no payload).
   *
   * @param id entry id
   * @param createdAtMillis append time
   * @param status {@code COMMITTED} or {@code ROLLED_BACK}
   * @param resolvedAtMillis resolution time
   * @param type entry type
   * @param key idempotency key or null
   */
  public record Resolved(
      long id,
      long createdAtMillis,
      WalEntryStatus status,
      long resolvedAtMillis,
      WalEntryType type,
      @Nullable String key)
      implements Record {}

  /**
   * Resolved entries dropped by cleanup or retention.
   *
   * @param ids their ids
   */
  public record Forget(long[] ids) implements Record {}

  /**
   * Encodes an entry frame.
   *
   * @param id entry id
   * @param createdAtMillis append time
   * @param type entry type
   * @param key idempotency key or null
   * @param payload payload
   * @return the whole frame
   */
  public static byte[] entry(
      long id, long createdAtMillis, WalEntryType type, @Nullable String key, byte[] payload) {
    byte[] t = type.name().getBytes(StandardCharsets.US_ASCII);
    byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    int body = 8 + 8 + 1 + t.length + 2 + (k == null ? 0 : k.length) + payload.length;
    ByteBuffer b = start(ENTRY, body);
    b.putLong(id).putLong(createdAtMillis).put((byte) t.length).put(t);
    putKey(b, k);
    b.put(payload);
    return finish(b);
  }

  /**
   * Encodes a commit or rollback frame.
   *
   * @param id entry id
   * @param status {@code COMMITTED} or {@code ROLLED_BACK}
   * @param atMillis resolution time
   * @return the frame
   */
  public static byte[] resolution(long id, WalEntryStatus status, long atMillis) {
    ByteBuffer b = start(status == WalEntryStatus.COMMITTED ? COMMIT : ROLLBACK, 16);
    b.putLong(id).putLong(atMillis);
    return finish(b);
  }

  /**
   * Encodes a resolved-entry summary frame.
   *
   * @param r the summary
   * @return the frame
   */
  public static byte[] resolved(Resolved r) {
    byte[] t = r.type().name().getBytes(StandardCharsets.US_ASCII);
    byte[] k = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
    int body = 8 + 8 + 1 + 8 + 1 + t.length + 2 + (k == null ? 0 : k.length);
    ByteBuffer b = start(RESOLVED, body);
    b.putLong(r.id()).putLong(r.createdAtMillis());
    b.put(r.status() == WalEntryStatus.COMMITTED ? COMMIT : ROLLBACK);
    b.putLong(r.resolvedAtMillis()).put((byte) t.length).put(t);
    putKey(b, k);
    return finish(b);
  }

  /**
   * Encodes a forget frame.
   *
   * @param ids the dropped ids
   * @return the frame
   */
  public static byte[] forget(long[] ids) {
    ByteBuffer b = start(FORGET, 4 + 8 * ids.length);
    b.putInt(ids.length);
    for (long id : ids) {
      b.putLong(id);
    }
    return finish(b);
  }

  /**
   * The largest idempotency key, in UTF-8 bytes.
   *
   * @return the limit
   */
  public static int maxKeyBytes() {
    return NO_KEY - 1;
  }

  private static void putKey(ByteBuffer b, byte @Nullable [] k) {
    if (k == null) {
      b.putShort((short) NO_KEY);
    } else {
      b.putShort((short) k.length).put(k);
    }
  }

  private static ByteBuffer start(byte kind, int body) {
    ByteBuffer b = ByteBuffer.allocate(FRAME_OVERHEAD + 1 + body);
    b.putInt(1 + body).putInt(0).put(kind);
    return b;
  }

  private static byte[] finish(ByteBuffer b) {
    byte[] a = b.array();
    CRC32C crc = new CRC32C();
    crc.update(a, FRAME_OVERHEAD, a.length - FRAME_OVERHEAD);
    b.putInt(4, (int) crc.getValue());
    return a;
  }

  /**
   * Checks a frame's CRC.
   *
   * @param buf holds the frame
   * @param start offset of the frame's first byte in {@code buf}
   * @param length the frame's {@code length} field
   * @return whether the stored CRC matches
   */
  static boolean crcMatches(ByteBuffer buf, int start, int length) {
    CRC32C crc = new CRC32C();
    if (buf.hasArray()) {
      crc.update(buf.array(), buf.arrayOffset() + start + FRAME_OVERHEAD, length);
    } else {
      crc.update(
          buf.duplicate().limit(start + FRAME_OVERHEAD + length).position(start + FRAME_OVERHEAD));
    }
    return (int) crc.getValue() == buf.getInt(start + 4);
  }

  /**
   * Decodes the {@code kind + body} of a frame whose CRC matched.
   *
   * @param buf holds the frame; not modified
   * @param start offset of {@code kind}
   * @param length the frame's length field
   * @return the record
   * @throws IllegalArgumentException if the bytes are not a valid record
   */
  static Record decode(ByteBuffer buf, int start, int length) {
    ByteBuffer b = buf.duplicate().limit(start + length).position(start);
    try {
      byte kind = b.get();
      switch (kind) {
        case ENTRY:
          {
            long id = b.getLong();
            long created = b.getLong();
            WalEntryType type = readType(b);
            String key = readKey(b);
            byte[] payload = new byte[b.remaining()];
            b.get(payload);
            return new Entry(checkId(id), created, type, key, payload);
          }
        case COMMIT:
        case ROLLBACK:
          {
            long id = b.getLong();
            long at = b.getLong();
            expectEnd(b);
            return new Resolution(checkId(id), statusOf(kind), at);
          }
        case RESOLVED:
          {
            long id = b.getLong();
            long created = b.getLong();
            WalEntryStatus st = statusOf(b.get());
            long at = b.getLong();
            WalEntryType type = readType(b);
            String key = readKey(b);
            expectEnd(b);
            return new Resolved(checkId(id), created, st, at, type, key);
          }
        case FORGET:
          {
            int n = b.getInt();
            if (n < 0 || n != b.remaining() / 8 || b.remaining() % 8 != 0) {
              throw new IllegalArgumentException("forget record count " + n + " does not fit");
            }
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
              ids[i] = checkId(b.getLong());
            }
            return new Forget(ids);
          }
        default:
          throw new IllegalArgumentException("unknown record kind " + kind);
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("record body too short", e);
    }
  }

  private static long checkId(long id) {
    if (id <= 0) {
      throw new IllegalArgumentException("entry id must be positive: " + id);
    }
    return id;
  }

  private static WalEntryStatus statusOf(byte kind) {
    if (kind == COMMIT) {
      return WalEntryStatus.COMMITTED;
    }
    if (kind == ROLLBACK) {
      return WalEntryStatus.ROLLED_BACK;
    }
    throw new IllegalArgumentException("bad resolution kind " + kind);
  }

  private static WalEntryType readType(ByteBuffer b) {
    int n = b.get() & 0xFF;
    if (b.hasArray() && n <= b.remaining()) {
      WalEntryType t = TypeCache.lookup(b.array(), b.arrayOffset() + b.position(), n);
      b.position(b.position() + n);
      return t;
    }
    byte[] t = new byte[n];
    b.get(t);
    return TypeCache.of(new String(t, StandardCharsets.US_ASCII));
  }

  private static @Nullable String readKey(ByteBuffer b) {
    int n = b.getShort() & 0xFFFF;
    if (n == NO_KEY) {
      return null;
    }
    byte[] k = new byte[n];
    b.get(k);
    return new String(k, StandardCharsets.UTF_8);
  }

  private static void expectEnd(ByteBuffer b) {
    if (b.hasRemaining()) {
      throw new IllegalArgumentException(b.remaining() + " unexpected trailing bytes in record");
    }
  }
}
