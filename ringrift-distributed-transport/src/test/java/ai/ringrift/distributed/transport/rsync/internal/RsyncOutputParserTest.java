package ai.ringrift.distributed.transport.rsync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.transport.TransferProgress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RsyncOutputParser")
class RsyncOutputParserTest {
  @Test
  @DisplayName("turns --progress lines into events for the current file and reads --stats")
  void shouldParseProgressAndStats() {
    List<TransferProgress> events = new ArrayList<>();
    RsyncOutputParser p = new RsyncOutputParser(events::add);
    for (String line :
        List.of(
            "sending incremental file list",
            "RRFILE models/a.pth",
            "         32,768   1%    0.00kB/s    0:00:00",
            "      3,000,000 100%  471.63MB/s    0:00:00 (xfr#1, to-chk=2/4)",
            "RRFILE sub/",
            "Number of files: 4 (reg: 2, dir: 2)",
            "Number of regular files transferred: 2",
            "Total file size: 3,000,003 bytes",
            "Total transferred file size: 3,000,003 bytes",
            "Literal data: 1,000,003 bytes",
            "Matched data: 2,000,000 bytes",
            "Total bytes sent: 1,000,917",
            "Total bytes received: 57",
            "sent 1,000,917 bytes  received 57 bytes  6,001,948.00 bytes/sec")) {
      p.line(line);
    }
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isEqualTo(new TransferProgress("models/a.pth", 32_768, 3_276_800, 0));
    assertThat(events.get(1).bytesTransferred()).isEqualTo(3_000_000);
    assertThat(events.get(1).totalBytes()).isEqualTo(3_000_000);
    assertThat(events.get(1).bytesPerSecond()).isEqualTo((long) (471.63 * 1024 * 1024));
    assertThat(p.statsSeen()).isTrue();
    assertThat(p.filesTransferred()).isEqualTo(2);
    assertThat(p.transferredFileSize()).isEqualTo(3_000_003);
    assertThat(p.literalBytes()).isEqualTo(1_000_003);
    assertThat(p.matchedBytes()).isEqualTo(2_000_000);
    assertThat(p.bytesSent()).isEqualTo(1_000_917);
    assertThat(p.bytesReceived()).isEqualTo(57);
  }

  @Test
  @DisplayName("a throwing listener is ignored")
  void shouldSurviveAThrowingListener() {
    RsyncOutputParser p =
        new RsyncOutputParser(
            e -> {
              throw new IllegalStateException("boom");
            });
    p.line("RRFILE a");
    p.line("  10 100%  1.00kB/s 0:00:00");
    p.line("Number of regular files transferred: 1");
    assertThat(p.filesTransferred()).isEqualTo(1);
  }
}
