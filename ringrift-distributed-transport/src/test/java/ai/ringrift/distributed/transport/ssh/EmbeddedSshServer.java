package ai.ringrift.distributed.transport.ssh;

import ai.ringrift.distributed.transport.RemoteHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * MINA's embedded SSH server on a loopback port, with scripted commands instead of a shell: {@code
 * echo TEXT}, {@code exit N}, {@code big N} (N bytes of 'x'), {@code hold} (waits for a permit from
 * {@link #release(int)}; counts concurrency), {@code stdin} (echoes stdin until EOF). Keys are
 * generated in memory and written to {@code dir}.
 */
final class EmbeddedSshServer implements AutoCloseable {
  final SshServer server;
  final Path userKey;
  final Path knownHosts;
  final AtomicInteger active = new AtomicInteger();
  final AtomicInteger maxActive = new AtomicInteger();
  final AtomicInteger destroyed = new AtomicInteger();
  final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();
  private final Semaphore gate = new Semaphore(0);

  EmbeddedSshServer(Path dir) throws Exception {
    KeyPair hostKey = ec();
    KeyPair user = ec();
    userKey = dir.resolve("id_user");
    try (OutputStream out = Files.newOutputStream(userKey)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(user, "user", null, out);
    }
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(
        (username, key, session) -> KeyUtils.compareKeys(key, user.getPublic()));
    server.setPasswordAuthenticator((u, p, s) -> false);
    server.setCommandFactory((channel, command) -> new Scripted(command));
    server.start();
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(
        knownHosts,
        "[127.0.0.1]:"
            + server.getPort()
            + " "
            + PublicKeyEntry.toString(hostKey.getPublic())
            + "\n");
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  RemoteHost.Builder host(String name) {
    return RemoteHost.builder(name)
        .sshHost("127.0.0.1")
        .sshPort(server.getPort())
        .sshUser("tester")
        .sshKey(userKey);
  }

  void release(int n) {
    gate.release(n);
  }

  int sessions() {
    return server.getActiveSessions().size();
  }

  @Override
  public void close() throws IOException {
    gate.release(1000);
    server.stop(true);
  }

  private final class Scripted implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;
    private Thread thread;

    Scripted(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {}

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      commands.add(command);
      thread = new Thread(this::run, "scripted-" + command);
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      int status = 0;
      try {
        String[] w = command.split(" ", 2);
        switch (w[0]) {
          case "echo" -> out.write((w[1] + "\n").getBytes(StandardCharsets.UTF_8));
          case "exit" -> status = Integer.parseInt(w[1]);
          case "big" -> {
            byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.UTF_8);
            for (int left = Integer.parseInt(w[1]); left > 0; left -= chunk.length) {
              out.write(chunk, 0, Math.min(left, chunk.length));
            }
          }
          case "hold" -> {
            int now = active.incrementAndGet();
            maxActive.accumulateAndGet(now, Math::max);
            try {
              gate.acquire();
            } finally {
              active.decrementAndGet();
            }
          }
          case "stdin" -> in.transferTo(out);
          default -> status = 127;
        }
        out.flush();
      } catch (IOException | InterruptedException e) {
        status = 255;
      }
      exit.onExit(status);
    }

    @Override
    public void destroy(ChannelSession channel) {
      destroyed.incrementAndGet();
      if (thread != null) {
        thread.interrupt();
      }
    }
  }
}
