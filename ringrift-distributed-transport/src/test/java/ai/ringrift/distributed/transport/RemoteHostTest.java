package ai.ringrift.distributed.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.health.breaker.HostFault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RemoteHostTest {
  @Test
  void shouldTryTailscaleBeforeSshHost() {
    RemoteHost h =
        RemoteHost.builder("gpu-1").sshHost("203.0.113.10").tailscaleIp("100.64.0.1").build();
    assertThat(h.addresses()).containsExactly("100.64.0.1", "203.0.113.10");
  }

  @Test
  void shouldUseTheNameAsAddressWhenNothingElseIsSet() {
    assertThat(RemoteHost.builder("laptop").build().addresses()).containsExactly("laptop");
  }

  @Test
  void shouldSplitUserFromUserAtHost() {
    RemoteHost h = RemoteHost.builder("vast").sshHost("root@198.51.100.23").build();
    assertThat(h.sshUser()).isEqualTo("root");
    assertThat(h.addresses()).containsExactly("198.51.100.23");
  }

  @Test
  void shouldExpandTildeInKeyPath() {
    RemoteHost h = RemoteHost.builder("a").sshKey(Path.of("~/.ssh/id_cluster")).build();
    assertThat(h.sshKey()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh/id_cluster"));
  }

  @Test
  void shouldNameTheHostAndValueOfABadPort() {
    assertThatThrownBy(() -> RemoteHost.builder("gpu-1").sshPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpu-1")
        .hasMessageContaining("70000");
  }

  @Test
  void shouldNeverPrintTheTunnelSecret() {
    RemoteHost h =
        RemoteHost.builder("vast")
            .cloudflareTunnel("vast.example.com", "token-id", "s3cr3t-value")
            .build();
    assertThat(h.toString()).contains("vast.example.com").doesNotContain("s3cr3t-value");
    assertThat(h.cloudflareTokenSecret()).contains("s3cr3t-value");
  }

  @Test
  void shouldRejectHalfAServiceToken() {
    assertThatThrownBy(() -> RemoteHost.builder("v").cloudflareTunnel("t.example.com", "id", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void transferRequestDefaultsNeverDelete() {
    TransferRequest r = TransferRequest.builder(Path.of("/tmp/x"), "data/x").build();
    assertThat(r.deleteExtraneous()).isFalse();
    assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(r.bandwidthLimitBytesPerSecond()).isEmpty();
    assertThatThrownBy(() -> TransferRequest.builder(Path.of("/tmp/x"), "x").expectedSha256("abc"))
        .hasMessageContaining("abc");
  }

  @Test
  void onlyHostAndIntegrityFailuresAreRetryable() {
    assertThat(
            new TransportException("x", "h", "rsync", TransportException.Fault.HOST, null)
                .isRetryable())
        .isTrue();
    assertThat(
            new TransportException("x", "h", "http", TransportException.Fault.REQUEST, null)
                .isRetryable())
        .isFalse();
  }

  @Test
  void hostBreakersCountOnlyHostFaultsOfEveryTransport() {
    for (TransportException.Fault f : TransportException.Fault.values()) {
      TransportException e = new TransportException("x", "h", "rsync", f, null);
      assertThat(HostFault.countsAgainstHost(new CompletionException(e)))
          .as("fault %s", f)
          .isEqualTo(f == TransportException.Fault.HOST);
    }
  }
}
