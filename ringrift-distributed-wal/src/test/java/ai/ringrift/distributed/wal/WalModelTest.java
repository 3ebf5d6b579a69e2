package ai.ringrift.distributed.wal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.testkit.FakeClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random sequences of append, commit, rollback, cleanup, clock moves and reopen, checked
 * after every step against an in-memory model. The seed is printed on failure; rerun with {@code
 * -Dwal.model.seed=N}.
 */
@DisplayName("UnifiedWal against an in-memory model")
class WalModelTest {
  private static final long SEED = Long.getLong("wal.model.seed", System.nanoTime());
  private static final int RUNS = Integer.getInteger("wal.model.runs", 25);
  private static final int MAX_PENDING = 40;
  private static final List<WalEntryType> TYPES =
      List.of(WalEntryType.GAME_RECORDED, WalEntryType.SYNC_STARTED, WalEntryType.of("custom.op"));

  @TempDir Path root;

  /** The model: what the WAL must report. */
  private static final class Model {
    record E(long id, WalEntryType type, String payload, String key, long created) {}

    final TreeMap<Long, E> entries = new TreeMap<>();
    final Map<Long, WalEntryStatus> status = new HashMap<>();
    final Map<Long, Long> resolvedAt = new HashMap<>();
    final Map<String, Long> keys = new HashMap<>();
    long nextId = 1;

    long pending() {
      return status.values().stream().filter(s -> s == WalEntryStatus.PENDING).count();
    }
  }

  @Test
  void shouldMatchTheModelForRandomOperationSequences() throws Exception {
    for (int run = 0; run < RUNS; run++) {
      long seed = SEED + run;
      try {
        runOnce(seed, root.resolve("run" + run));
      } catch (AssertionError | Exception e) {
        throw new AssertionError("model test failed; rerun with -Dwal.model.seed=" + seed, e);
      }
    }
  }

  private void runOnce(long seed, Path dir) throws Exception {
    Random rnd = new Random(seed);
    FakeClock clock = FakeClock.create();
    WalConfig config =
        WalConfig.builder(dir)
            .segmentSize(4096)
            .maxPending(MAX_PENDING)
            .durability(WalConfig.Durability.OS_BUFFERED)
            .resolvedRetention(Duration.ofDays(36500))
            .clock(clock)
            .build();
    Model m = new Model();
    UnifiedWal wal = UnifiedWal.open(config);
    try {
      for (int step = 0; step < 150; step++) {
        int r = rnd.nextInt(100);
        if (r < 45) {
          WalEntryType type = TYPES.get(rnd.nextInt(TYPES.size()));
          String payload = "{\"n\":" + step + ",\"pad\":\"" + "p".repeat(rnd.nextInt(300)) + "\"}";
          String key = rnd.nextInt(3) == 0 ? "k" + rnd.nextInt(20) : null;
          CompletableFuture<Long> f =
              wal.append(type, payload.getBytes(StandardCharsets.UTF_8), key);
          Long existing = key == null ? null : m.keys.get(key);
          if (existing != null) {
            assertThat(f.get()).isEqualTo(existing);
          } else if (m.pending() >= MAX_PENDING) {
            assertThat(cause(f)).isInstanceOf(WalFullException.class);
          } else {
            long id = f.get();
            assertThat(id).isEqualTo(m.nextId);
            m.nextId = id + 1;
            m.entries.put(id, new Model.E(id, type, payload, key, clock.millis()));
            m.status.put(id, WalEntryStatus.PENDING);
            if (key != null) {
              m.keys.put(key, id);
            }
          }
        } else if (r < 80) {
          long id = pickId(m, rnd);
          WalEntryStatus to =
              rnd.nextInt(3) == 0 ? WalEntryStatus.ROLLED_BACK : WalEntryStatus.COMMITTED;
          CompletableFuture<Void> f =
              to == WalEntryStatus.COMMITTED ? wal.commit(id) : wal.rollback(id);
          WalEntryStatus now = m.status.get(id);
          if (now == null || (now != WalEntryStatus.PENDING && now != to)) {
            assertThat(cause(f)).isInstanceOf(WalException.class);
          } else {
            f.get();
            if (now == WalEntryStatus.PENDING) {
              m.status.put(id, to);
              m.resolvedAt.put(id, clock.millis());
            }
          }
        } else if (r < 88) {
          clock.advance(Duration.ofMinutes(rnd.nextInt(120)));
        } else if (r < 94) {
          Duration olderThan = Duration.ofMinutes(rnd.nextInt(180));
          CleanupResult res = wal.cleanup(olderThan).get();
          long cutoff = clock.millis() - olderThan.toMillis();
          long committed = 0;
          long rolledBack = 0;
          for (Long id : new ArrayList<>(m.status.keySet())) {
            WalEntryStatus s = m.status.get(id);
            if (s != WalEntryStatus.PENDING && m.resolvedAt.get(id) <= cutoff) {
              if (s == WalEntryStatus.COMMITTED) {
                committed++;
              } else {
                rolledBack++;
              }
              m.status.remove(id);
              m.resolvedAt.remove(id);
              Model.E e = m.entries.remove(id);
              if (e.key() != null) {
                m.keys.remove(e.key());
              }
            }
          }
          assertThat(res.committedDropped()).isEqualTo(committed);
          assertThat(res.rolledBackDropped()).isEqualTo(rolledBack);
        } else {
          wal.close();
          wal = UnifiedWal.open(config);
          assertThat(wal.recoveryReport().clean()).isTrue();
        }
        check(wal, m);
      }
    } finally {
      wal.close();
    }
  }

  private static long pickId(Model m, Random rnd) {
    if (m.entries.isEmpty() || rnd.nextInt(10) == 0) {
      return 1 + rnd.nextInt((int) m.nextId + 5);
    }
    List<Long> ids = new ArrayList<>(m.entries.keySet());
    return ids.get(rnd.nextInt(ids.size()));
  }

  private static void check(UnifiedWal wal, Model m) {
    List<WalEntry> pending = wal.pendingEntries();
    List<Long> expected = new ArrayList<>();
    for (Model.E e : m.entries.values()) {
      if (m.status.get(e.id()) == WalEntryStatus.PENDING) {
        expected.add(e.id());
      }
    }
    assertThat(pending).extracting(WalEntry::id).containsExactlyElementsOf(expected);
    for (WalEntry e : pending) {
      Model.E x = m.entries.get(e.id());
      assertThat(e.type()).isEqualTo(x.type());
      assertThat(e.payloadAsString()).isEqualTo(x.payload());
      assertThat(e.idempotencyKey()).isEqualTo(Optional.ofNullable(x.key()));
      assertThat(e.createdAt().toEpochMilli()).isEqualTo(x.created());
      assertThat(e.json().get("n").isInt()).isTrue();
    }
    for (long id = 1; id < m.nextId + 3; id++) {
      assertThat(wal.status(id))
          .as("status of %d", id)
          .isEqualTo(Optional.ofNullable(m.status.get(id)));
    }
    assertThat(wal.stats().pendingEntries()).isEqualTo(m.pending());
    assertThat(wal.stats().resolvedEntries()).isEqualTo(m.status.size() - m.pending());
    for (WalEntryType t : TYPES) {
      assertThat(wal.pendingEntries(t)).allMatch(e -> e.type().equals(t));
    }
  }

  private static Throwable cause(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }
}
