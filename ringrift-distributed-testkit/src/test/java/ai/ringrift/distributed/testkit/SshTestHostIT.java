package ai.ringrift.distributed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SshTestHost: a real sshd on a loopback port")
class SshTestHostIT {

  @Test
  @DisplayName("OpenSSH logs in with the generated key under strict host key checking")
  void shouldAcceptTheGeneratedKeyAndCleanUp() throws Exception {
    SshTestHost host = SshTestHost.start();
    long pid = host.pid();
    try (host) {
      List<String> cmd = new ArrayList<>(host.sshCommand());
      cmd.add("echo hello-$((6*7))");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out + host.log()).isZero();
      assertThat(out).contains("hello-42");
      assertThat(host.hostKeyFingerprint()).startsWith("SHA256:");
    }
    assertThat(host.dir()).doesNotExist();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  @DisplayName("the stdio relay carries an SSH session as a ProxyCommand")
  void shouldRelayAsProxyCommand() throws Exception {
    try (SshTestHost host = SshTestHost.start()) {
      List<String> cmd = new ArrayList<>(host.sshCommand());
      cmd.addAll(
          cmd.size() - 1,
          List.of("-o", "ProxyCommand=" + StdioRelay.command(host.host(), host.port())));
      cmd.add("echo via-proxy");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out).contains("via-proxy");
    }
  }
}
