package ai.ringrift.distributed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FaultProxy forwards, cuts, corrupts and blackholes")
class FaultProxyIT {
  private ServerSocket source;
  private Thread serving;
  private static final int SIZE = 200_000;

  /** A server that answers every connection with SIZE bytes (i % 251) and closes. */
  @BeforeEach
  void startSource() throws IOException {
    source = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    serving =
        new Thread(
            () -> {
              while (!source.isClosed()) {
                try (Socket s = source.accept();
                    OutputStream out = s.getOutputStream()) {
                  byte[] b = new byte[SIZE];
                  for (int i = 0; i < SIZE; i++) {
                    b[i] = (byte) (i % 251);
                  }
                  out.write(b);
                } catch (IOException e) {
                  // closed
                }
              }
            });
    serving.setDaemon(true);
    serving.start();
  }

  @AfterEach
  void stop() throws Exception {
    source.close();
    serving.join(5000);
  }

  private static byte[] fetch(FaultProxy p) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port())) {
      s.setSoTimeout(3000);
      InputStream in = s.getInputStream();
      return in.readAllBytes();
    }
  }

  @Test
  void shouldForwardCutAndCorrupt() throws Exception {
    try (FaultProxy p =
        FaultProxy.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), source.getLocalPort()))) {
      assertThat(fetch(p)).hasSize(SIZE);
      p.cutNextConnectionAfter(1000);
      assertThat(fetch(p)).hasSize(1000);
      assertThat(fetch(p)).hasSize(SIZE);
      p.corruptAt(500);
      byte[] bad = fetch(p);
      assertThat(bad[500]).isEqualTo((byte) ~(500 % 251));
      assertThat(bad[499]).isEqualTo((byte) (499 % 251));
      p.clearFaults().blackhole(true);
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port())) {
        s.setSoTimeout(300);
        try {
          int b = s.getInputStream().read();
          assertThat(b).as("a blackholed connection delivers nothing").isEqualTo(-2);
        } catch (SocketTimeoutException e) {
          // expected: no byte arrives
        }
      }
      assertThat(p.connectionsAccepted()).isEqualTo(5);
    }
  }
}
