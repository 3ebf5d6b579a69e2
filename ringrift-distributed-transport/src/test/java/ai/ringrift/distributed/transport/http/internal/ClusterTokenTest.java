package ai.ringrift.distributed.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the cluster token: from the environment, checked in either header")
class ClusterTokenTest {
  @TempDir Path tmp;

  @Test
  void shouldPreferTheVariableThenTheFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("token"), "  from-file\n");
    assertThat(ClusterToken.fromEnv(Map.of())).isEmpty();
    assertThat(ClusterToken.fromEnv(Map.of(ClusterToken.ENV_TOKEN_FILE, f.toString())))
        .contains("from-file");
    assertThat(
            ClusterToken.fromEnv(
                Map.of(
                    ClusterToken.ENV_TOKEN, "direct", ClusterToken.ENV_TOKEN_FILE, f.toString())))
        .contains("direct");
    assertThatThrownBy(
            () ->
                ClusterToken.fromEnv(
                    Map.of(ClusterToken.ENV_TOKEN_FILE, tmp.resolve("nope").toString())))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void shouldAcceptEitherHeaderAndNothingElse() {
    assertThat(ClusterToken.matches("t0k", "Bearer t0k", null)).isTrue();
    assertThat(ClusterToken.matches("t0k", "bearer t0k", null)).isTrue();
    assertThat(ClusterToken.matches("t0k", null, "t0k")).isTrue();
    assertThat(ClusterToken.matches("t0k", "Bearer wrong", "t0k")).isTrue();
    assertThat(ClusterToken.matches("t0k", null, null)).isFalse();
    assertThat(ClusterToken.matches("t0k", "t0k", null)).isFalse();
    assertThat(ClusterToken.matches("t0k", "Basic t0k", "t0")).isFalse();
    assertThat(ClusterToken.matches("t0k", "Bearer t0k2", "t0k ")).isTrue();
  }
}
