package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.WalEntryType;
import java.util.concurrent.ConcurrentHashMap;

/** Interns entry types read from disk so recovery does not allocate one per record. */
final class TypeCache {
  private static final int MAX = 10_000;
  private static final ConcurrentHashMap<String, WalEntryType> CACHE = new ConcurrentHashMap<>();

  private TypeCache() {}

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
