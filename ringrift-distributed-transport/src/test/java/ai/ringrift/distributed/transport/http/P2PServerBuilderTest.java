package ai.ringrift.distributed.transport.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("P2PServer.Builder validates and refuses an open tokenless service")
class P2PServerBuilderTest {
  @Test
  void shouldRefuseToServeBeyondLoopbackWithoutAToken() {
    assertThatThrownBy(() -> P2PServer.builder().env(Map.of()).bind("0.0.0.0").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a cluster token");
    assertThatCode(
            () -> P2PServer.builder().env(Map.of()).bind("0.0.0.0").insecure(true).build().close())
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                P2PServer.builder()
                    .env(Map.of("RINGRIFT_CLUSTER_AUTH_TOKEN", "t"))
                    .bind("0.0.0.0")
                    .build()
                    .close())
        .doesNotThrowAnyException();
    assertThatCode(() -> P2PServer.builder().env(Map.of()).build().close())
        .doesNotThrowAnyException();
  }

  @Test
  void shouldNameBadValues() {
    assertThatThrownBy(() -> P2PServer.builder().port(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> P2PServer.builder().category("Bad Name", Path.of("x")))
        .hasMessageContaining("Bad Name");
    assertThatThrownBy(() -> P2PServer.builder().env(Map.of("RINGRIFT_P2P_PORT", "eighty")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("eighty");
    assertThatThrownBy(() -> P2PServer.builder().maxConcurrentTransfers(0))
        .hasMessageContaining("0");
  }
}
