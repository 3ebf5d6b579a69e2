package ai.ringrift.distributed.wal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.wal.RecoveryReport;
import ai.ringrift.distributed.wal.UnifiedWal;
import ai.ringrift.distributed.wal.WalConfig;
import ai.ringrift.distributed.wal.WalEntry;
import ai.ringrift.distributed.wal.WalEntryStatus;
import ai.ringrift.distributed.wal.WalEntryType;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 2 preallocated segments on real files: the zero tail is a clean end in every segment, a
 * cut zeroes everything after it so stale records never come back, and format 1 segments (no zero
 * tail) are still read and appended to.
 */
@DisplayName("preallocated segments")
class PreallocationTest {
  private static final int SEGMENT = 4096;
  @TempDir Path root;

  private static WalConfig config(Path dir) {
    return WalConfig.builder(dir).segmentSize(SEGMENT).build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Path> segments(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
    }
  }

  /** The offset after the last non-zero byte. */
  private static long logicalEnd(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    int end = b.length;
    while (end > 0 && b[end - 1] == 0) {
      end--;
    }
    return end;
  }

  private static Map<Long, String> pending(UnifiedWal wal) {
    Map<Long, String> out = new LinkedHashMap<>();
    for (WalEntry e : wal.pendingEntries()) {
      out.put(e.id(), e.payloadAsString());
    }
    return out;
  }

  @Test
  void shouldTreatTheZeroTailOfEverySegmentAsACleanEnd() throws Exception {
    Path dir = root.resolve("w");
    Map<Long, String> written = new LinkedHashMap<>();
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      for (int i = 0; i < 200; i++) {
        String p = "entry-" + i + "-" + "y".repeat(i % 40);
        written.put(wal.append(WalEntryType.GAME_RECORDED, bytes(p)).join(), p);
      }
      assertThat(wal.stats().bytes()).isLessThan((long) SEGMENT * wal.stats().segments());
    }
    List<Path> segs = segments(dir);
    assertThat(segs).hasSizeGreaterThanOrEqualTo(3);
    for (Path s : segs) {
      // preallocated: full size on disk, records followed by zeros
      assertThat(Files.size(s)).isEqualTo(SEGMENT);
      assertThat(logicalEnd(s)).isLessThan(SEGMENT);
    }
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      RecoveryReport r = wal.recoveryReport();
      assertThat(r.clean()).as("%s", r.problems()).isTrue();
      assertThat(r.bytesDropped()).isZero();
      assertThat(pending(wal)).isEqualTo(written);
    }
  }

  @Test
  void shouldNeverResurrectStaleRecordsBeyondACut() throws Exception {
    Path dir = root.resolve("w");
    List<Long> ids = new ArrayList<>();
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      for (int i = 0; i < 20; i++) {
        ids.add(
            wal.append(WalEntryType.GAME_RECORDED, bytes("old-" + i + "-" + "z".repeat(60)))
                .join());
      }
    }
    List<Path> segs = segments(dir);
    Path last = segs.get(segs.size() - 1);
    long end = logicalEnd(last);
    // Corrupt a byte in the middle of the last segment's records.
    long at = 32 + (end - 32) / 2;
    try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
    Map<Long, String> survivors;
    long cutBytes;
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      RecoveryReport r = wal.recoveryReport();
      assertThat(r.bytesDropped()).isPositive();
      assertThat(r.recordsDropped()).isPositive();
      cutBytes = r.bytesDropped();
      survivors = pending(wal);
      assertThat(survivors.size()).isLessThan(ids.size());
      // the cut region is zeros on disk before anything new is written
      byte[] content = Files.readAllBytes(last);
      assertThat(logicalEnd(last)).isLessThanOrEqualTo(at);
      for (long i = logicalEnd(last); i < content.length; i++) {
        assertThat(content[(int) i]).isZero();
      }
      // Append fewer bytes than were cut: stale records past the new end must stay dead.
      long id = wal.append(WalEntryType.GAME_RECORDED, bytes("new")).join();
      assertThat((long) "new".length() + 64).isLessThan(cutBytes);
      survivors.put(id, "new");
    }
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      RecoveryReport r = wal.recoveryReport();
      assertThat(r.clean()).as("%s", r.problems()).isTrue();
      assertThat(pending(wal)).isEqualTo(survivors);
    }
  }

  @Test
  void shouldReadAndExtendAVersion1SegmentWithoutAZeroTail() throws Exception {
    Path dir = root.resolve("v1");
    Files.createDirectories(dir);
    ByteArrayOutputStream seg = new ByteArrayOutputStream();
    seg.write(Segment.header(1, 1, (short) 1));
    for (int i = 1; i <= 5; i++) {
      seg.write(
          RecordCodec.entry(i, 1000L * i, WalEntryType.MODEL_TRAINED, null, bytes("v1-" + i)));
    }
    seg.write(RecordCodec.resolution(2, WalEntryStatus.COMMITTED, 9000L));
    byte[] full = seg.toByteArray();
    // a torn last record: a version-1 log ends where the file ends
    byte[] torn = RecordCodec.entry(6, 6000L, WalEntryType.MODEL_TRAINED, null, bytes("v1-6"));
    Path file = dir.resolve(Segment.fileName(1));
    try (var out = Files.newOutputStream(file)) {
      out.write(full);
      out.write(torn, 0, torn.length - 3);
    }
    Map<Long, String> expected = new LinkedHashMap<>();
    for (long i : new long[] {1, 3, 4, 5}) {
      expected.put(i, "v1-" + i);
    }
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      RecoveryReport r = wal.recoveryReport();
      assertThat(r.bytesDropped()).isEqualTo(torn.length - 3);
      assertThat(r.recordsDropped()).isEqualTo(1);
      assertThat(pending(wal)).isEqualTo(expected);
      long id = wal.append(WalEntryType.MODEL_TRAINED, bytes("after")).join();
      assertThat(id).isEqualTo(6);
      expected.put(id, "after");
    }
    try (UnifiedWal wal = UnifiedWal.open(config(dir))) {
      assertThat(wal.recoveryReport().clean()).as("%s", wal.recoveryReport().problems()).isTrue();
      assertThat(pending(wal)).isEqualTo(expected);
    }
  }
}
