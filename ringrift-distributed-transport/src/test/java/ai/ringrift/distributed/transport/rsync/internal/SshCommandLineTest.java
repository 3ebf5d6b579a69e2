package ai.ringrift.distributed.transport.rsync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.distributed.transport.rsync.RsyncException;
import ai.ringrift.distributed.transport.ssh.HostKeyPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SshCommandLine and exit codes")
class SshCommandLineTest {
  static RsyncSettings settings(HostKeyPolicy policy) {
    return new RsyncSettings(
        Path.of("/usr/bin/rsync"),
        "ssh",
        Path.of("/k/known hosts"),
        policy,
        Duration.ofSeconds(7),
        Duration.ofSeconds(60),
        "cloudflared access ssh --hostname %h",
        false,
        4);
  }

  @Test
  @DisplayName("offers one key, no agent, strict known_hosts; quotes arguments with spaces")
  void shouldBuildASafeRemoteShell() {
    SshCommandLine c =
        SshCommandLine.of(
            settings(HostKeyPolicy.STRICT), Path.of("/keys/id_cluster"), 2222, null, null, null);
    String rsh = c.rsh();
    assertThat(rsh)
        .startsWith("ssh -F /dev/null -i /keys/id_cluster ")
        .contains(
            "-o IdentitiesOnly=yes",
            "-o IdentityAgent=none",
            "-o BatchMode=yes",
            "-o StrictHostKeyChecking=yes",
            "-o \"UserKnownHostsFile=/k/known hosts\"",
            "-o ConnectTimeout=7")
        .endsWith("-p 2222")
        .doesNotContain("ProxyCommand");
    assertThat(c.environment()).isEmpty();
  }

  @Test
  @DisplayName("a tunnel adds the ProxyCommand and puts the token in the environment only")
  void shouldPutTheTokenInTheEnvironment() {
    SshCommandLine c =
        SshCommandLine.of(
            settings(HostKeyPolicy.ACCEPT_NEW),
            Path.of("/k"),
            22,
            "cloudflared access ssh --hostname %h",
            "id-1",
            "secret-1");
    assertThat(c.rsh())
        .contains("-o \"ProxyCommand=cloudflared access ssh --hostname %h\"")
        .contains("StrictHostKeyChecking=accept-new")
        .doesNotContain("secret-1")
        .doesNotContain("id-1");
    assertThat(c.toString()).doesNotContain("secret-1");
    assertThat(c.environment())
        .containsEntry("TUNNEL_SERVICE_TOKEN_ID", "id-1")
        .containsEntry("TUNNEL_SERVICE_TOKEN_SECRET", "secret-1");
  }

  @Test
  @DisplayName("quotes for rsync -e and for the remote shell")
  void shouldQuote() {
    assertThat(SshCommandLine.quote("a b")).isEqualTo("\"a b\"");
    assertThat(SshCommandLine.quote("say \"hi\"")).isEqualTo("'say \"hi\"'");
    assertThatThrownBy(() -> SshCommandLine.quote("'\" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SshCommandLine.shellQuote("it's")).isEqualTo("'it'\\''s'");
  }

  @Test
  @DisplayName("maps rsync exit codes to kinds and faults")
  void shouldMapExitCodes() {
    assertThat(RsyncException.Kind.ofExitCode(255)).isEqualTo(RsyncException.Kind.CONNECTION);
    assertThat(RsyncException.Kind.ofExitCode(12)).isEqualTo(RsyncException.Kind.CONNECTION);
    assertThat(RsyncException.Kind.ofExitCode(10)).isEqualTo(RsyncException.Kind.CONNECTION);
    assertThat(RsyncException.Kind.ofExitCode(30)).isEqualTo(RsyncException.Kind.TIMEOUT);
    assertThat(RsyncException.Kind.ofExitCode(35)).isEqualTo(RsyncException.Kind.TIMEOUT);
    assertThat(RsyncException.Kind.ofExitCode(23)).isEqualTo(RsyncException.Kind.PARTIAL_ERROR);
    assertThat(RsyncException.Kind.ofExitCode(24)).isEqualTo(RsyncException.Kind.PARTIAL);
    assertThat(RsyncException.Kind.ofExitCode(1)).isEqualTo(RsyncException.Kind.REQUEST);
    assertThat(RsyncException.Kind.ofExitCode(137)).isEqualTo(RsyncException.Kind.OTHER);
    RsyncException e = new RsyncException(RsyncException.Kind.ofExitCode(255), 255, "m", "h", null);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.transport()).isEqualTo("rsync");
    assertThat(
            new RsyncException(RsyncException.Kind.LIVE_DATABASE, -1, "m", "h", null).isRetryable())
        .isFalse();
  }
}
