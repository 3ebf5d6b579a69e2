package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.ringrift.distributed.testkit.FaultProxy;
import ai.ringrift.distributed.transport.TransferListener;
import ai.ringrift.distributed.transport.TransportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the client under network faults: timeouts, deadlines, retries with resume, cancel")
class ClientFaultsIT {
  @TempDir Path tmp;
  private P2PServer server;
  private FaultProxy proxy;
  private Path model;

  @BeforeEach
  void setUp() throws Exception {
    model = TestNodes.randomFile(tmp.resolve("n/models/m.pth"), 4 << 20, 11);
    server = TestNodes.start(tmp.resolve("n"), b -> {});
    proxy = FaultProxy.start(server.address());
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    server.close();
  }

  private P2PSyncClient client(int retries, Duration request, Duration read) {
    return P2PSyncClient.builder()
        .env(Map.of())
        .authToken(TestNodes.TOKEN)
        .peer("127.0.0.1", proxy.port())
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(request)
        .readTimeout(read)
        .retries(retries, Duration.ofMillis(20), Duration.ofMillis(100))
        .build();
  }

  @Test
  void shouldTimeOutOnABlackholedPeer() {
    proxy.blackhole(true);
    try (P2PSyncClient c = client(0, Duration.ofMillis(800), Duration.ofMillis(800))) {
      assertThatThrownBy(() -> c.getStatus().get(20, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(P2PException.Timeout.class)
          .extracting(t -> ((TransportException) t).fault())
          .isEqualTo(TransportException.Fault.HOST);
    }
  }

  @Test
  void shouldStopASlowDownloadAtTheDeadlineAndKeepThePartialFile() throws Exception {
    proxy.throttle(256 * 1024);
    try (P2PSyncClient c = client(0, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      Path dest = tmp.resolve("slow/m.pth");
      CompletableFuture<DownloadResult> f =
          c.downloadFile(
              "models", "m.pth", dest, null, Duration.ofSeconds(2), TransferListener.NONE);
      assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(P2PException.Timeout.class);
      assertThat(dest).doesNotExist();
      try (var s = Files.list(dest.getParent())) {
        assertThat(s.filter(p -> p.toString().endsWith(".partial"))).hasSize(1);
      }
      proxy.clearFaults();
      DownloadResult r = c.downloadFile("models", "m.pth", dest).get(30, TimeUnit.SECONDS);
      assertThat(r.resumedFrom()).isPositive();
      assertThat(Files.mismatch(dest, model)).isEqualTo(-1);
    }
  }

  @Test
  void shouldRetryAResetDownloadAndResumeWithinOneCall() throws Exception {
    proxy.resetAfter(1 << 20);
    try (P2PSyncClient c = client(3, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      Path dest = tmp.resolve("reset/m.pth");
      CompletableFuture<DownloadResult> f = c.downloadFile("models", "m.pth", dest);
      // Let the first attempts fail, then heal the network: the same call finishes by resuming.
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.connectionsAccepted() >= 2);
      proxy.clearFaults();
      DownloadResult r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.resumedFrom()).isPositive();
      assertThat(r.bytesTransferred()).isLessThan(Files.size(model));
      assertThat(Files.mismatch(dest, model)).isEqualTo(-1);
    }
  }

  @Test
  void shouldCancelADownloadAndFreeTheServersTransferSlot() throws Exception {
    proxy.throttle(128 * 1024);
    try (P2PSyncClient c = client(0, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      Path dest = tmp.resolve("cancel/m.pth");
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<DownloadResult> f =
          c.downloadFile(
              "models", "m.pth", dest, null, Duration.ofSeconds(60), p -> started.countDown());
      assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(f.cancel(true)).isTrue();
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> server.meterRegistry().find("p2p_transfers_active").gauge().value() == 0);
      assertThat(dest).doesNotExist();
    }
  }
}
