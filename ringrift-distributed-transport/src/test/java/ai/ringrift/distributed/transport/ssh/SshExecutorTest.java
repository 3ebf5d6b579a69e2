package ai.ringrift.distributed.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.ringrift.distributed.transport.RemoteHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SshExecutor against MINA's embedded server")
class SshExecutorTest {
  @TempDir Path dir;
  EmbeddedSshServer server;

  @BeforeEach
  void start() throws Exception {
    server = new EmbeddedSshServer(dir);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private SshExecutor.Builder executor() {
    return SshExecutor.builder().knownHosts(server.knownHosts);
  }

  @Test
  @DisplayName("returns the exit code and output; the command's stdin is at EOF")
  void shouldReturnExitCodeAndOutput() {
    try (SshExecutor ssh = executor().build()) {
      RemoteHost h = server.host("a").build();
      assertThat(ssh.run(h, "exit 7").join().exitCode()).isEqualTo(7);
      assertThat(ssh.run(h, "echo hello").join().stdout()).isEqualTo("hello\n");
      CommandResult stdin = ssh.run(h, "stdin").join();
      assertThat(stdin.exitCode()).isZero();
      assertThat(stdin.stdout()).isEmpty();
    }
  }

  @Test
  @DisplayName("keeps maxOutputBytes of output and flags the rest as truncated")
  void shouldBoundOutput() {
    try (SshExecutor ssh = executor().maxOutputBytes(1000).build()) {
      CommandResult r = ssh.run(server.host("a").build(), "big 100000").join();
      assertThat(r.stdout()).hasSize(1000);
      assertThat(r.stdoutTruncated()).isTrue();
      CommandResult small = ssh.run(server.host("a").build(), "big 1000").join();
      assertThat(small.stdout()).hasSize(1000);
      assertThat(small.stdoutTruncated()).isFalse();
    }
  }

  @Test
  @DisplayName("never runs more than maxConcurrentCommands at once")
  void shouldBoundConcurrency() throws Exception {
    try (SshExecutor ssh = executor().maxConcurrentCommands(2).build()) {
      List<RemoteHost> hosts = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        hosts.add(server.host("h" + i).build());
      }
      CompletableFuture<List<HostCommandResult>> all = ssh.runParallel(hosts, "hold");
      for (int remaining = 6; remaining > 0; remaining--) {
        int expected = Math.min(2, remaining);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.active.get() == expected);
        server.release(1);
      }
      assertThat(all.get(10, TimeUnit.SECONDS)).hasSize(6).allMatch(HostCommandResult::isSuccess);
      assertThat(server.maxActive.get()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("shares a connection among at most maxChannelsPerConnection commands")
  void shouldCapChannelsPerConnection() throws Exception {
    try (SshExecutor ssh = executor().maxChannelsPerConnection(2).build()) {
      List<CompletableFuture<CommandResult>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        runs.add(ssh.run(server.host("same").build(), "hold"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> server.active.get() == 4);
      assertThat(server.sessions()).isEqualTo(2);
      server.release(4);
      for (CompletableFuture<CommandResult> r : runs) {
        assertThat(r.get(10, TimeUnit.SECONDS).exitCode()).isZero();
      }
      // Reused, not reopened.
      assertThat(ssh.run(server.host("same").build(), "echo again").join().stdout())
          .isEqualTo("again\n");
      assertThat(server.sessions()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("cancelling a command closes its channel and returns its slot on the connection")
  void shouldCloseTheChannelOnCancel() {
    try (SshExecutor ssh = executor().maxChannelsPerConnection(1).build()) {
      CompletableFuture<CommandResult> f = ssh.run(server.host("a").build(), "hold");
      await().atMost(Duration.ofSeconds(10)).until(() -> server.active.get() == 1);
      assertThat(f.cancel(true)).isTrue();
      // One channel per connection: a second connection would be opened if the cancelled
      // command's channel still held the slot.
      assertThat(ssh.run(server.host("a").build(), "echo next").join().stdout())
          .isEqualTo("next\n");
      assertThat(server.sessions()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("offers only the configured key: a host with another key is refused")
  void shouldOfferOnlyTheConfiguredKey() throws Exception {
    Path otherDir = Files.createDirectory(dir.resolve("other"));
    try (EmbeddedSshServer other = new EmbeddedSshServer(otherDir);
        SshExecutor ssh = executor().build()) {
      // The right server, but the key of another server's user.
      RemoteHost h = server.host("a").sshKey(other.userKey).build();
      assertThatThrownBy(() -> ssh.run(h, "echo x").get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              SshException.class,
              e -> assertThat(e.reason()).isEqualTo(SshException.Reason.AUTHENTICATION));
    }
  }

  @Test
  @DisplayName("refuses a host whose key is not in known_hosts, naming its fingerprint")
  void shouldRefuseUnknownHost() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty_known_hosts"), "");
    try (SshExecutor ssh = SshExecutor.builder().knownHosts(empty).build()) {
      assertThatThrownBy(
              () -> ssh.run(server.host("a").build(), "echo x").get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(
              SshException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(SshException.Reason.HOST_KEY);
                assertThat(e.getMessage()).contains("SHA256:").contains("127.0.0.1:");
              });
    }
  }

  @Test
  @DisplayName("fails every queued and running command once closed, and close is idempotent")
  void shouldFailCommandsOnClose() throws Exception {
    SshExecutor ssh = executor().build();
    CompletableFuture<CommandResult> running = ssh.run(server.host("a").build(), "hold");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.active.get() == 1);
    ssh.close();
    ssh.close();
    assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            SshException.class, e -> assertThat(e.reason()).isEqualTo(SshException.Reason.CLOSED));
    assertThatThrownBy(() -> ssh.run(server.host("a").build(), "echo x").get(1, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(SshException.class);
  }
}
