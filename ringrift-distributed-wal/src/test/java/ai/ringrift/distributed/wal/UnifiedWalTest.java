package ai.ringrift.distributed.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.testkit.FakeClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("UnifiedWal")
class UnifiedWalTest {
  @TempDir Path dir;
  private final FakeClock clock = FakeClock.create();
  private final List<UnifiedWal> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(UnifiedWal::close);
  }

  private UnifiedWal open(WalConfig.Builder b) {
    UnifiedWal wal = UnifiedWal.open(b.clock(clock).build());
    opened.add(wal);
    return wal;
  }

  private UnifiedWal open() {
    return open(WalConfig.builder(dir));
  }

  private UnifiedWal reopen(UnifiedWal wal) {
    wal.close();
    return open(wal.config().toBuilder());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get();
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("future succeeded: " + f.join());
  }

  // ---- Basics ----
  @Test
  void shouldReturnIncreasingIdsAndListPendingEntriesOldestFirst() {
    UnifiedWal wal = open();
    long a = wal.append(WalEntryType.GAME_RECORDED, bytes("a")).join();
    long b = wal.appendJson(WalEntryType.SYNC_STARTED, Map.of("host", "h1")).join();
    assertThat(b).isGreaterThan(a);
    assertThat(wal.pendingEntries()).extracting(WalEntry::id).containsExactly(a, b);
    assertThat(wal.pendingEntries(WalEntryType.SYNC_STARTED))
        .singleElement()
        .satisfies(e -> assertThat(e.json().get("host").asText()).isEqualTo("h1"));
    assertThat(wal.pendingEntries().get(0).payloadAsString()).isEqualTo("a");
    assertThat(wal.pendingEntries().get(0).createdAt()).isEqualTo(clock.instant());
  }

  @Test
  void shouldKeepCommitsRollbacksAndPendingAcrossReopen() {
    UnifiedWal wal = open();
    long a = wal.append(WalEntryType.GAME_RECORDED, bytes("a")).join();
    long b = wal.append(WalEntryType.MODEL_TRAINED, bytes("b")).join();
    long c = wal.append(WalEntryType.of("CUSTOM_THING"), bytes("c"), "key-c").join();
    wal.commit(a).join();
    wal.rollback(b).join();
    wal = reopen(wal);
    assertThat(wal.recoveryReport().clean()).isTrue();
    assertThat(wal.status(a)).contains(WalEntryStatus.COMMITTED);
    assertThat(wal.status(b)).contains(WalEntryStatus.ROLLED_BACK);
    assertThat(wal.pendingEntries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.id()).isEqualTo(c);
              assertThat(e.type()).isEqualTo(WalEntryType.of("CUSTOM_THING"));
              assertThat(e.idempotencyKey()).contains("key-c");
              assertThat(e.payloadAsString()).isEqualTo("c");
            });
    long d = wal.append(WalEntryType.GAME_RECORDED, bytes("d")).join();
    assertThat(d).isGreaterThan(c);
  }

  @Test
  void shouldRefuseToCommitARolledBackEntryAndUnknownIds() {
    UnifiedWal wal = open();
    long a = wal.append(WalEntryType.GAME_RECORDED, bytes("a")).join();
    wal.rollback(a).join();
    wal.rollback(a).join(); // idempotent
    assertThat(failure(wal.commit(a)))
        .isInstanceOf(WalException.class)
        .hasMessageContaining("already ROLLED_BACK");
    assertThat(failure(wal.commit(999)))
        .isInstanceOf(WalException.class)
        .hasMessageContaining("999");
  }

  @Test
  void shouldReturnTheExistingIdForARetriedAppendWithTheSameKey() {
    UnifiedWal wal = open();
    long a = wal.append(WalEntryType.GAME_RECORDED, bytes("a"), "game-1").join();
    long again = wal.append(WalEntryType.GAME_RECORDED, bytes("a"), "game-1").join();
    assertThat(again).isEqualTo(a);
    wal.commit(a).join();
    wal = reopen(wal);
    assertThat(wal.append(WalEntryType.GAME_RECORDED, bytes("a"), "game-1").join()).isEqualTo(a);
    assertThat(wal.stats().pendingEntries()).isZero();
  }

  // ---- Limits ----
  @Test
  void shouldFailAppendsPastMaxPendingWithWalFullException() {
    UnifiedWal wal = open(WalConfig.builder(dir).maxPending(2));
    long a = wal.append(WalEntryType.GAME_RECORDED, bytes("a")).join();
    wal.append(WalEntryType.GAME_RECORDED, bytes("b")).join();
    assertThat(failure(wal.append(WalEntryType.GAME_RECORDED, bytes("c"))))
        .isInstanceOf(WalFullException.class)
        .hasMessageContaining("2 pending");
    wal.commit(a).join();
    assertThat(wal.append(WalEntryType.GAME_RECORDED, bytes("c")).join()).isPositive();
  }

  @Test
  void shouldRefuseASecondOpenOfTheSameDirectory() {
    open();
    assertThatThrownBy(() -> UnifiedWal.open(dir))
        .isInstanceOf(WalException.class)
        .hasMessageContaining("already open");
  }

  @Test
  void shouldFailOperationsAfterCloseAndCloseIdempotently() {
    UnifiedWal wal = UnifiedWal.open(dir);
    long a = wal.append(WalEntryType.GAME_RECORDED, bytes("a")).join();
    wal.close();
    wal.close();
    assertThat(failure(wal.commit(a))).isInstanceOf(WalClosedException.class);
    assertThat(failure(wal.append(WalEntryType.GAME_RECORDED, bytes("b"))))
        .isInstanceOf(WalClosedException.class);
    UnifiedWal again = open();
    assertThat(again.pendingEntries()).extracting(WalEntry::id).containsExactly(a);
  }

  @Test
  void shouldRejectPayloadsLargerThanASegment() {
    UnifiedWal wal = open(WalConfig.builder(dir).segmentSize(4096));
    assertThatThrownBy(() -> wal.append(WalEntryType.GAME_RECORDED, new byte[5000]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5000");
  }

  // ---- Segments ----
  @Test
  void shouldDropResolvedEntriesOlderThanTheCutoffAndSayWhat() {
    UnifiedWal wal = open();
    long a = wal.append(WalEntryType.GAME_RECORDED, bytes("a"), "k").join();
    long b = wal.append(WalEntryType.GAME_RECORDED, bytes("b")).join();
    long c = wal.append(WalEntryType.GAME_RECORDED, bytes("c")).join();
    wal.commit(a).join();
    wal.rollback(b).join();
    clock.advance(Duration.ofHours(2));
    wal.commit(c).join();
    CleanupResult r = wal.cleanup(Duration.ofHours(1)).join();
    assertThat(r.committedDropped()).isEqualTo(1);
    assertThat(r.rolledBackDropped()).isEqualTo(1);
    assertThat(wal.status(a)).isEmpty();
    assertThat(wal.status(c)).contains(WalEntryStatus.COMMITTED);
    wal = reopen(wal);
    assertThat(wal.status(a)).isEmpty();
    assertThat(wal.status(b)).isEmpty();
    assertThat(wal.status(c)).contains(WalEntryStatus.COMMITTED);
    // the key is free again once its entry is dropped
    assertThat(wal.append(WalEntryType.GAME_RECORDED, bytes("a"), "k").join()).isGreaterThan(c);
  }

  @Test
  void shouldDeleteOldSegmentsAndCarryALongPendingEntryForward() throws Exception {
    UnifiedWal wal = open(WalConfig.builder(dir).segmentSize(4096));
    long old = wal.append(WalEntryType.SYNC_STARTED, bytes("long-pending")).join();
    byte[] payload = new byte[500];
    for (int i = 0; i < 200; i++) {
      long id = wal.append(WalEntryType.GAME_RECORDED, payload).join();
      wal.commit(id).join();
    }
    wal.cleanup(Duration.ZERO).join();
    WalStats stats = wal.stats();
    assertThat(stats.segments()).isLessThanOrEqualTo(3);
    assertThat(segmentFiles()).hasSize(stats.segments());
    assertThat(segmentFiles()).doesNotContain(dir.resolve("00000000000000000001.wal"));
    assertThat(stats.fsyncs()).isPositive();
    wal = reopen(wal);
    assertThat(wal.pendingEntries()).extracting(WalEntry::id).containsExactly(old);
    assertThat(wal.pendingEntries().get(0).payloadAsString()).isEqualTo("long-pending");
  }

  private List<Path> segmentFiles() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
    }
  }
}
