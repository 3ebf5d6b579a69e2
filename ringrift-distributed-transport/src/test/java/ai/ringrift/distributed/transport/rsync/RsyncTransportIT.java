package ai.ringrift.distributed.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.ringrift.distributed.testkit.SshTestHost;
import ai.ringrift.distributed.testkit.StdioRelay;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransferProgress;
import ai.ringrift.distributed.transport.TransferRequest;
import ai.ringrift.distributed.transport.TransferResult;
import ai.ringrift.distributed.transport.TransportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RsyncTransport against a real sshd and rsync")
class RsyncTransportIT {
  static SshTestHost sshd;
  static RsyncTransport rsync;
  static RemoteHost host;

  @TempDir Path local;
  @TempDir Path remote;

  @BeforeAll
  static void start() {
    sshd = SshTestHost.start();
    host =
        RemoteHost.builder("rsync-node")
            .sshHost(sshd.host())
            .sshPort(sshd.port())
            .sshUser(sshd.user())
            .sshKey(sshd.userKey())
            .build();
    rsync =
        RsyncTransport.builder()
            .knownHosts(sshd.knownHosts())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() {
    if (rsync != null) {
      rsync.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  static Path write(Path file, int bytes, long seed) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] b = new byte[bytes];
    new Random(seed).nextBytes(b);
    return Files.write(file, b);
  }

  static String sha256(Path f) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  static List<String> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no completion within 60 s", e);
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }

  @Test
  @DisplayName("pushes a tree with include and exclude patterns, reporting progress")
  void shouldPushATreeWithFilters() throws Exception {
    write(local.resolve("a.npz"), 200_000, 1);
    write(local.resolve("sub/b.npz"), 1000, 2);
    write(local.resolve("sub/notes.txt"), 10, 3);
    write(local.resolve("skip/c.npz"), 10, 4);
    write(local.resolve("x.npz.tmp"), 10, 5);
    List<TransferProgress> progress = new CopyOnWriteArrayList<>();
    TransferRequest req =
        TransferRequest.builder(local, remote.resolve("dest").toString())
            .include("*.npz")
            .exclude("skip/")
            .listener(progress::add)
            .build();
    TransferResult r = rsync.push(host, req).join();
    assertThat(tree(remote.resolve("dest"))).containsExactly("a.npz", "sub/b.npz");
    assertThat(r.filesTransferred()).isEqualTo(2);
    assertThat(r.bytesTransferred()).isEqualTo(201_000);
    assertThat(r.transport()).isEqualTo("rsync");
    assertThat(progress)
        .anySatisfy(
            p -> {
              assertThat(p.file()).isEqualTo("a.npz");
              assertThat(p.bytesTransferred()).isEqualTo(200_000);
              assertThat(p.totalBytes()).isEqualTo(200_000);
            });
    assertThat(sha256(remote.resolve("dest/a.npz"))).isEqualTo(sha256(local.resolve("a.npz")));
    // Nothing new the second time; nothing deleted at the destination without deleteExtraneous.
    write(remote.resolve("dest/only-there.npz"), 10, 6);
    assertThat(rsync.push(host, req).join().filesTransferred()).isZero();
    assertThat(remote.resolve("dest/only-there.npz")).exists();
  }

  @Test
  @DisplayName("pulls a tree with include and exclude patterns")
  void shouldPullATreeWithFilters() throws Exception {
    write(remote.resolve("models/m1.pth"), 5000, 7);
    write(remote.resolve("models/old/m0.pth"), 50, 8);
    write(remote.resolve("models/m1.pth.tmp"), 50, 9);
    write(remote.resolve("models/readme.md"), 50, 10);
    TransferRequest req =
        TransferRequest.builder(local.resolve("in"), remote.resolve("models") + "/")
            .include("*.pth")
            .exclude("old/")
            .build();
    TransferResult r = rsync.pull(host, req).join();
    assertThat(tree(local.resolve("in"))).containsExactly("m1.pth");
    assertThat(r.filesTransferred()).isEqualTo(1);
  }

  @Test
  @DisplayName("pushFile and pullFile copy single files, creating directories; SHA-256 is checked")
  void shouldCopySingleFiles() throws Exception {
    Path src = write(local.resolve("ckpt.pt"), 300_000, 11);
    assertThat(
            rsync
                .pushFile(src, remote.resolve("a/b/ckpt.pt").toString(), host)
                .join()
                .filesTransferred())
        .isEqualTo(1);
    Path back = local.resolve("back/ckpt.pt");
    rsync.pullFile(remote.resolve("a/b/ckpt.pt").toString(), back, host).join();
    assertThat(sha256(back)).isEqualTo(sha256(src));

    Path wrong = local.resolve("wrong/ckpt.pt");
    Throwable t =
        failure(
            rsync.pull(
                host,
                TransferRequest.builder(wrong, remote.resolve("a/b/ckpt.pt").toString())
                    .expectedSha256("0".repeat(64))
                    .build()));
    assertThat(((RsyncException) t).kind()).isEqualTo(RsyncException.Kind.CHECKSUM);
    assertThat(((RsyncException) t).fault()).isEqualTo(TransportException.Fault.INTEGRITY);
    assertThat(wrong).doesNotExist();
  }

  @Test
  @DisplayName("refuses live SQLite files; copies a VACUUM INTO snapshot when vouched for")
  void shouldRefuseLiveDatabases() throws Exception {
    Path db = local.resolve("games/selfplay.db");
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE games(id TEXT PRIMARY KEY)");
      s.execute("INSERT INTO games VALUES ('g1'), ('g2')");
      // While this connection is open, selfplay.db-wal exists beside the database.
      assertThat(Path.of(db + "-wal")).exists();
      Throwable live =
          failure(
              rsync.push(
                  host,
                  TransferRequest.builder(local.resolve("games"), remote.resolve("g").toString())
                      .sqliteSnapshot(true)
                      .build()));
      assertThat(((RsyncException) live).kind()).isEqualTo(RsyncException.Kind.LIVE_DATABASE);
      assertThat(live.getMessage()).contains("selfplay.db may be live").contains("selfplay.db-wal");
      assertThat(((RsyncException) live).fault()).isEqualTo(TransportException.Fault.REQUEST);

      Path snap =
          SqliteSnapshots.snapshot(
                  db, local.resolve("snap/selfplay.db"), Executors.newSingleThreadExecutor())
              .get(30, TimeUnit.SECONDS);
      Throwable unvouched =
          failure(rsync.pushFile(snap, remote.resolve("s/selfplay.db").toString(), host));
      assertThat(((RsyncException) unvouched).kind()).isEqualTo(RsyncException.Kind.LIVE_DATABASE);
      assertThat(unvouched.getMessage()).contains("games move as games");

      rsync
          .push(
              host,
              TransferRequest.builder(snap, remote.resolve("s/selfplay.db").toString())
                  .sqliteSnapshot(true)
                  .build())
          .join();
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + remote.resolve("s/selfplay.db"));
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM games")) {
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
    // Pulls are checked too: the remote listing shows a database.
    Throwable pull =
        failure(
            rsync.pull(
                host,
                TransferRequest.builder(local.resolve("pulled"), remote.resolve("s") + "/")
                    .build()));
    assertThat(((RsyncException) pull).kind()).isEqualTo(RsyncException.Kind.LIVE_DATABASE);
    assertThat(local.resolve("pulled/selfplay.db")).doesNotExist();
  }

  @Test
  @DisplayName(
      "an rsync killed mid-file leaves no partial file at the destination; the next run resumes")
  void shouldResumeAfterAKill() throws Exception {
    int size = 24 << 20;
    Path big = write(local.resolve("big.npz"), size, 12);
    Path destDir = remote.resolve("resume");
    TransferRequest slow =
        TransferRequest.builder(big, destDir.resolve("big.npz").toString())
            .bandwidthLimit(2 << 20)
            .build();
    CompletableFuture<RsyncResult> first = rsync.pushWithStats(host, slow);
    // Wait until rsync's temporary file at the destination holds a few MiB.
    await().atMost(Duration.ofSeconds(30)).until(() -> tempBytes(destDir) > (4 << 20));
    long pid = rsync.runningProcesses().get(0);
    new ProcessBuilder("kill", "-KILL", "--", "-" + pid).start().waitFor(5, TimeUnit.SECONDS);
    assertThat(failure(first)).isInstanceOf(RsyncException.class);
    // The receiving rsync notices the broken connection and moves its temporary file aside.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                tempBytes(destDir) == 0 && Files.exists(destDir.resolve(".rsync-partial/big.npz")));
    assertThat(destDir.resolve("big.npz")).doesNotExist();
    long partial = Files.size(destDir.resolve(".rsync-partial/big.npz"));
    assertThat(partial).isPositive().isLessThan(size);

    RsyncResult second =
        rsync
            .pushWithStats(
                host, TransferRequest.builder(big, destDir.resolve("big.npz").toString()).build())
            .join();
    assertThat(sha256(destDir.resolve("big.npz"))).isEqualTo(sha256(big));
    assertThat(second.matchedBytes()).isPositive();
    assertThat(second.literalBytes()).isLessThan(size);
    assertThat(second.bytesSent()).isLessThan(size);
    assertThat(destDir.resolve(".rsync-partial/big.npz")).doesNotExist();
  }

  /** Bytes in rsync's in-flight temporary files ({@code .name.XXXXXX}) directly in {@code dir}. */
  static long tempBytes(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") && Files.isRegularFile(p)) {
          n += Files.size(p);
        }
      }
    }
    return n;
  }

  @Test
  @DisplayName("cancelling a transfer kills rsync and its ssh")
  void shouldKillRsyncOnCancel() throws Exception {
    Path big = write(local.resolve("cancel.npz"), 16 << 20, 13);
    Path destDir = remote.resolve("cancel");
    CompletableFuture<TransferResult> f =
        rsync.push(
            host,
            TransferRequest.builder(big, destDir.resolve("cancel.npz").toString())
                .bandwidthLimit(1 << 20)
                .build());
    await().atMost(Duration.ofSeconds(30)).until(() -> tempBytes(destDir) > 0);
    long pid = rsync.runningProcesses().get(0);
    List<ProcessHandle> group = new ArrayList<>();
    ProcessHandle.of(pid)
        .ifPresent(
            h -> {
              group.add(h);
              h.descendants().forEach(group::add);
            });
    assertThat(group).hasSizeGreaterThanOrEqualTo(2); // rsync and the ssh it spawned
    assertThat(f.cancel(true)).isTrue();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> group.stream().noneMatch(RsyncTransportIT::running));
    await().atMost(Duration.ofSeconds(15)).until(() -> rsync.runningProcesses().isEmpty());
    assertThat(destDir.resolve("cancel.npz")).doesNotExist();
  }

  @Test
  @DisplayName("closing the transport kills running transfers, which fail as CANCELLED")
  void shouldKillTransfersOnClose() throws Exception {
    Path big = write(local.resolve("close.npz"), 8 << 20, 17);
    Path destDir = remote.resolve("close");
    RsyncTransport own = RsyncTransport.builder().knownHosts(sshd.knownHosts()).build();
    CompletableFuture<TransferResult> f =
        own.push(
            host,
            TransferRequest.builder(big, destDir.resolve("close.npz").toString())
                .bandwidthLimit(512 << 10)
                .build());
    await().atMost(Duration.ofSeconds(30)).until(() -> tempBytes(destDir) > 0);
    long pid = own.runningProcesses().get(0);
    own.close();
    own.close();
    Throwable t = failure(f);
    assertThat(((RsyncException) t).kind()).isEqualTo(RsyncException.Kind.CANCELLED);
    assertThat(ProcessHandle.of(pid).map(RsyncTransportIT::running).orElse(false)).isFalse();
    assertThat(failure(own.pushFile(big, destDir.resolve("again.npz").toString(), host)))
        .isInstanceOf(RsyncException.class);
  }

  /**
   * Whether a process still runs. A killed process whose parent died stays a zombie where PID 1
   * does not reap orphans (as in some containers): dead, but visible to {@link
   * ProcessHandle#isAlive()}.
   */
  static boolean running(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException gone) {
      return false;
    }
  }

  @Test
  @DisplayName("a transfer past its time limit fails with TIMEOUT and its processes are gone")
  void shouldTimeOut() throws Exception {
    Path big = write(local.resolve("slow.npz"), 8 << 20, 14);
    Throwable t =
        failure(
            rsync.push(
                host,
                TransferRequest.builder(big, remote.resolve("slow/slow.npz").toString())
                    .bandwidthLimit(256 << 10)
                    .timeout(Duration.ofSeconds(2))
                    .build()));
    assertThat(((RsyncException) t).kind()).isEqualTo(RsyncException.Kind.TIMEOUT);
    assertThat(((RsyncException) t).fault()).isEqualTo(TransportException.Fault.HOST);
    await().atMost(Duration.ofSeconds(15)).until(() -> rsync.runningProcesses().isEmpty());
  }

  @Test
  @DisplayName("connection failures are host faults: closed port, wrong host key")
  void shouldMapConnectionFailures(@TempDir Path keys) throws Exception {
    Path src = write(local.resolve("f.npz"), 10, 15);
    RemoteHost closed = host.toBuilder().sshPort(SshTestHost.freePort()).build();
    Throwable t = failure(rsync.pushFile(src, remote.resolve("f.npz").toString(), closed));
    assertThat(((RsyncException) t).kind()).isEqualTo(RsyncException.Kind.CONNECTION);
    assertThat(((RsyncException) t).fault()).isEqualTo(TransportException.Fault.HOST);

    Path other = SshTestHost.generateKey(keys.resolve("hk"), "ed25519");
    String[] pub = Files.readString(Path.of(other + ".pub")).trim().split("\\s+");
    Path knownHosts = keys.resolve("known_hosts");
    Files.writeString(
        knownHosts, "[127.0.0.1]:" + sshd.port() + " " + pub[0] + " " + pub[1] + "\n");
    try (RsyncTransport strict = RsyncTransport.builder().knownHosts(knownHosts).build()) {
      Throwable k = failure(strict.pushFile(src, remote.resolve("f.npz").toString(), host));
      assertThat(((RsyncException) k).kind()).isEqualTo(RsyncException.Kind.CONNECTION);
      assertThat(((RsyncException) k).exitCode()).isEqualTo(255);
      assertThat(k.getMessage()).contains("rsync-node").containsIgnoringCase("host key");
      assertThat(strict.probe(host).join().reachable()).isFalse();
    }
    assertThat(rsync.probe(host).join().reachable()).isTrue();
    assertThat(remote.resolve("f.npz")).doesNotExist();
  }

  @Test
  @DisplayName("a tunnel host is reached through the proxy command, token in the environment")
  void shouldPushThroughTheProxyCommand(@TempDir Path keys) throws Exception {
    String[] pub = Files.readString(Path.of(sshd.hostKey() + ".pub")).trim().split("\\s+");
    Path knownHosts = keys.resolve("known_hosts");
    Files.writeString(
        knownHosts, "[ssh.tunnel.test]:" + sshd.port() + " " + pub[0] + " " + pub[1] + "\n");
    Path script = keys.resolve("proxy.sh");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "[ \"$TUNNEL_SERVICE_TOKEN_SECRET\" = s3cret ] || exit 7\n"
            + "[ \"$1\" = ssh.tunnel.test ] || exit 8\n"
            + "exec "
            + StdioRelay.command(sshd.host(), sshd.port())
            + "\n");
    script.toFile().setExecutable(true);
    RemoteHost tunnel =
        host.toBuilder()
            .sshHost("127.0.0.2")
            .cloudflareTunnel("ssh.tunnel.test", "id", "s3cret")
            .build();
    Path src = write(local.resolve("t.npz"), 1000, 16);
    try (RsyncTransport viaProxy =
        RsyncTransport.builder().knownHosts(knownHosts).proxyCommand(script + " %h").build()) {
      viaProxy.pushFile(src, remote.resolve("t/t.npz").toString(), tunnel).join();
    }
    assertThat(sha256(remote.resolve("t/t.npz"))).isEqualTo(sha256(src));
  }
}
