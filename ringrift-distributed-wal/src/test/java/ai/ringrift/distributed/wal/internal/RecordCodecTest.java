package ai.ringrift.distributed.wal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.wal.WalEntryStatus;
import ai.ringrift.distributed.wal.WalEntryType;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RecordCodec")
class RecordCodecTest {
  private static final long SEED = Long.getLong("wal.codec.seed", System.nanoTime());

  private static RecordCodec.Record roundTrip(byte[] frame) {
    ByteBuffer b = ByteBuffer.wrap(frame);
    int len = b.getInt(0);
    assertThat(len).isEqualTo(frame.length - RecordCodec.FRAME_OVERHEAD);
    assertThat(RecordCodec.crcMatches(b, 0, len)).isTrue();
    return RecordCodec.decode(b, RecordCodec.FRAME_OVERHEAD, len);
  }

  @Test
  void shouldRoundTripEveryRecordKind() {
    byte[] payload = {1, 2, 3};
    RecordCodec.Entry e =
        (RecordCodec.Entry)
            roundTrip(RecordCodec.entry(7, 1000, WalEntryType.of("x.y"), "kéy", payload));
    assertThat(e.id()).isEqualTo(7);
    assertThat(e.type()).isEqualTo(WalEntryType.of("x.y"));
    assertThat(e.key()).isEqualTo("kéy");
    assertThat(e.payload()).containsExactly(1, 2, 3);
    RecordCodec.Entry noKey =
        (RecordCodec.Entry)
            roundTrip(RecordCodec.entry(8, 1, WalEntryType.GAME_RECORDED, null, new byte[0]));
    assertThat(noKey.key()).isNull();
    assertThat(roundTrip(RecordCodec.resolution(7, WalEntryStatus.ROLLED_BACK, 5)))
        .isEqualTo(new RecordCodec.Resolution(7, WalEntryStatus.ROLLED_BACK, 5));
    RecordCodec.Resolved r =
        new RecordCodec.Resolved(
            9, 1, WalEntryStatus.COMMITTED, 2, WalEntryType.SYNC_STARTED, null);
    assertThat(roundTrip(RecordCodec.resolved(r))).isEqualTo(r);
    assertThat(((RecordCodec.Forget) roundTrip(RecordCodec.forget(new long[] {3, 4}))).ids())
        .containsExactly(3, 4);
  }

  @Test
  void shouldDetectEverySingleBitFlipWithTheCrc() {
    byte[] frame = RecordCodec.entry(42, 99, WalEntryType.MODEL_TRAINED, "k", new byte[128]);
    for (int bit = RecordCodec.FRAME_OVERHEAD * 8; bit < frame.length * 8; bit++) {
      byte[] f = frame.clone();
      f[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(RecordCodec.crcMatches(ByteBuffer.wrap(f), 0, f.length - 8))
          .as("bit %d", bit)
          .isFalse();
    }
  }

  @Test
  void shouldRejectRandomBodiesWithIllegalArgumentOnly() {
    Random rnd = new Random(SEED);
    for (int i = 0; i < 20_000; i++) {
      byte[] body = new byte[1 + rnd.nextInt(64)];
      rnd.nextBytes(body);
      body[0] = (byte) (1 + rnd.nextInt(6));
      ByteBuffer b = ByteBuffer.allocate(8 + body.length);
      CRC32C crc = new CRC32C();
      crc.update(body);
      b.putInt(body.length).putInt((int) crc.getValue()).put(body);
      try {
        RecordCodec.decode(b, 8, body.length);
      } catch (IllegalArgumentException expected) {
        // a well-formed rejection
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + SEED + ": decoder threw " + e + " on random body", e);
      }
    }
  }
}
