package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.WalEntryType;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Interns entry types read from disk so recovery does not allocate one per record. */
final class TypeCache {
  private static final int MAX = 10_000;
  private static final ConcurrentHashMap<String, WalEntryType> CACHE = new ConcurrentHashMap<>();

  private static volatile @Nullable WalEntryType lastSeen;

  private TypeCache() {}

  /** The type whose ASCII name is {@code a[off, off+len)}; reuses the last one seen when equal. */
  static WalEntryType lookup(byte[] a, int off, int len) {
    WalEntryType last = lastSeen;
    if (last != null && last.name().length() == len) {
      String name = last.name();
      boolean same = true;
      for (int i = 0; i < len; i++) {
        if (name.charAt(i) != (char) a[off + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        return last;
      }
    }
    WalEntryType t = of(new String(a, off, len, StandardCharsets.US_ASCII));
    lastSeen = t;
    return t;
  }

  static WalEntryType of(String name) {
    WalEntryType t = CACHE.get(name);
    if (t != null) {
      return t;
    }
    t = WalEntryType.of(name); // throws IllegalArgumentException on a bad name
    if (CACHE.size() < MAX) {
      CACHE.putIfAbsent(name, t);
    }
    return t;
  }
}
