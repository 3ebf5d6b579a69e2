package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.health.breaker.BreakerRegistry;
import ai.ringrift.distributed.health.breaker.CircuitState;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.transport.ProbeResult;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransferRequest;
import ai.ringrift.distributed.transport.TransferResult;
import ai.ringrift.distributed.transport.TransportException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("HttpTransport and P2PFallbackSync over real services")
class TransportAndFallbackIT {
  @TempDir Path tmp;
  private P2PServer a;
  private P2PServer b;
  private GameStore storeB;
  private GameDbGenerator genB;
  private P2PSyncClient client;
  private HttpTransport transport;

  @BeforeEach
  void setUp() throws Exception {
    TestNodes.randomFile(tmp.resolve("a/models/hex8_2p/best.pth"), 700_000, 5);
    TestNodes.randomFile(tmp.resolve("a/models/hex8_2p/old.pth"), 1000, 6);
    TestNodes.randomFile(tmp.resolve("a/models/sq8/best.onnx"), 2000, 7);
    a = TestNodes.start(tmp.resolve("a"), x -> {});
    Path gamesB = Files.createDirectories(tmp.resolve("b/data/games"));
    genB = GameDbGenerator.create(gamesB.resolve("hex8_2p.db"), GameDbGenerator.Layout.V18, 99);
    genB.bulk(12, "hex8", 2);
    genB.bulk(3, "square8", 2);
    storeB = GameStore.builder(gamesB).build();
    b = TestNodes.start(tmp.resolve("b"), x -> x.gameSource(GameSource.of(storeB)));
    client = TestNodes.client(a.port());
    transport =
        HttpTransport.builder().client(client).advertise("a", "127.0.0.1", a.port()).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    transport.close();
    client.close();
    b.close();
    a.close();
    storeB.close();
    genB.close();
  }

  private static RemoteHost host(String name, int port) {
    return RemoteHost.builder(name).sshHost("127.0.0.1").p2pPort(port).build();
  }

  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void shouldPullOneFileAndATreeWithGlobs() throws Exception {
    Path dest = tmp.resolve("local/best.pth");
    TransferResult one =
        transport
            .pull(
                host("a", a.port()),
                TransferRequest.builder(dest, "models/hex8_2p/best.pth").build())
            .join();
    assertThat(one.filesTransferred()).isEqualTo(1);
    assertThat(Files.mismatch(dest, tmp.resolve("a/models/hex8_2p/best.pth"))).isEqualTo(-1);

    Path tree = tmp.resolve("tree");
    TransferResult t =
        transport
            .pull(
                host("a", a.port()),
                TransferRequest.builder(tree, "models/").include("*.pth").exclude("old*").build())
            .join();
    assertThat(t.filesTransferred()).isEqualTo(1);
    assertThat(tree.resolve("hex8_2p/best.pth")).exists();
    assertThat(tree.resolve("hex8_2p/old.pth")).doesNotExist();
    assertThat(tree.resolve("sq8/best.onnx")).doesNotExist();
    TransferResult again =
        transport
            .pull(
                host("a", a.port()),
                TransferRequest.builder(tree, "models/").include("*.pth").exclude("old*").build())
            .join();
    assertThat(again.filesTransferred()).isZero();
    assertThat(again.bytesTransferred()).isZero();
  }

  @Test
  void shouldPushByAskingThePeerToPull() throws Exception {
    TransferResult r =
        transport
            .push(
                host("b", b.port()),
                TransferRequest.builder(
                        tmp.resolve("a/models/sq8/best.onnx"), "models/sq8/best.onnx")
                    .build())
            .join();
    assertThat(r.bytesTransferred()).isEqualTo(2000);
    assertThat(
            Files.mismatch(
                tmp.resolve("b/models/sq8/best.onnx"), tmp.resolve("a/models/sq8/best.onnx")))
        .isEqualTo(-1);
  }

  @Test
  void shouldTryTheNextAddressAndReportProbes() throws Exception {
    RemoteHost twoAddresses =
        RemoteHost.builder("a")
            .tailscaleIp("127.0.0.2")
            .sshHost("127.0.0.1")
            .p2pPort(a.port())
            .build();
    TransferResult r =
        transport
            .pull(
                twoAddresses,
                TransferRequest.builder(tmp.resolve("x/best.pth"), "models/hex8_2p/best.pth")
                    .build())
            .join();
    assertThat(r.filesTransferred()).isEqualTo(1);
    ProbeResult ok = transport.probe(twoAddresses).join();
    assertThat(ok.reachable()).isTrue();
    assertThat(ok.detail()).isEqualTo("127.0.0.1:" + a.port());
    ProbeResult dead = transport.probe(host("dead", deadPort())).join();
    assertThat(dead.reachable()).isFalse();
  }

  @Test
  void shouldFailBadRequestsAsRequestFaults() {
    assertThatThrownBy(
            () ->
                transport
                    .pull(
                        host("a", a.port()),
                        TransferRequest.builder(tmp.resolve("y"), "models/none.pth").build())
                    .join())
        .cause()
        .isInstanceOf(P2PException.NotFound.class)
        .extracting(t -> ((TransportException) t).fault())
        .isEqualTo(TransportException.Fault.REQUEST);
    assertThatThrownBy(
            () ->
                transport
                    .pull(
                        host("a", a.port()),
                        TransferRequest.builder(tmp.resolve("y"), "models/x")
                            .deleteExtraneous(true)
                            .build())
                    .join())
        .cause()
        .isInstanceOf(P2PException.class);
  }

  @Test
  void shouldFallBackToTheNextHostAndSkipOpenBreakers() throws Exception {
    Path gamesC = Files.createDirectories(tmp.resolve("c/data/games"));
    try (GameStore storeC = GameStore.builder(gamesC).build()) {
      BreakerRegistry breakers = BreakerRegistry.builder().build();
      RemoteHost dead = host("dead", deadPort());
      P2PFallbackSync sync =
          P2PFallbackSync.builder(dead, List.of(host("b", b.port())), Duration.ofSeconds(30))
              .client(
                  P2PSyncClient.builder()
                      .env(Map.of())
                      .authToken(TestNodes.TOKEN)
                      .retries(0, Duration.ofMillis(10), Duration.ofMillis(10))
                      .build())
              .sink(GameSink.of(storeC))
              .breakers(breakers)
              .build();
      P2PFallbackSync.Result r = sync.pullGames("hex8", 5).join();
      assertThat(r.gamesByHost()).containsExactly(Map.entry("b", 12L));
      assertThat(r.failures()).containsOnlyKeys("dead");
      assertThat(r.satisfied()).isTrue();

      // Two more failures open the dead host's breaker; then it is skipped without a connection.
      sync.pullGames("hex8", 5).join();
      sync.pullGames("hex8", 5).join();
      assertThat(breakers.hostBreaker("dead").state()).isEqualTo(CircuitState.OPEN);
      P2PFallbackSync.Result skipped = sync.pullGames(null, 1).join();
      assertThat(skipped.skipped()).containsExactly("dead");
      assertThat(skipped.gamesByHost())
          .containsExactly(Map.entry("b", 3L)); // only the square8 ones are new
      assertThat(breakers.hostBreaker("b").state()).isEqualTo(CircuitState.CLOSED);
    }
  }
}
