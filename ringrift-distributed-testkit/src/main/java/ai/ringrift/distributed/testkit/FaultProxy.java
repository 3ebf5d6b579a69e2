package ai.ringrift.distributed.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault-injecting TCP proxy on loopback, standing in for {@code netem} (which this kernel lacks):
 * it forwards every connection accepted on {@link #port()} to a target address and can add latency,
 * cut or reset a connection after a number of bytes, blackhole new connections, or throttle the
 * bandwidth. Faults can be changed while connections are open; byte-count faults count the bytes
 * sent from the target to the client (the download direction).
 *
 * <p>Each connection uses two platform threads (one per direction); this is a test fixture for a
 * few dozen connections, not a production proxy. Thread-safe. {@link #close()} closes the listener
 * and every connection and is idempotent.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", serverPort))) {
 *   proxy.cutNextConnectionAfter(1 << 20); // the next download dies after 1 MiB
 *   client.download("http://127.0.0.1:" + proxy.port() + "/files/models/x.pt");
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
  private static final int BUFFER = 16 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong bytesDown = new AtomicLong();

  private volatile long latencyNanos;
  private volatile long cutAfterBytes = -1;
  private volatile long resetAfterBytes = -1;
  private final AtomicLong cutNextAfter = new AtomicLong(-1);
  private volatile long corruptAt = -1;
  private volatile boolean blackhole;
  private volatile long throttleBytesPerSecond;

  private FaultProxy(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
    this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + listener.getLocalPort());
    this.acceptor.setDaemon(true);
  }

  /**
   * Starts a proxy on an ephemeral loopback port forwarding to {@code target}.
   *
   * @param target where connections go; should be a loopback address
   * @return the running proxy
   * @throws UncheckedIOException if the listening socket cannot be opened
   */
  public static FaultProxy start(InetSocketAddress target) {
    Objects.requireNonNull(target, "target");
    try {
      ServerSocket ss = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      FaultProxy p = new FaultProxy(target, ss);
      p.acceptor.start();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("could not open a fault proxy for " + target, e);
    }
  }

  /**
   * The port clients connect to (on {@code 127.0.0.1}).
   *
   * @return the port
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * The address clients connect to.
   *
   * @return the loopback address and {@link #port()}
   */
  public InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), port());
  }

  /**
   * Delays every chunk forwarded in either direction.
   *
   * @param latency the delay; zero for none
   * @return this proxy
   */
  public FaultProxy latency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + latency);
    }
    this.latencyNanos = latency.toNanos();
    return this;
  }

  /**
   * Closes every new connection (with a normal FIN) once it has sent {@code bytes} bytes to the
   * client, until {@link #clearFaults()}.
   *
   * @param bytes bytes forwarded before the cut; not negative
   * @return this proxy
   */
  public FaultProxy cutAfter(long bytes) {
    this.cutAfterBytes = requireNonNegative(bytes);
    return this;
  }

  /**
   * Closes only the next accepted connection after it has sent {@code bytes} bytes to the client.
   *
   * @param bytes bytes forwarded before the cut; not negative
   * @return this proxy
   */
  public FaultProxy cutNextConnectionAfter(long bytes) {
    cutNextAfter.set(requireNonNegative(bytes));
    return this;
  }

  /**
   * Flips one byte (XOR 0xFF) of every new connection's download stream, at {@code offset} bytes
   * from its start (HTTP headers included), until {@link #clearFaults()}: the bytes arrive, but
   * wrong.
   *
   * @param offset the byte to corrupt, counted from the first byte the target sends
   * @return this proxy
   */
  public FaultProxy corruptAt(long offset) {
    this.corruptAt = requireNonNegative(offset);
    return this;
  }

  /**
   * Resets (TCP RST) every new connection once it has sent {@code bytes} bytes to the client, until
   * {@link #clearFaults()}.
   *
   * @param bytes bytes forwarded before the reset; not negative
   * @return this proxy
   */
  public FaultProxy resetAfter(long bytes) {
    this.resetAfterBytes = requireNonNegative(bytes);
    return this;
  }

  /**
   * Accepts new connections but forwards nothing in either direction (a host that vanished without
   * a reset).
   *
   * @param on whether new and open connections are blackholed
   * @return this proxy
   */
  public FaultProxy blackhole(boolean on) {
    this.blackhole = on;
    return this;
  }

  /**
   * Limits each direction of each connection to a rate.
   *
   * @param bytesPerSecond the rate; zero for no limit
   * @return this proxy
   */
  public FaultProxy throttle(long bytesPerSecond) {
    this.throttleBytesPerSecond = requireNonNegative(bytesPerSecond);
    return this;
  }

  /**
   * Removes every fault: no latency, cut, reset, blackhole or throttle.
   *
   * @return this proxy
   */
  public FaultProxy clearFaults() {
    latencyNanos = 0;
    cutAfterBytes = -1;
    resetAfterBytes = -1;
    cutNextAfter.set(-1);
    corruptAt = -1;
    blackhole = false;
    throttleBytesPerSecond = 0;
    return this;
  }

  /** Resets (TCP RST) every open connection now. */
  public void resetAll() {
    for (Socket s : sockets) {
      reset(s);
    }
  }

  /**
   * How many connections were accepted so far.
   *
   * @return the count
   */
  public int connectionsAccepted() {
    return connections.get();
  }

  /**
   * Bytes forwarded from the target to clients so far.
   *
   * @return the count
   */
  public long bytesToClients() {
    return bytesDown.get();
  }

  /** Closes the listener and every open connection. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(listener);
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.warn("fault proxy on port {} stopped accepting", port(), e);
        }
        return;
      }
      connections.incrementAndGet();
      sockets.add(client);
      long oneShot = cutNextAfter.getAndSet(-1);
      long corrupt = corruptAt;
      Thread t =
          new Thread(
              () -> connect(client, oneShot, corrupt), "fault-proxy-conn-" + client.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void connect(Socket client, long oneShotCut, long corruptAt) {
    Socket server = new Socket();
    try {
      server.connect(target, 10_000);
      sockets.add(server);
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(server);
      sockets.remove(client);
      return;
    }
    long cut = oneShotCut >= 0 ? oneShotCut : cutAfterBytes;
    long reset = resetAfterBytes;
    Thread up =
        new Thread(
            () -> pump(client, server, -1, -1, -1, false), "fault-proxy-up-" + client.getPort());
    up.setDaemon(true);
    up.start();
    pump(server, client, cut, reset, corruptAt, true);
  }

  private void pump(
      Socket from, Socket to, long cut, long reset, long corruptAt, boolean downstream) {
    byte[] buf = new byte[BUFFER];
    long sent = 0;
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      while (!closed.get()) {
        int max = buf.length;
        long limit = Math.min(cut < 0 ? Long.MAX_VALUE : cut, reset < 0 ? Long.MAX_VALUE : reset);
        if (limit != Long.MAX_VALUE) {
          max = (int) Math.min(max, limit - sent);
        }
        long rate = throttleBytesPerSecond;
        if (rate > 0) {
          max = (int) Math.max(1, Math.min(max, rate / 10));
        }
        if (max <= 0) {
          break;
        }
        int n = in.read(buf, 0, max);
        if (n < 0) {
          break;
        }
        while (blackhole && !closed.get()) {
          pause(50_000_000L);
        }
        if (latencyNanos > 0) {
          pause(latencyNanos);
        }
        if (rate > 0) {
          pause(n * 1_000_000_000L / rate);
        }
        if (corruptAt >= sent && corruptAt < sent + n) {
          int i = (int) (corruptAt - sent);
          buf[i] = (byte) (buf[i] ^ 0xFF);
        }
        out.write(buf, 0, n);
        out.flush();
        sent += n;
        if (downstream) {
          bytesDown.addAndGet(n);
        }
      }
    } catch (IOException e) {
      // The other side closed or reset: tear the pair down below.
    } finally {
      if (downstream && reset >= 0 && sent >= reset) {
        reset(to);
        reset(from);
      } else {
        closeQuietly(from);
        closeQuietly(to);
      }
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void pause(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing to do in a test fixture
    }
  }

  private static long requireNonNegative(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("must not be negative, was " + v);
    }
    return v;
  }
}
