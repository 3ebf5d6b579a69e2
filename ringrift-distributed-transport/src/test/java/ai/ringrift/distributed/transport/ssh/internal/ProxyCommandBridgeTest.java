package ai.ringrift.distributed.transport.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ProxyCommandBridge.expand")
class ProxyCommandBridgeTest {
  @Test
  @DisplayName("expands %h, %p, %r and %% like OpenSSH, leaving unknown escapes alone")
  void shouldExpandTokens() {
    assertThat(
            ProxyCommandBridge.expand("cloudflared access ssh --hostname %h", "n.example", 22, "u"))
        .isEqualTo("cloudflared access ssh --hostname n.example");
    assertThat(ProxyCommandBridge.expand("nc %h %p # %r 100%% %x %", "h", 2222, "root"))
        .isEqualTo("nc h 2222 # root 100% %x %");
  }
}
