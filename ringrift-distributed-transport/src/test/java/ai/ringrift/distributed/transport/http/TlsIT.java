package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TLS: a self-signed certificate made with keytool")
class TlsIT {
  @TempDir static Path dir;
  private static SSLContext serverCtx;
  private static SSLContext clientCtx;

  @BeforeAll
  static void makeCertificate() throws Exception {
    Path ks = dir.resolve("node.p12");
    Process p =
        new ProcessBuilder(
                "keytool",
                "-genkeypair",
                "-alias",
                "node",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore",
                ks.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    } finally {
      p.destroyForcibly();
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    serverCtx = SSLContext.getInstance("TLS");
    serverCtx.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    clientCtx = SSLContext.getInstance("TLS");
    clientCtx.init(null, tmf.getTrustManagers(), null);
  }

  @Test
  void shouldDownloadVerifiedOverTls() throws Exception {
    Path node = dir.resolve("tls-node");
    Path model = TestNodes.randomFile(node.resolve("models/m.pth"), 2_500_000, 8);
    try (P2PServer s = TestNodes.start(node, b -> b.tls(serverCtx));
        P2PSyncClient c =
            P2PSyncClient.builder()
                .env(Map.of())
                .authToken(TestNodes.TOKEN)
                .tls(clientCtx)
                .peer("127.0.0.1", s.port())
                .requestTimeout(Duration.ofSeconds(10))
                .build()) {
      assertThat(c.peer().getScheme()).isEqualTo("https");
      assertThat(c.checkHealth().join()).isTrue();
      DownloadResult r = c.downloadFile("models", "m.pth", dir.resolve("out/m.pth")).join();
      assertThat(Files.mismatch(r.destination(), model)).isEqualTo(-1);
      try (P2PSyncClient plain =
          P2PSyncClient.builder()
              .env(Map.of())
              .authToken(TestNodes.TOKEN)
              .peer("127.0.0.1", s.port())
              .retries(0, Duration.ofMillis(10), Duration.ofMillis(10))
              .requestTimeout(Duration.ofSeconds(5))
              .build()) {
        assertThatThrownBy(() -> plain.getStatus().join()).cause().isInstanceOf(P2PException.class);
      }
    }
  }
}
