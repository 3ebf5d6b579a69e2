package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.WalEntryStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory index of a WAL: every entry still remembered (pending, or resolved and not yet
 * dropped), the pending ones in id order, and the idempotency keys. Not thread-safe: guarded by the
 * WAL mutex (recovery builds it before anyone else can see it).
 */
final class EntryTable {
  final Map<Long, EntryState> all = new HashMap<>();
  final TreeMap<Long, EntryState> pending = new TreeMap<>();
  final Map<String, EntryState> byKey = new HashMap<>();
  long nextId = 1;

  @Nullable EntryState get(long id) {
    return all.get(id);
  }

  /** Adds or replaces (a carried-forward copy replaces the older one). */
  void put(EntryState s) {
    EntryState old = all.put(s.id, s);
    if (old != null) {
      pending.remove(old.id);
      if (old.key != null && byKey.get(old.key) == old) {
        byKey.remove(old.key);
      }
    }
    if (s.status == WalEntryStatus.PENDING) {
      pending.put(s.id, s);
    }
    if (s.key != null) {
      byKey.put(s.key, s);
    }
    if (s.id >= nextId) {
      nextId = s.id + 1;
    }
  }

  void resolve(EntryState s, WalEntryStatus status, long at) {
    s.status = status;
    s.resolvedAt = at;
    pending.remove(s.id);
  }

  void forget(EntryState s) {
    all.remove(s.id);
    pending.remove(s.id);
    if (s.key != null && byKey.get(s.key) == s) {
      byKey.remove(s.key);
    }
  }

  int pendingCount() {
    return pending.size();
  }

  int resolvedCount() {
    return all.size() - pending.size();
  }
}
