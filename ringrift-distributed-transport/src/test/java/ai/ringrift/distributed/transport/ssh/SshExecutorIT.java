package ai.ringrift.distributed.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.ringrift.distributed.testkit.SshTestHost;
import ai.ringrift.distributed.testkit.StdioRelay;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransportException;
import ai.ringrift.distributed.transport.ssh.internal.MinaSshExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SshExecutor against a real OpenSSH sshd")
class SshExecutorIT {
  static SshTestHost sshd;
  static SshExecutor ssh;
  static RemoteHost host;

  @BeforeAll
  static void start() {
    sshd = SshTestHost.start();
    host = hostFor(sshd).build();
    ssh =
        SshExecutor.builder()
            .knownHosts(sshd.knownHosts())
            .connectTimeout(Duration.ofSeconds(10))
            .maxOutputBytes(64 * 1024)
            .build();
  }

  @AfterAll
  static void stop() {
    if (ssh != null) {
      ssh.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  static RemoteHost.Builder hostFor(SshTestHost sshd) {
    return RemoteHost.builder("test-node")
        .sshHost(sshd.host())
        .sshPort(sshd.port())
        .sshUser(sshd.user())
        .sshKey(sshd.userKey());
  }

  static <T> Throwable failure(CompletableFuture<T> f) throws InterruptedException {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future did not complete within 60 s", e);
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }

  /**
   * Kills a remote command by the PID it wrote: OpenSSH leaves a command running when its channel
   * closes, and the test must not leave it behind.
   */
  static void killRemote(Path pidFile) throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  @Nested
  @DisplayName("commands")
  class Commands {
    @Test
    @DisplayName("returns exit code, stdout and stderr")
    void shouldReturnExitCodeAndOutput() {
      CommandResult r = ssh.run(host, "echo out; echo err >&2; exit 3").join();
      assertThat(r.exitCode()).isEqualTo(3);
      assertThat(r.isSuccess()).isFalse();
      assertThat(r.stdout()).isEqualTo("out\n");
      assertThat(r.stderr()).isEqualTo("err\n");
      assertThat(r.host()).isEqualTo("test-node");
      assertThat(r.stdoutTruncated()).isFalse();
      assertThat(r.duration()).isPositive();
    }

    @Test
    @DisplayName("keeps the first bytes of large output and flags the truncation")
    void shouldTruncateLargeOutput() {
      CommandResult r = ssh.run(host, "head -c 3000000 /dev/zero | tr '\\0' x").join();
      assertThat(r.exitCode()).isZero();
      assertThat(r.stdout()).hasSize(64 * 1024).matches("x+");
      assertThat(r.stdoutTruncated()).isTrue();
      assertThat(r.stderrTruncated()).isFalse();
    }

    @Test
    @DisplayName("runs on many hosts in parallel over pooled connections")
    void shouldRunInParallel() {
      List<RemoteHost> hosts = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        hosts.add(hostFor(sshd).sshHost(sshd.host()).build().toBuilder().build());
      }
      hosts.add(
          RemoteHost.builder("nowhere")
              .sshHost("127.0.0.1")
              .sshPort(SshTestHost.freePort())
              .sshKey(sshd.userKey())
              .build());
      List<HostCommandResult> results = ssh.runParallel(hosts, "echo ok-$((20+1))").join();
      assertThat(results).hasSize(21);
      assertThat(results.subList(0, 20))
          .allSatisfy(
              r -> {
                assertThat(r.isSuccess()).isTrue();
                assertThat(r.result().stdout()).isEqualTo("ok-21\n");
              });
      HostCommandResult last = results.get(20);
      assertThat(last.host()).isEqualTo("nowhere");
      assertThat(last.error()).isNotNull();
      assertThat(last.error().reason()).isEqualTo(SshException.Reason.CONNECT);
      assertThat(((MinaSshExecutor) ssh).openConnections()).isBetween(1, 20);
    }

    @Test
    @DisplayName("a command past its timeout fails with TIMEOUT and the connection stays usable")
    void shouldTimeOut(@TempDir Path dir) throws Exception {
      Path pid = dir.resolve("pid");
      Throwable t =
          failure(ssh.run(host, "echo $$ > " + pid + "; exec sleep 30", Duration.ofMillis(800)));
      killRemote(pid);
      assertThat(t).isInstanceOf(SshException.class);
      assertThat(((SshException) t).reason()).isEqualTo(SshException.Reason.TIMEOUT);
      assertThat(((SshException) t).fault()).isEqualTo(TransportException.Fault.HOST);
      assertThat(t.getMessage()).contains("test-node").contains("PT0.8S");
      assertThat(ssh.run(host, "echo after").join().stdout()).isEqualTo("after\n");
    }

    @Test
    @DisplayName("reads the memory of a remote host and of the local host")
    void shouldDetectMemory() {
      HostMemory remote = ssh.detectHostMemory(host).join();
      HostMemory local = ssh.detectLocalMemory().join();
      assertThat(remote.host()).isEqualTo("test-node");
      assertThat(local.host()).isEqualTo(HostMemory.LOCAL);
      assertThat(remote.cpuTotalGb()).isPositive().isEqualTo(local.cpuTotalGb());
      assertThat(remote.cpuAvailableGb()).isPositive().isLessThanOrEqualTo(remote.cpuTotalGb());
      assertThat(remote.gpus()).isEqualTo(local.gpus());
    }
  }

  @Test
  @DisplayName("cancelling a command closes its channel and frees its slot on the connection")
  void shouldCloseTheChannelOnCancel(@TempDir Path dir) throws Exception {
    try (SshExecutor one =
        SshExecutor.builder().knownHosts(sshd.knownHosts()).maxChannelsPerConnection(1).build()) {
      Path pid = dir.resolve("pid");
      CompletableFuture<CommandResult> f = one.run(host, "echo $$ > " + pid + "; exec sleep 60");
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pid) && Files.size(pid) > 0);
      assertThat(f.cancel(true)).isTrue();
      killRemote(pid);
      assertThat(failure(f)).isInstanceOf(CancellationException.class);
      // One channel per connection: the next command reuses the connection only if the cancelled
      // command's channel was closed and its slot returned.
      assertThat(one.run(host, "echo next").join().stdout()).isEqualTo("next\n");
      assertThat(((MinaSshExecutor) one).openConnections()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("idle connections are closed after the idle timeout")
  void shouldCloseIdleConnections() {
    try (SshExecutor quick =
        SshExecutor.builder()
            .knownHosts(sshd.knownHosts())
            .idleTimeout(Duration.ofMillis(300))
            .build()) {
      assertThat(quick.run(host, "true").join().exitCode()).isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ((MinaSshExecutor) quick).openConnections() == 0);
    }
  }

  @Nested
  @DisplayName("host keys")
  class HostKeys {
    @Test
    @DisplayName("a different recorded key is refused with host and fingerprint in the message")
    void shouldRefuseAChangedHostKey(@TempDir Path dir) throws Exception {
      Path other = SshTestHost.generateKey(dir.resolve("other_host_key"), "ed25519");
      String[] pub = Files.readString(Path.of(other + ".pub")).trim().split("\\s+");
      Path knownHosts = dir.resolve("known_hosts");
      Files.writeString(
          knownHosts, "[127.0.0.1]:" + sshd.port() + " " + pub[0] + " " + pub[1] + "\n");
      for (HostKeyPolicy policy : HostKeyPolicy.values()) {
        try (SshExecutor strict =
            SshExecutor.builder().knownHosts(knownHosts).hostKeyPolicy(policy).build()) {
          Throwable t = failure(strict.run(host, "true"));
          assertThat(t).isInstanceOf(SshException.class);
          assertThat(((SshException) t).reason()).isEqualTo(SshException.Reason.HOST_KEY);
          assertThat(((SshException) t).isRetryable()).isFalse();
          assertThat(t.getMessage())
              .contains("test-node")
              .contains("127.0.0.1:" + sshd.port())
              .contains(sshd.hostKeyFingerprint())
              .contains("differs");
        }
      }
      assertThat(Files.readString(knownHosts))
          .doesNotContain(Files.readString(Path.of(sshd.hostKey() + ".pub")).split("\\s+")[1]);
    }

    @Test
    @DisplayName("an unknown host is refused under STRICT and recorded under ACCEPT_NEW")
    void shouldRefuseUnknownUnlessAcceptNew(@TempDir Path dir) throws Exception {
      Path knownHosts = dir.resolve("known_hosts");
      try (SshExecutor strict = SshExecutor.builder().knownHosts(knownHosts).build()) {
        Throwable t = failure(strict.run(host, "true"));
        assertThat(((SshException) t).reason()).isEqualTo(SshException.Reason.HOST_KEY);
        assertThat(t.getMessage()).contains(sshd.hostKeyFingerprint()).contains("not in");
      }
      try (SshExecutor acceptNew =
          SshExecutor.builder()
              .knownHosts(knownHosts)
              .hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW)
              .build()) {
        assertThat(acceptNew.run(host, "echo first").join().stdout()).isEqualTo("first\n");
      }
      assertThat(Files.readString(knownHosts)).contains("[127.0.0.1]:" + sshd.port());
      try (SshExecutor strict = SshExecutor.builder().knownHosts(knownHosts).build()) {
        assertThat(strict.run(host, "echo again").join().stdout()).isEqualTo("again\n");
      }
    }
  }

  @Nested
  @DisplayName("connection failures")
  class ConnectionFailures {
    @Test
    @DisplayName("a key the server does not authorize fails fast with AUTHENTICATION")
    void shouldFailFastOnAWrongUserKey(@TempDir Path dir) throws Exception {
      Path wrong = SshTestHost.generateKey(dir.resolve("id_wrong"), "ed25519");
      try (SshExecutor slowTimeouts =
          SshExecutor.builder()
              .knownHosts(sshd.knownHosts())
              .connectTimeout(Duration.ofMinutes(5))
              .commandTimeout(Duration.ofMinutes(5))
              .build()) {
        CompletableFuture<CommandResult> f =
            slowTimeouts.run(hostFor(sshd).sshKey(wrong).build(), "true");
        // Far below the 5 minute timeouts: the refusal itself ends the attempt.
        Throwable t = failure(f);
        assertThat(t).isInstanceOf(SshException.class);
        assertThat(((SshException) t).reason()).isEqualTo(SshException.Reason.AUTHENTICATION);
        assertThat(t.getMessage()).contains("test-node").contains(wrong.toString());
      }
    }

    @Test
    @DisplayName("a missing key file fails with AUTHENTICATION naming the file")
    void shouldNameAMissingKey(@TempDir Path dir) throws Exception {
      Throwable t = failure(ssh.run(hostFor(sshd).sshKey(dir.resolve("absent")).build(), "true"));
      assertThat(((SshException) t).reason()).isEqualTo(SshException.Reason.AUTHENTICATION);
      assertThat(t.getMessage()).contains(dir.resolve("absent").toString());
    }

    @Test
    @DisplayName("a closed port fails with CONNECT within the connect timeout")
    void shouldFailOnAClosedPort() throws Exception {
      int closed = SshTestHost.freePort();
      try (SshExecutor quick =
          SshExecutor.builder()
              .knownHosts(sshd.knownHosts())
              .connectTimeout(Duration.ofSeconds(2))
              .build()) {
        CompletableFuture<CommandResult> f =
            quick.run(hostFor(sshd).sshPort(closed).build(), "true", Duration.ofSeconds(5));
        Throwable t = failure(f);
        assertThat(((SshException) t).reason()).isEqualTo(SshException.Reason.CONNECT);
        assertThat(((SshException) t).isRetryable()).isTrue();
        assertThat(t.getMessage()).contains("test-node").contains("127.0.0.1:" + closed);
      }
    }

    @Test
    @DisplayName(
        "targets are tried in order: an unreachable Tailscale address falls back to ssh_host")
    void shouldFallBackToTheSshHost() {
      RemoteHost twoAddresses = hostFor(sshd).tailscaleIp("127.0.0.2").build();
      assertThat(twoAddresses.addresses()).containsExactly("127.0.0.2", "127.0.0.1");
      // 127.0.0.2 is loopback but sshd listens on 127.0.0.1 only: refused, then the next target.
      assertThat(ssh.run(twoAddresses, "echo fallback").join().stdout()).isEqualTo("fallback\n");
    }
  }

  @Test
  @DisplayName("a tunnel host connects through the proxy command with the token in its environment")
  void shouldConnectThroughTheProxyCommand(@TempDir Path dir) throws Exception {
    String pub = Files.readString(Path.of(sshd.hostKey() + ".pub")).trim();
    Path knownHosts = dir.resolve("known_hosts");
    String[] parts = pub.split("\\s+");
    Files.writeString(
        knownHosts, "[ssh.tunnel.test]:" + sshd.port() + " " + parts[0] + " " + parts[1] + "\n");
    // The stand-in checks the token arrived in the environment, then relays to the test sshd.
    String proxy =
        "test \"$TUNNEL_SERVICE_TOKEN_ID\" = token-id"
            + " && test \"$TUNNEL_SERVICE_TOKEN_SECRET\" = s3cret && test %h = ssh.tunnel.test && exec "
            + StdioRelay.command(sshd.host(), sshd.port());
    RemoteHost tunnel =
        hostFor(sshd)
            .sshHost("127.0.0.2") // refused: the tunnel is the only way in
            .cloudflareTunnel("ssh.tunnel.test", "token-id", "s3cret")
            .build();
    assertThat(tunnel.toString()).doesNotContain("s3cret");
    try (SshExecutor viaProxy =
        SshExecutor.builder()
            .knownHosts(knownHosts)
            .proxyCommand("sh -c '" + proxy + "'")
            .build()) {
      CommandResult r = viaProxy.run(tunnel, "echo through-the-tunnel").join();
      assertThat(r.stdout()).isEqualTo("through-the-tunnel\n");
    }
  }
}
