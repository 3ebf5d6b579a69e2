package ai.ringrift.distributed.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.transport.http.GamePayload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("game frames: length-prefixed JSON in gzip, with an end frame")
class GameFramesTest {
  private static byte[] stream(int games, boolean finish) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GameFrames.Writer w = new GameFrames.Writer(out);
    for (int i = 0; i < games; i++) {
      w.write(
          new GamePayload(
              "g" + i,
              ("{\"game_id\":\"g" + i + "\",\"x\":\"" + "y".repeat(i * 100) + "\"}")
                  .getBytes(StandardCharsets.UTF_8)));
    }
    if (finish) {
      w.finish();
    }
    return out.toByteArray();
  }

  @Test
  void shouldRoundTripEveryGameThenEnd() throws Exception {
    try (GameFrames.Reader r = new GameFrames.Reader(new ByteArrayInputStream(stream(50, true)))) {
      for (int i = 0; i < 50; i++) {
        assertThat(new String(r.next(), StandardCharsets.UTF_8))
            .startsWith("{\"game_id\":\"g" + i + "\"");
      }
      assertThat(r.next()).isNull();
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void shouldRejectAStreamCutBeforeItsEndFrame() throws Exception {
    byte[] whole = stream(20, true);
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    assertThatThrownBy(
            () -> {
              try (GameFrames.Reader r = new GameFrames.Reader(new ByteArrayInputStream(cut))) {
                while (r.next() != null) {
                  // drain
                }
              }
            })
        .isInstanceOf(EOFException.class);
    byte[] unfinished = stream(3, false);
    assertThatThrownBy(
            () -> {
              try (GameFrames.Reader r =
                  new GameFrames.Reader(new ByteArrayInputStream(unfinished))) {
                while (r.next() != null) {
                  // drain
                }
              }
            })
        .isInstanceOf(IOException.class);
  }
}
