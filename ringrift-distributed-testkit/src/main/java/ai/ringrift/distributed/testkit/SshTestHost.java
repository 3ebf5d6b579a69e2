package ai.ringrift.distributed.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OpenSSH {@code sshd} on a free loopback port, running as the current user, with generated
 * host and user keys, an {@code authorized_keys} and a {@code known_hosts} that names it. Made for
 * integration tests and benchmarks of anything that speaks SSH.
 *
 * <p>{@link #start()} blocks until the port accepts connections (bounded by a deadline); {@link
 * #close()} kills the daemon by its PID (the daemon's children, i.e. open sessions, go with it) and
 * deletes the temporary directory. Needs {@code /usr/sbin/sshd} and {@code ssh-keygen}; as root it
 * creates the privilege-separation directory {@code /run/sshd} when missing.
 *
 * <p>Only 127.0.0.1 is listened on. Not thread-safe for start/close; the accessors are.
 */
public final class SshTestHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshTestHost.class);
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Duration START_DEADLINE = Duration.ofSeconds(15);

  /** Loopback address the daemon listens on. */
  public static final String HOST = "127.0.0.1";

  private final Path dir;
  private final Path hostKey;
  private final Path userKey;
  private final Path knownHosts;
  private final Path config;
  private final Path log;
  private final String user;
  private final int port;
  private final String hostKeyFingerprint;
  private final Process process;
  private boolean closed;

  private SshTestHost(
      Path dir,
      Path hostKey,
      Path userKey,
      Path knownHosts,
      Path config,
      Path log,
      int port,
      String fingerprint,
      Process process) {
    this.dir = dir;
    this.hostKey = hostKey;
    this.userKey = userKey;
    this.knownHosts = knownHosts;
    this.config = config;
    this.log = log;
    this.user = System.getProperty("user.name", "root");
    this.port = port;
    this.hostKeyFingerprint = fingerprint;
    this.process = process;
  }

  /**
   * Generates keys and configuration in a new temporary directory and starts {@code sshd}. Blocks
   * until the port accepts connections.
   *
   * @return the running host; close it to stop the daemon and delete its files
   * @throws IllegalStateException if {@code sshd} is missing or does not come up in time (its log
   *     is in the message)
   */
  public static SshTestHost start() {
    Path dir = null;
    try {
      if (!Files.isExecutable(SSHD)) {
        throw new IllegalStateException(SSHD + " is missing: install openssh-server");
      }
      ensurePrivilegeSeparationDir();
      dir = Files.createTempDirectory("ringrift-sshd-");
      Path hostKey = dir.resolve("ssh_host_ed25519_key");
      generateKey(hostKey, "ed25519");
      Path userKey = dir.resolve("id_test");
      generateKey(userKey, "ed25519");
      Path authorized = dir.resolve("authorized_keys");
      Files.copy(dir.resolve("id_test.pub"), authorized);
      String fingerprint = fingerprint(dir.resolve("ssh_host_ed25519_key.pub"));
      IllegalStateException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        Path config = dir.resolve("sshd_config");
        Path log = dir.resolve("sshd.log");
        Files.writeString(config, config(dir, hostKey, authorized, port));
        Path knownHosts = dir.resolve("known_hosts");
        String pub = Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).trim();
        String[] parts = pub.split("\\s+");
        Files.writeString(
            knownHosts, "[" + HOST + "]:" + port + " " + parts[0] + " " + parts[1] + "\n");
        Process p =
            new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
          awaitListening(p, port, log);
          LOG.debug("sshd pid {} listening on {}:{} in {}", p.pid(), HOST, port, dir);
          return new SshTestHost(
              dir, hostKey, userKey, knownHosts, config, log, port, fingerprint, p);
        } catch (IllegalStateException e) {
          destroy(p);
          last = e;
        }
      }
      throw last;
    } catch (IOException e) {
      deleteTree(dir);
      throw new UncheckedIOException("could not set up sshd in " + dir, e);
    } catch (RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  private static String config(Path dir, Path hostKey, Path authorized, int port) {
    return String.join(
        "\n",
        "Port " + port,
        "ListenAddress " + HOST,
        "HostKey " + hostKey,
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + authorized,
        "UsePAM no",
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "MaxSessions 64",
        "MaxStartups 256",
        "MaxAuthTries 6",
        "PrintMotd no",
        "UseDNS no",
        "LogLevel INFO",
        "Subsystem sftp internal-sftp",
        "");
  }

  private static void awaitListening(Process p, int port, Path log) {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "sshd exited with "
                + p.exitValue()
                + " before listening on "
                + port
                + ": "
                + readQuietly(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 200);
        return;
      } catch (IOException notYet) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
    throw new IllegalStateException(
        "sshd did not listen on "
            + HOST
            + ":"
            + port
            + " within "
            + START_DEADLINE
            + ": "
            + readQuietly(log));
  }

  private static void ensurePrivilegeSeparationDir() throws IOException {
    Path run = Path.of("/run/sshd");
    if (!Files.isDirectory(run) && "root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(run);
    }
  }

  /**
   * Generates an unencrypted key pair with {@code ssh-keygen}: {@code path} and {@code path.pub}.
   *
   * @param path the private key file to create (must not exist)
   * @param type {@code ed25519}, {@code ecdsa} or {@code rsa}
   * @return {@code path}
   */
  public static Path generateKey(Path path, String type) {
    run(
        List.of(
            "ssh-keygen",
            "-q",
            "-t",
            type,
            "-N",
            "",
            "-C",
            "ringrift-test",
            "-f",
            path.toString()));
    return path;
  }

  /**
   * The {@code SHA256:...} fingerprint of a public key file, as {@code ssh-keygen -l} prints it.
   *
   * @param publicKey a {@code .pub} file
   * @return the fingerprint
   */
  public static String fingerprint(Path publicKey) {
    String out = run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString()));
    for (String token : out.split("\\s+")) {
      if (token.startsWith("SHA256:")) {
        return token;
      }
    }
    throw new IllegalStateException("no fingerprint in ssh-keygen output: " + out);
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        destroy(p);
        throw new IllegalStateException(command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  /**
   * A loopback port nothing listens on at the moment of the call.
   *
   * @return the port
   */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * @return the address the daemon listens on, {@value #HOST}
   */
  public String host() {
    return HOST;
  }

  /**
   * @return the daemon's port
   */
  public int port() {
    return port;
  }

  /**
   * @return the user to log in as (the current user)
   */
  public String user() {
    return user;
  }

  /**
   * @return the private key whose public half is authorized
   */
  public Path userKey() {
    return userKey;
  }

  /**
   * @return the daemon's private host key
   */
  public Path hostKey() {
    return hostKey;
  }

  /**
   * @return a known_hosts file holding exactly this daemon's host key for {@code [127.0.0.1]:port}
   */
  public Path knownHosts() {
    return knownHosts;
  }

  /**
   * @return the host key's {@code SHA256:...} fingerprint
   */
  public String hostKeyFingerprint() {
    return hostKeyFingerprint;
  }

  /**
   * @return the temporary directory holding keys, config and log (deleted on close)
   */
  public Path dir() {
    return dir;
  }

  /**
   * @return the daemon's PID
   */
  public long pid() {
    return process.pid();
  }

  /**
   * @return what the daemon logged so far
   */
  public String log() {
    return readQuietly(log);
  }

  /**
   * @return the generated {@code sshd_config}
   */
  public Path config() {
    return config;
  }

  /**
   * The OpenSSH client command line up to (not including) the remote command: key only, strict host
   * key checking against {@link #knownHosts()}.
   *
   * @return {@code ssh -i KEY -o ... -p PORT user@127.0.0.1}
   */
  public List<String> sshCommand() {
    List<String> cmd = new ArrayList<>(sshOptions());
    cmd.add(0, "ssh");
    cmd.add(user + "@" + HOST);
    return cmd;
  }

  /**
   * The options {@link #sshCommand()} uses, for {@code rsync -e}.
   *
   * @return the options, starting with {@code -i}
   */
  public List<String> sshOptions() {
    return List.of(
        "-i", userKey.toString(),
        "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "UserKnownHostsFile=" + knownHosts,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "LogLevel=ERROR",
        "-p", Integer.toString(port));
  }

  /** Kills the daemon (and its sessions) and deletes the temporary directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    destroy(process);
    deleteTree(dir);
  }

  private static void destroy(Process p) {
    // sshd's per-connection children are killed too, or they would outlive the fixture.
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  static void deleteTree(@Nullable Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.warn("could not delete {}: {}", p, e.toString());
                }
              });
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", root, e.toString());
    }
  }

  @Override
  public String toString() {
    return "SshTestHost{" + user + "@" + HOST + ":" + port + " pid=" + process.pid() + "}";
  }
}
