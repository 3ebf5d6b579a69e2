package ai.ringrift.distributed.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.function.Consumer;

/** Helpers shared by the HTTP tests: services on loopback, files, raw sockets. */
final class TestNodes {
  static final String TOKEN = "test-cluster-token-0123456789";

  private TestNodes() {}

  /** A started service on an ephemeral loopback port with the token and a models category. */
  static P2PServer start(Path root, Consumer<P2PServer.Builder> extra) {
    P2PServer.Builder b =
        P2PServer.builder()
            .env(java.util.Map.of())
            .port(0)
            .authToken(TOKEN)
            .nodeId(root.getFileName().toString())
            .category("models", root.resolve("models"))
            .dataDir(root.resolve("data"));
    extra.accept(b);
    P2PServer s = b.build();
    s.start().join();
    return s;
  }

  static P2PSyncClient client(int port) {
    return P2PSyncClient.builder()
        .env(java.util.Map.of())
        .authToken(TOKEN)
        .peer("127.0.0.1", port)
        .requestTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(5))
        .retries(3, Duration.ofMillis(50), Duration.ofMillis(200))
        .build();
  }

  static Path randomFile(Path file, long size, long seed) throws IOException {
    Files.createDirectories(file.getParent());
    Random r = new Random(seed);
    byte[] buf = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = size;
      while (left > 0) {
        r.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        left -= n;
      }
    }
    return file;
  }

  /** Sends raw bytes and returns everything the server answers until it closes (or 10 s). */
  static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Sends one raw request with Connection: close and the token. */
  static String rawGet(int port, String target) throws IOException {
    return raw(
        port,
        "GET "
            + target
            + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + TOKEN
            + "\r\nConnection: close\r\n\r\n");
  }

  static int status(String rawResponse) {
    String[] first = rawResponse.split("\r\n", 2)[0].split(" ");
    return first.length > 1 ? Integer.parseInt(first[1]) : -1;
  }
}
