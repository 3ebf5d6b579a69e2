package ai.ringrift.distributed.transport.ssh.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one SSH connection over a proxy command's stdin/stdout, the way OpenSSH's {@code
 * ProxyCommand} does: MINA connects to a loopback port this bridge listens on (one connection, then
 * the listener closes) and the bridge pumps bytes between that socket and the process.
 *
 * <p>Another local process could race MINA to the loopback port; it would gain nothing, since the
 * host key is still verified against known_hosts for the logical host. Three daemon threads per
 * bridge (accept + upstream, downstream, stderr); {@link #close()} kills the process.
 */
public final class ProxyCommandBridge implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyCommandBridge.class);

  /** Environment variable names under which cloudflared reads the service token. */
  public static final String TOKEN_ID_ENV = "TUNNEL_SERVICE_TOKEN_ID";

  /** See {@link #TOKEN_ID_ENV}. */
  public static final String TOKEN_SECRET_ENV = "TUNNEL_SERVICE_TOKEN_SECRET";

  private final ServerSocket listener;
  private final Process process;
  private final String description;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Socket socket;

  private ProxyCommandBridge(ServerSocket listener, Process process, String description) {
    this.listener = listener;
    this.process = process;
    this.description = description;
  }

  /**
   * Expands a proxy command template: {@code %h} host, {@code %p} port, {@code %r} user, {@code %%}
   * a percent sign.
   *
   * @param template the template
   * @param host the tunnel hostname
   * @param port the SSH port
   * @param user the SSH user
   * @return the command line
   */
  public static String expand(String template, String host, int port, String user) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '%' && i + 1 < template.length()) {
        char k = template.charAt(++i);
        switch (k) {
          case 'h' -> out.append(host);
          case 'p' -> out.append(port);
          case 'r' -> out.append(user);
          case '%' -> out.append('%');
          default -> out.append('%').append(k);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Starts the proxy command and the loopback listener.
   *
   * @param commandLine the expanded command, run with {@code /bin/sh -c "exec ..."}
   * @param env extra environment (the service token), never logged
   * @param description the host, for logs and errors
   * @return the running bridge
   * @throws IOException if the listener or process cannot start
   */
  public static ProxyCommandBridge start(
      String commandLine, Map<String, String> env, String description) throws IOException {
    ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Process process;
    try {
      ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", "exec " + commandLine));
      pb.environment().putAll(env);
      process = pb.start();
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    LOG.debug("proxy command for {} started (pid {}): {}", description, process.pid(), commandLine);
    ProxyCommandBridge bridge = new ProxyCommandBridge(listener, process, description);
    bridge.startThreads();
    return bridge;
  }

  private void startThreads() {
    daemon("proxy-err-" + process.pid(), () -> copyQuietly(process.getErrorStream(), stderrSink()));
    daemon(
        "proxy-up-" + process.pid(),
        () -> {
          try (Socket s = listener.accept()) {
            listener.close();
            socket = s;
            s.setTcpNoDelay(true);
            daemon(
                "proxy-down-" + process.pid(),
                () -> {
                  copyQuietly(process.getInputStream(), outputOf(s));
                  closeQuietly(s);
                });
            copyQuietly(s.getInputStream(), process.getOutputStream());
          } catch (IOException e) {
            if (!closed.get()) {
              LOG.debug("proxy bridge for {} ended: {}", description, e.toString());
            }
          } finally {
            closeQuietly(process.getOutputStream());
          }
        });
  }

  private OutputStream stderrSink() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (stderr) {
          if (stderr.size() < 8192) {
            stderr.write(b);
          }
        }
      }
    };
  }

  /**
   * @return the loopback port MINA must connect to
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * @return the process's PID
   */
  public long pid() {
    return process.pid();
  }

  /**
   * @return what the proxy command wrote to stderr so far (at most 8 KiB)
   */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8).trim();
    }
  }

  /** Kills the proxy command and closes the sockets. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(listener);
    Socket s = socket;
    if (s != null) {
      closeQuietly(s);
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static OutputStream outputOf(Socket s) {
    try {
      return s.getOutputStream();
    } catch (IOException e) {
      return OutputStream.nullOutputStream();
    }
  }

  private static void copyQuietly(InputStream in, OutputStream out) {
    byte[] buf = new byte[32 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the peer closed; the bridge's owner sees the session close
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
