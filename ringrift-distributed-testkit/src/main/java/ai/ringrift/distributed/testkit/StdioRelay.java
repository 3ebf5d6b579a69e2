package ai.ringrift.distributed.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

/**
 * A stand-in for an SSH proxy command such as {@code cloudflared access ssh}: relays its stdin to a
 * TCP address and what comes back to its stdout, exactly what OpenSSH's {@code ProxyCommand} and
 * the library's proxy-command connector expect. Run it as {@code java -cp <testkit> StdioRelay HOST
 * PORT}; {@link #command(String, int)} builds that command line.
 */
public final class StdioRelay {
  private StdioRelay() {}

  /**
   * Relays stdin/stdout to {@code args[0]:args[1]} until either side closes.
   *
   * @param args host and port
   * @throws IOException if the connection fails
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: StdioRelay HOST PORT");
      System.exit(2);
    }
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 10_000);
    socket.setTcpNoDelay(true);
    Thread up =
        new Thread(
            () -> {
              try {
                pump(System.in, socket.getOutputStream());
                socket.shutdownOutput();
              } catch (IOException e) {
                // the other direction notices and ends the process
              }
            },
            "relay-up");
    up.setDaemon(true);
    up.start();
    pump(socket.getInputStream(), System.out);
    System.out.flush();
    System.exit(0);
  }

  private static void pump(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      out.flush();
    }
  }

  /**
   * The command line that runs this relay to {@code host:port} with the current JVM, as one shell
   * word list joined by spaces (paths must not contain spaces).
   *
   * @param host the address to relay to
   * @param port the port to relay to
   * @return e.g. {@code /usr/lib/jvm/.../bin/java -cp /.../testkit.jar ...StdioRelay 127.0.0.1
   *     2222}
   */
  public static String command(String host, int port) {
    return String.join(" ", argv(host, port));
  }

  /**
   * The relay's argument vector, see {@link #command(String, int)}.
   *
   * @param host the address to relay to
   * @param port the port to relay to
   * @return the arguments
   */
  public static List<String> argv(String host, int port) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp;
    try {
      cp =
          Path.of(StdioRelay.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate the testkit classes", e);
    }
    return List.of(
        java,
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        cp,
        StdioRelay.class.getName(),
        host,
        Integer.toString(port));
  }
}
