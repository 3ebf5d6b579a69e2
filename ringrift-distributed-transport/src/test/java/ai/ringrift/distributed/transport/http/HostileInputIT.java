package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("hostile input: nothing served that should not be, the service keeps answering")
class HostileInputIT {
  private static final String SECRET = "TOPSECRET-do-not-serve";

  @TempDir Path tmp;
  private P2PServer server;
  private P2PSyncClient client;
  private final ScheduledExecutorService pacer = Executors.newScheduledThreadPool(4);

  @BeforeEach
  void setUp() throws Exception {
    Path node = tmp.resolve("node");
    Files.createDirectories(node.resolve("models/hex8_2p"));
    Files.createDirectories(node.resolve("data/games"));
    Files.writeString(node.resolve("secret.txt"), SECRET);
    Files.writeString(node.resolve("data/secret.txt"), SECRET); // outside models, inside data
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("x.pth"), SECRET);
    TestNodes.randomFile(node.resolve("models/hex8_2p/best.pth"), 1 << 20, 3);
    TestNodes.randomFile(node.resolve("models/big.bin"), 48L << 20, 4);
    Files.createSymbolicLink(node.resolve("models/escape.pth"), node.resolve("secret.txt"));
    Files.createSymbolicLink(node.resolve("models/linkdir"), outside);
    Files.createSymbolicLink(
        node.resolve("models/alias.pth"), node.resolve("models/hex8_2p/best.pth"));
    Files.createSymbolicLink(node.resolve("data/games/escape.db"), node.resolve("secret.txt"));
    server =
        TestNodes.start(
            node,
            b ->
                b.requestTimeout(Duration.ofSeconds(2))
                    .idleTimeout(Duration.ofSeconds(3))
                    .writeStallTimeout(Duration.ofSeconds(2))
                    .maxConcurrentTransfers(2)
                    .maxHeaderBytes(8 * 1024)
                    .maxBodyBytes(64 * 1024));
    client = TestNodes.client(server.port());
  }

  @AfterEach
  void tearDown() {
    pacer.shutdownNow();
    client.close();
    server.close();
  }

  private void assertServiceAnswers() {
    assertThat(client.getStatus().join().nodeId()).isEqualTo("node");
  }

  @ParameterizedTest(name = "/files/models/{0}")
  @ValueSource(
      strings = {
        "../secret.txt",
        "..%2fsecret.txt",
        "..%2Fsecret.txt",
        "%2e%2e/secret.txt",
        "%2e%2e%2fsecret.txt",
        ".%2e/secret.txt",
        "%252e%252e/secret.txt",
        "%252e%252e%252fsecret.txt",
        "..%5csecret.txt",
        "..\\secret.txt",
        "hex8_2p/../../secret.txt",
        "hex8_2p/%2e%2e/%2e%2e/secret.txt",
        "%2fetc%2fpasswd",
        "/etc/passwd",
        "//etc/passwd",
        "..%c0%afsecret.txt",
        "..%u2216secret.txt",
        "secret.txt%00.pth",
        "%00",
        "./hex8_2p/best.pth",
        "hex8_2p//best.pth",
        "escape.pth",
        "linkdir/x.pth",
        "C:%5cwindows%5cwin.ini",
      })
  void shouldServeNothingOutsideTheCategoryRoot(String attempt) throws Exception {
    String res = TestNodes.rawGet(server.port(), "/files/models/" + attempt);
    assertThat(TestNodes.status(res)).as(res).isBetween(400, 499);
    assertThat(res).doesNotContain(SECRET);
    assertServiceAnswers();
  }

  @ParameterizedTest(name = "/sync/file?path={0}")
  @ValueSource(
      strings = {
        "../secret.txt",
        "..%2fsecret.txt",
        "%2e%2e%2fsecret.txt",
        "%252e%252e%252fsecret.txt",
        "..%5csecret.txt",
        "games/..%2f..%2fsecret.txt",
        "%2Fetc%2Fpasswd",
        "games/escape.db",
        "secret.txt%00",
        "games%2f%2e%2e%2f%2e%2e%2fsecret.txt",
      })
  void shouldServeNothingOutsideTheDataDirectory(String attempt) throws Exception {
    String res = TestNodes.rawGet(server.port(), "/sync/file?path=" + attempt);
    assertThat(TestNodes.status(res)).as(res).isBetween(400, 499);
    assertThat(res).doesNotContain(SECRET);
  }

  @Test
  void shouldServeSymlinksThatStayInsideTheRoot() throws Exception {
    String res = TestNodes.rawGet(server.port(), "/files/models/alias.pth");
    assertThat(TestNodes.status(res)).isEqualTo(200);
    assertThat(TestNodes.status(TestNodes.rawGet(server.port(), "/sync/file?path=secret.txt")))
        .isEqualTo(200); // inside the data directory: allowed, as the Python service does
  }

  @Test
  void shouldRejectOversizeHeadersAndBodies() throws Exception {
    String big = "x".repeat(20 * 1024);
    String res =
        TestNodes.raw(
            server.port(),
            "GET /status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestNodes.TOKEN
                + "\r\nX-Big: "
                + big
                + "\r\n\r\n");
    assertThat(TestNodes.status(res)).isEqualTo(431);
    String longLine =
        TestNodes.raw(server.port(), "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(TestNodes.status(longLine)).isIn(414, 431, 400);
    String body =
        TestNodes.raw(
            server.port(),
            "POST /games/fetch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestNodes.TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{\"game_ids\":[");
    assertThat(TestNodes.status(body)).isEqualTo(413);
    assertServiceAnswers();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GARBAGE\r\n\r\n",
        "GET /status HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /status HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
        "\u0000\u0001\u0002\u00ff\r\n\r\n",
        "GET /status%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + TestNodes.TOKEN
            + "\r\n\r\n",
        "POST /games/fetch HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "GET /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n",
      })
  void shouldSurviveMalformedHttp(String request) throws Exception {
    String res;
    try {
      res = TestNodes.raw(server.port(), request);
    } catch (SocketException e) {
      res = ""; // a reset is an acceptable answer to garbage
    }
    assertThat(res).doesNotContain(SECRET);
    if (!res.isEmpty()) {
      assertThat(TestNodes.status(res)).isBetween(400, 499);
    }
    assertServiceAnswers();
  }

  @Test
  void shouldDropAClientThatStopsReadingAndKeepServingOthers() throws Exception {
    double before = closed("write_stall");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setReceiveBufferSize(4096);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /files/models/big.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + TestNodes.TOKEN
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // Never read. Others are still served meanwhile, then the stalled connection is dropped.
      await().atMost(Duration.ofSeconds(5)).until(() -> activeTransfers() == 1);
      assertServiceAnswers();
      await().atMost(Duration.ofSeconds(15)).until(() -> closed("write_stall") > before);
      await().atMost(Duration.ofSeconds(5)).until(() -> activeTransfers() == 0);
    }
    assertServiceAnswers();
  }

  @Test
  void shouldCapConcurrentTransfersWith503() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setReceiveBufferSize(4096);
        s.getOutputStream()
            .write(
                ("GET /files/models/big.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + TestNodes.TOKEN
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        stalled.add(s);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> activeTransfers() == 2);
      String res = TestNodes.rawGet(server.port(), "/files/models/hex8_2p/best.pth");
      assertThat(TestNodes.status(res)).isEqualTo(503);
      assertThat(res).contains("Retry-After: 1");
      assertServiceAnswers();
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> activeTransfers() == 0);
    assertThat(TestNodes.status(TestNodes.rawGet(server.port(), "/files/models/hex8_2p/best.pth")))
        .isEqualTo(200);
  }

  @Test
  void shouldCloseSlowLorisClientsSendingOneByteASecond() throws Exception {
    String request =
        "GET /status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestNodes.TOKEN + "\r\n\r\n";
    int n = 20;
    List<Socket> sockets = new ArrayList<>();
    AtomicInteger closedByServer = new AtomicInteger();
    AtomicBoolean servedSlow = new AtomicBoolean();
    try {
      for (int i = 0; i < n; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        sockets.add(s);
        OutputStream out = s.getOutputStream();
        AtomicInteger pos = new AtomicInteger();
        pacer.scheduleAtFixedRate(
            () -> {
              int p = pos.getAndIncrement();
              if (p < request.length()) {
                try {
                  out.write(request.charAt(p));
                  out.flush();
                } catch (IOException e) {
                  // closed by the server: what we expect
                }
              }
            },
            0,
            1,
            TimeUnit.SECONDS);
        Thread reader =
            new Thread(
                () -> {
                  try (InputStream in = s.getInputStream()) {
                    byte[] b = in.readAllBytes();
                    if (new String(b, StandardCharsets.ISO_8859_1).contains("200 OK")) {
                      servedSlow.set(true);
                    }
                  } catch (IOException e) {
                    // reset: closed as well
                  }
                  closedByServer.incrementAndGet();
                });
        reader.setDaemon(true);
        reader.start();
      }
      // Meanwhile everyone else is served.
      assertServiceAnswers();
      await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer.get() == n);
      assertThat(servedSlow).isFalse();
      assertThat(closed("request_timeout")).isGreaterThanOrEqualTo(n);
      assertServiceAnswers();
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void shouldCloseIdleConnections() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(10_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server, no bytes
    }
    assertThat(closed("idle")).isGreaterThanOrEqualTo(1);
  }

  private double closed(String reason) {
    var c = server.meterRegistry().find("p2p_connections_closed").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  private double activeTransfers() {
    var g = server.meterRegistry().find("p2p_transfers_active").gauge();
    return g == null ? -1 : g.value();
  }
}
