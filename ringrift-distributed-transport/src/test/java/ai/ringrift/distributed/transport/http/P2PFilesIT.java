package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.testkit.FaultProxy;
import ai.ringrift.distributed.transport.TransportException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("P2P files: manifests, verified resumable downloads, auth, Python /sync/file")
class P2PFilesIT {
  @TempDir Path tmp;
  private P2PServer server;
  private P2PSyncClient client;
  private Path model;
  private final HttpClient jdk = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    Path node = tmp.resolve("node-a");
    model = TestNodes.randomFile(node.resolve("models/hex8_2p/best.pth"), 3 * 1024 * 1024 + 17, 1);
    TestNodes.randomFile(node.resolve("data/games/hex8_2p.db"), 100_000, 2);
    server = TestNodes.start(node, b -> {});
    client = TestNodes.client(server.port());
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
  }

  private static String sha(Path f) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(Files.readAllBytes(f));
    return HexFormat.of().formatHex(d.digest());
  }

  private HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    headers.forEach(b::header);
    return jdk.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void shouldListManifestWithSha256() throws Exception {
    FileManifest m = client.getManifest("models").join();
    assertThat(m.files()).hasSize(1);
    FileManifest.Entry e = m.files().get(0);
    assertThat(e.path()).isEqualTo("hex8_2p/best.pth");
    assertThat(e.size()).isEqualTo(Files.size(model));
    assertThat(e.sha256()).isEqualTo(sha(model));
  }

  @Test
  void shouldDownloadVerifyAndSkipWhenUpToDate() throws Exception {
    Path dest = tmp.resolve("b/models/hex8_2p/best.pth");
    DownloadResult r = client.downloadFile("models", "hex8_2p/best.pth", dest).join();
    assertThat(r.skipped()).isFalse();
    assertThat(r.bytesTransferred()).isEqualTo(Files.size(model));
    assertThat(Files.mismatch(dest, model)).isEqualTo(-1);
    assertThat(r.sha256()).isEqualTo(sha(model));
    DownloadResult again = client.downloadFile("models", "hex8_2p/best.pth", dest).join();
    assertThat(again.skipped()).isTrue();
    assertThat(again.bytesTransferred()).isZero();
    try (var s = Files.list(dest.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("best.pth");
    }
  }

  @Test
  void shouldResumeADownloadCutMidFileAndVerifyIt() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.address());
        P2PSyncClient viaProxy =
            P2PSyncClient.builder()
                .env(Map.of())
                .authToken(TestNodes.TOKEN)
                .peer("127.0.0.1", proxy.port())
                .retries(0, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10))
                .build()) {
      proxy.cutAfter(1024 * 1024);
      Path dest = tmp.resolve("c/best.pth");
      assertThatThrownBy(() -> viaProxy.downloadFile("models", "hex8_2p/best.pth", dest).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(P2PException.class)
          .extracting(t -> ((TransportException) t).fault())
          .isEqualTo(TransportException.Fault.HOST);
      assertThat(dest).doesNotExist();
      Path partial;
      try (var s = Files.list(dest.getParent())) {
        partial = s.filter(p -> p.toString().endsWith(".partial")).findFirst().orElseThrow();
      }
      long kept = Files.size(partial);
      assertThat(kept).isPositive().isLessThan(Files.size(model));
      proxy.clearFaults();

      DownloadResult r = viaProxy.downloadFile("models", "hex8_2p/best.pth", dest).join();
      assertThat(r.resumedFrom()).isEqualTo(kept);
      assertThat(r.bytesTransferred()).isEqualTo(Files.size(model) - kept);
      assertThat(Files.mismatch(dest, model)).isEqualTo(-1);
      assertThat(partial).doesNotExist();
    }
  }

  @Test
  void shouldCatchACorruptedByteWithTheChecksumAndRetryClean() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.address());
        P2PSyncClient viaProxy =
            P2PSyncClient.builder()
                .env(Map.of())
                .authToken(TestNodes.TOKEN)
                .peer("127.0.0.1", proxy.port())
                .retries(0, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10))
                .build()) {
      proxy.corruptAt(2 * 1024 * 1024);
      Path dest = tmp.resolve("d/best.pth");
      assertThatThrownBy(() -> viaProxy.downloadFile("models", "hex8_2p/best.pth", dest).join())
          .cause()
          .isInstanceOf(P2PException.ChecksumMismatch.class)
          .extracting(t -> ((TransportException) t).fault())
          .isEqualTo(TransportException.Fault.INTEGRITY);
      assertThat(dest).doesNotExist();
      try (var s = Files.list(dest.getParent())) {
        assertThat(s.filter(p -> p.toString().endsWith(".partial"))).isEmpty();
      }
      proxy.clearFaults();
      DownloadResult r = viaProxy.downloadFile("models", "hex8_2p/best.pth", dest).join();
      assertThat(r.sha256()).isEqualTo(sha(model));
      assertThat(Files.mismatch(dest, model)).isEqualTo(-1);
    }
  }

  @Test
  void shouldServeRangesWithEtag() throws Exception {
    String sha = sha(model);
    HttpResponse<byte[]> r =
        get(
            "/files/models/hex8_2p/best.pth",
            Map.of("Authorization", "Bearer " + TestNodes.TOKEN, "Range", "bytes=100-199"));
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("ETag")).contains("\"" + sha + "\"");
    assertThat(r.headers().firstValue("Content-Range"))
        .contains("bytes 100-199/" + Files.size(model));
    byte[] all = Files.readAllBytes(model);
    assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 100, 200));

    HttpResponse<byte[]> stale =
        get(
            "/files/models/hex8_2p/best.pth",
            Map.of(
                "Authorization", "Bearer " + TestNodes.TOKEN,
                "Range", "bytes=100-199",
                "If-Range", "\"0000\""));
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).hasSize(all.length);

    HttpResponse<byte[]> beyond =
        get(
            "/files/models/hex8_2p/best.pth",
            Map.of("Authorization", "Bearer " + TestNodes.TOKEN, "Range", "bytes=999999999-"));
    assertThat(beyond.statusCode()).isEqualTo(416);
  }

  @Test
  void shouldAnswerPythonSyncFileWithEitherHeader() throws Exception {
    Path db = tmp.resolve("node-a/data/games/hex8_2p.db");
    for (Map<String, String> auth :
        List.of(
            Map.of("Authorization", "Bearer " + TestNodes.TOKEN),
            Map.of("X-RingRift-Auth", TestNodes.TOKEN))) {
      HttpResponse<byte[]> r = get("/sync/file?path=games/hex8_2p.db", auth);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/octet-stream");
      assertThat(r.headers().firstValue("X-Checksum")).contains(sha(db));
      assertThat(r.body()).isEqualTo(Files.readAllBytes(db));
    }
    // A leading slash is stripped, as the Python service does.
    assertThat(
            get("/sync/file?path=/games/hex8_2p.db", Map.of("X-RingRift-Auth", TestNodes.TOKEN))
                .statusCode())
        .isEqualTo(200);
    HttpResponse<byte[]> missing =
        get("/sync/file?path=games/nope.db", Map.of("X-RingRift-Auth", TestNodes.TOKEN));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new String(missing.body())).contains("\"error\":\"Not found\"");
    Path dest = tmp.resolve("e/hex8_2p.db");
    client.downloadSyncFile("games/hex8_2p.db", dest).join();
    assertThat(Files.mismatch(dest, db)).isEqualTo(-1);
  }

  @Test
  void shouldServeAPythonUrllibClientLikeTheClusterDownloadsIt() throws Exception {
    // What app/distributed/p2p_sync_client.py _download_file does, with the stdlib instead of
    // aiohttp: GET /sync/file?path=, write, compare SHA-256 with X-Checksum when present.
    Path db = tmp.resolve("node-a/data/games/hex8_2p.db");
    Path out = tmp.resolve("py/hex8_2p.db");
    Files.createDirectories(out.getParent());
    String script =
        String.join(
            "\n",
            "import hashlib, sys, urllib.request",
            "port, token, header, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]",
            "req = urllib.request.Request('http://127.0.0.1:%s/sync/file?path=games/hex8_2p.db' % port)",
            "req.add_header(header, ('Bearer ' + token) if header == 'Authorization' else token)",
            "with urllib.request.urlopen(req, timeout=30) as r:",
            "    data = r.read()",
            "    want = r.headers.get('X-Checksum')",
            "got = hashlib.sha256(data).hexdigest()",
            "open(out, 'wb').write(data)",
            "print('OK' if want == got else 'MISMATCH %s %s' % (want, got))");
    for (String header : List.of("Authorization", "X-RingRift-Auth")) {
      Process p =
          new ProcessBuilder(
                  "python3",
                  "-c",
                  script,
                  Integer.toString(server.port()),
                  TestNodes.TOKEN,
                  header,
                  out.toString())
              .redirectErrorStream(true)
              .start();
      try {
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes()).strip()).isEqualTo("OK");
        assertThat(Files.mismatch(out, db)).isEqualTo(-1);
      } finally {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void shouldRequireTheTokenEverywhereButLiveness() throws Exception {
    assertThat(get("/health", Map.of()).statusCode()).isEqualTo(200);
    for (String path :
        List.of(
            "/ready",
            "/status",
            "/metrics",
            "/game_counts",
            "/manifest/models",
            "/files/models/hex8_2p/best.pth",
            "/sync/file?path=games/hex8_2p.db",
            "/games/ids")) {
      for (Map<String, String> h :
          List.of(
              Map.<String, String>of(),
              Map.of("Authorization", "Bearer wrong"),
              Map.of("X-RingRift-Auth", TestNodes.TOKEN + "x"),
              Map.of("Authorization", TestNodes.TOKEN))) {
        HttpResponse<byte[]> r = get(path, h);
        assertThat(r.statusCode()).as(path + " " + h).isEqualTo(401);
        assertThat(new String(r.body())).isEqualTo("{\"error\":\"unauthorized\"}");
      }
    }
    try (P2PSyncClient noToken =
        P2PSyncClient.builder().env(Map.of()).peer("127.0.0.1", server.port()).build()) {
      assertThatThrownBy(() -> noToken.getStatus().join())
          .cause()
          .isInstanceOf(P2PException.Unauthorized.class);
      assertThatThrownBy(
              () -> noToken.downloadFile("models", "hex8_2p/best.pth", tmp.resolve("x")).join())
          .cause()
          .isInstanceOf(P2PException.Unauthorized.class);
    }
  }

  @Test
  void shouldReportStatusAndMetrics() throws Exception {
    PeerStatus s = client.getStatus().join();
    assertThat(s.nodeId()).isEqualTo("node-a");
    assertThat(s.gameCount()).isZero();
    assertThat(s.fields()).containsKeys("disk", "manifests", "uptime_seconds", "version");
    client.getManifest("models").join();
    get("/nope", Map.of("Authorization", "Bearer " + TestNodes.TOKEN));
    HttpResponse<byte[]> m = get("/metrics", Map.of("Authorization", "Bearer " + TestNodes.TOKEN));
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(new String(m.body()))
        .contains("p2p_request_errors_total")
        .contains("p2p_requests_total")
        .contains("reason=\"not_found\"");
    assertThatThrownBy(() -> client.getManifest("nope").join())
        .cause()
        .isInstanceOf(P2PException.NotFound.class);
  }

  @Test
  void shouldServeAHundredConcurrentClients() throws Exception {
    List<P2PSyncClient> clients = new ArrayList<>();
    List<CompletableFuture<DownloadResult>> downloads = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        P2PSyncClient c = TestNodes.client(server.port());
        clients.add(c);
        downloads.add(
            c.downloadFile(
                "models",
                "hex8_2p/best.pth",
                tmp.resolve("many/" + i + "/best.pth"),
                null,
                java.time.Duration.ofSeconds(60),
                ai.ringrift.distributed.transport.TransferListener.NONE));
      }
      CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new)).join();
      String want = sha(model);
      for (CompletableFuture<DownloadResult> d : downloads) {
        assertThat(d.join().sha256()).isEqualTo(want);
      }
    } finally {
      clients.forEach(P2PSyncClient::close);
    }
  }

  @Test
  void shouldPullFilesWhenAskedThroughSyncPull() throws Exception {
    Path other = tmp.resolve("node-b");
    try (P2PServer b = TestNodes.start(other, x -> {})) {
      Map<String, Object> res =
          client
              .withPeer("127.0.0.1", b.port())
              .requestPull(
                  "node-a", "127.0.0.1", server.port(), "models", List.of("hex8_2p/best.pth"))
              .join();
      assertThat(res).containsEntry("success", true).containsEntry("files_completed", 1);
      assertThat(Files.mismatch(other.resolve("models/hex8_2p/best.pth"), model)).isEqualTo(-1);
      Map<String, Object> py =
          client
              .withPeer("127.0.0.1", b.port())
              .requestPull("node-a", "127.0.0.1", server.port(), null, List.of("games/hex8_2p.db"))
              .join();
      assertThat(py).containsEntry("success", true);
      assertThat(other.resolve("data/games/hex8_2p.db")).exists();
      assertThatThrownBy(
              () ->
                  client
                      .withPeer("127.0.0.1", b.port())
                      .requestPull(
                          "node-a",
                          "127.0.0.1",
                          server.port(),
                          "models",
                          List.of("../../etc/passwd"))
                      .join())
          .cause()
          .isInstanceOf(P2PException.class)
          .extracting(t -> ((P2PException) t).status())
          .isEqualTo(400);
    }
  }
}
