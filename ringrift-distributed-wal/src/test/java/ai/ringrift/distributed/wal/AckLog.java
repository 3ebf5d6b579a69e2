package ai.ringrift.distributed.wal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The history of operations issued to a WAL and acknowledged by it, across crashes, and the check
 * that a reopened WAL agrees with it: every acknowledged append and resolution is there, nothing
 * that was not issued is reported as resolved, and every payload is exactly what was appended.
 * Thread-safe. Payloads must be unique strings.
 */
public final class AckLog {
  private final Set<String> issuedAppends = new HashSet<>();
  private final Map<Long, String> known = new HashMap<>();
  private final Map<String, Long> knownByPayload = new HashMap<>();
  private final Map<Long, Integer> commitIssued = new HashMap<>();
  private final Map<Long, Integer> rollbackIssued = new HashMap<>();
  private final Set<Long> commitAcked = new HashSet<>();
  private final Set<Long> rollbackAcked = new HashSet<>();
  private int seq;
  private int lastCleanup = -1;
  private long maxId;

  public synchronized void appendIssued(String payload) {
    if (!issuedAppends.add(payload)) {
      throw new IllegalArgumentException("payloads must be unique: " + payload);
    }
  }

  public synchronized void appendAcked(String payload, long id) {
    Long before = knownByPayload.put(payload, id);
    String other = known.put(id, payload);
    if ((before != null && before != id) || (other != null && !other.equals(payload))) {
      throw new AssertionError(
          "id " + id + " acknowledged for " + payload + " but known as " + other + "/" + before);
    }
    maxId = Math.max(maxId, id);
  }

  public synchronized void commitIssued(long id) {
    commitIssued.put(id, ++seq);
  }

  public synchronized void commitAcked(long id) {
    commitAcked.add(id);
  }

  public synchronized void rollbackIssued(long id) {
    rollbackIssued.put(id, ++seq);
  }

  public synchronized void rollbackAcked(long id) {
    rollbackAcked.add(id);
  }

  public synchronized void cleanupIssued() {
    lastCleanup = ++seq;
  }

  /** Ids known durable and still pending as far as this log knows (safe to resolve). */
  public synchronized List<Long> resolvable() {
    List<Long> out = new ArrayList<>();
    for (Long id : known.keySet()) {
      if (!commitIssued.containsKey(id) && !rollbackIssued.containsKey(id)) {
        out.add(id);
      }
    }
    return out;
  }

  public synchronized int acknowledgedAppends() {
    return known.size();
  }

  /**
   * Checks a freshly reopened WAL against the history, then adopts what it recovered (entries that
   * survived without an acknowledgement become known; resolutions issued but lost are forgotten).
   *
   * @param wal the reopened WAL
   * @throws AssertionError naming the first disagreement
   */
  public synchronized void verifyAndAdopt(UnifiedWal wal) {
    Map<Long, WalEntry> pending = new HashMap<>();
    for (WalEntry e : wal.pendingEntries()) {
      pending.put(e.id(), e);
      String p = new String(e.payload(), StandardCharsets.UTF_8);
      if (!issuedAppends.contains(p)) {
        throw new AssertionError("pending entry " + e + " has a payload never appended: " + p);
      }
      Long id = knownByPayload.get(p);
      if (id != null && id != e.id()) {
        throw new AssertionError("payload " + p + " was acknowledged as id " + id + ", got " + e);
      }
      String k = known.get(e.id());
      if (k != null && !k.equals(p)) {
        throw new AssertionError("entry " + e.id() + " should hold " + k + " but holds " + p);
      }
    }
    long probeTo =
        Math.max(maxId, pending.keySet().stream().mapToLong(Long::longValue).max().orElse(0));
    for (long id = 1; id <= probeTo + 64; id++) {
      Optional<WalEntryStatus> st = wal.status(id);
      boolean isKnown = known.containsKey(id);
      if (st.isPresent() && st.get() == WalEntryStatus.PENDING && !pending.containsKey(id)) {
        throw new AssertionError("status says " + id + " is pending but pendingEntries lacks it");
      }
      if (!isKnown) {
        if (st.isPresent() && st.get() != WalEntryStatus.PENDING) {
          throw new AssertionError("entry " + id + " never acknowledged is reported " + st.get());
        }
        continue;
      }
      boolean cleanedSince =
          lastCleanup
              > Math.max(commitIssued.getOrDefault(id, -1), rollbackIssued.getOrDefault(id, -1));
      boolean resolutionIssued = commitIssued.containsKey(id) || rollbackIssued.containsKey(id);
      if (st.isEmpty()) {
        if (!(resolutionIssued && cleanedSince)) {
          throw new AssertionError(
              "acknowledged entry " + id + " (" + known.get(id) + ") is missing after reopen");
        }
        continue;
      }
      WalEntryStatus s = st.get();
      if (s == WalEntryStatus.COMMITTED && !commitIssued.containsKey(id)) {
        throw new AssertionError("entry " + id + " is COMMITTED but no commit was issued");
      }
      if (s == WalEntryStatus.ROLLED_BACK && !rollbackIssued.containsKey(id)) {
        throw new AssertionError("entry " + id + " is ROLLED_BACK but no rollback was issued");
      }
      if (commitAcked.contains(id) && s != WalEntryStatus.COMMITTED) {
        throw new AssertionError("acknowledged commit of " + id + " lost: status " + s);
      }
      if (rollbackAcked.contains(id) && s != WalEntryStatus.ROLLED_BACK) {
        throw new AssertionError("acknowledged rollback of " + id + " lost: status " + s);
      }
    }
    // Adopt: what survived is now the truth.
    for (WalEntry e : pending.values()) {
      String p = new String(e.payload(), StandardCharsets.UTF_8);
      known.put(e.id(), p);
      knownByPayload.put(p, e.id());
      maxId = Math.max(maxId, e.id());
      commitIssued.remove(e.id());
      rollbackIssued.remove(e.id());
    }
    for (Long id : known.keySet()) {
      Optional<WalEntryStatus> st = wal.status(id);
      if (st.isPresent() && st.get() == WalEntryStatus.COMMITTED) {
        commitAcked.add(id);
      } else if (st.isPresent() && st.get() == WalEntryStatus.ROLLED_BACK) {
        rollbackAcked.add(id);
      }
    }
  }
}
