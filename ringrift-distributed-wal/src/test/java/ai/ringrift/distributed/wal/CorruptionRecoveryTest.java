package ai.ringrift.distributed.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncation and bit flips at random offsets of the last segment (a torn or damaged tail is cut and
 * reported; no corrupt entry is ever returned), and damage to an older segment (an error naming
 * file and offset, or a reported repair).
 */
@DisplayName("recovery from damaged segments")
class CorruptionRecoveryTest {
  private static final long SEED = Long.getLong("wal.corruption.seed", System.nanoTime());
  @TempDir Path root;

  private WalConfig config(Path dir) {
    return WalConfig.builder(dir)
        .segmentSize(4096)
        .durability(WalConfig.Durability.OS_BUFFERED)
        .build();
  }

  /** Writes 120 pending entries over several segments; returns id → payload. */
  private Map<Long, String> populate(Path dir) {
    Map<Long, String> written = new HashMap<>();
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      for (int i = 0; i < 120; i++) {
        String p = "payload-" + i + "-" + "x".repeat(i % 50);
        written.put(wal.append(WalEntryType.GAME_RECORDED, bytes(p)).join(), p);
      }
    }
    return written;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Path> segments(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
    }
  }

  /** Every entry returned is one that was written, byte for byte, and they form a prefix. */
  private static void assertPrefixOf(UnifiedWal wal, Map<Long, String> written) {
    List<WalEntry> pending = wal.pendingEntries();
    for (int i = 0; i < pending.size(); i++) {
      WalEntry e = pending.get(i);
      assertThat(e.payloadAsString()).isEqualTo(written.get(e.id()));
      assertThat(e.id()).isEqualTo(i + 1L);
    }
  }

  @Test
  void shouldCutATruncatedLastSegmentAndReportWhatWasDropped() throws Exception {
    Random rnd = new Random(SEED);
    for (int trial = 0; trial < 20; trial++) {
      Path dir = root.resolve("t" + trial);
      Map<Long, String> written = populate(dir);
      List<Path> segs = segments(dir);
      Path last = segs.get(segs.size() - 1);
      long size = logicalEnd(last);
      long cut = 32 + (long) rnd.nextInt((int) (size - 32));
      try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
        f.setLength(cut);
      }
      try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
        RecoveryReport r = wal.recoveryReport();
        assertPrefixOf(wal, written);
        assertThat(r.bytesDropped()).as("seed %d", SEED).isLessThan(size - 32);
        assertThat(wal.pendingEntries().size()).isLessThanOrEqualTo(written.size());
        if (r.bytesDropped() > 0) {
          assertThat(r.recordsDropped()).isPositive();
          assertThat(r.problems()).singleElement().asString().contains(last.toString());
        }
        // the WAL keeps working after the cut, with ids above every surviving one
        int survivors = wal.pendingEntries().size();
        long id = wal.append(WalEntryType.GAME_RECORDED, bytes("after")).join();
        assertThat(id).isGreaterThan(survivors);
        assertThat(wal.pendingEntries()).hasSize(survivors + 1);
      }
    }
  }

  @Test
  void shouldNeverReturnAnEntryDamagedByABitFlipInTheLastSegment() throws Exception {
    Random rnd = new Random(SEED);
    for (int trial = 0; trial < 30; trial++) {
      Path dir = root.resolve("f" + trial);
      Map<Long, String> written = populate(dir);
      List<Path> segs = segments(dir);
      Path last = segs.get(segs.size() - 1);
      long size = logicalEnd(last);
      long at = 32 + (long) rnd.nextInt((int) (size - 32));
      flip(last, at, rnd);
      try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
        RecoveryReport r = wal.recoveryReport();
        assertPrefixOf(wal, written);
        assertThat(r.bytesDropped()).as("seed %d flip at %d", SEED, at).isPositive();
        assertThat(r.problems()).singleElement().asString().contains(last.toString());
        assertThat(wal.pendingEntries().size()).isLessThan(written.size());
      }
    }
  }

  @Test
  void shouldRefuseADamagedOlderSegmentNamingFileAndOffsetUnlessRepairing() throws Exception {
    Random rnd = new Random(SEED);
    Path dir = root.resolve("older");
    Map<Long, String> written = populate(dir);
    List<Path> segs = segments(dir);
    assertThat(segs).hasSizeGreaterThan(2);
    Path first = segs.get(0);
    long at = 32 + (long) rnd.nextInt((int) (logicalEnd(first) - 32));
    flip(first, at, rnd);
    assertThatThrownBy(() -> UnifiedWal.open(config(dir)))
        .isInstanceOfSatisfying(
            WalCorruptionException.class,
            e -> {
              assertThat(e.file()).isEqualTo(first);
              assertThat(e.offset()).isBetween(32L, at);
              assertThat(e.getMessage())
                  .contains(first.toString())
                  .contains("offset " + e.offset());
            });
    try (UnifiedWal wal = UnifiedWal.open(config(dir).toBuilder().repairCorruption(true).build())) {
      RecoveryReport r = wal.recoveryReport();
      assertThat(r.problems()).singleElement().asString().contains(first.toString());
      assertThat(r.bytesDropped()).isPositive();
      for (WalEntry e : wal.pendingEntries()) {
        assertThat(e.payloadAsString()).isEqualTo(written.get(e.id()));
      }
      assertThat(wal.pendingEntries().size()).isLessThan(written.size());
    }
    // the repair is on disk: a plain open now succeeds
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      assertThat(wal.recoveryReport().clean()).isTrue();
    }
  }

  @Test
  void shouldRefuseADamagedOlderSegmentHeader() throws Exception {
    Path dir = root.resolve("header");
    populate(dir);
    Path first = segments(dir).get(0);
    flip(first, 9, new Random(SEED));
    assertThatThrownBy(() -> UnifiedWal.open(config(dir)))
        .isInstanceOf(WalCorruptionException.class)
        .hasMessageContaining(first.toString())
        .hasMessageContaining("header");
  }

  /** The offset after the last non-zero byte: the end of the records before the zero tail. */
  static long logicalEnd(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    int end = b.length;
    while (end > 0 && b[end - 1] == 0) {
      end--;
    }
    return end;
  }

  private static void flip(Path file, long at, Random rnd) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ (1 << rnd.nextInt(8)));
    }
  }
}
