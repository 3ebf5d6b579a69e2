package ai.ringrift.distributed.transport.ssh.internal;

import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.ssh.SshException;
import ai.ringrift.distributed.transport.ssh.SshException.Reason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticated MINA sessions per target (user, address, port, key, tunnel), each carrying at most
 * {@code maxChannelsPerConnection} commands. Connecting to one target is serialised by a per-target
 * lock so that a burst of commands opens as few connections as it needs (sshd's {@code MaxStartups}
 * drops connections that arrive together).
 *
 * <p>Lock order: a target's connect lock, then the pool monitor; the monitor is never held while
 * connecting.
 */
final class SessionPool {
  private static final Logger LOG = LoggerFactory.getLogger(SessionPool.class);

  record Target(String user, String address, int port, Path key, boolean tunnel) {
    @Override
    public String toString() {
      return user + "@" + address + ":" + port + (tunnel ? " (proxy command)" : "");
    }
  }

  /** A pooled session; guarded by the pool's monitor. */
  final class Pooled {
    final Target target;
    final ClientSession session;
    final @Nullable ProxyCommandBridge bridge;
    int active;
    long idleSinceNanos = System.nanoTime();

    Pooled(Target target, ClientSession session, @Nullable ProxyCommandBridge bridge) {
      this.target = target;
      this.session = session;
      this.bridge = bridge;
    }
  }

  /** One command's use of a pooled session; release exactly once. */
  final class Lease {
    private final Pooled pooled;
    private boolean released;

    Lease(Pooled pooled) {
      this.pooled = pooled;
    }

    ClientSession session() {
      return pooled.session;
    }

    Target target() {
      return pooled.target;
    }

    void release() {
      synchronized (SessionPool.this) {
        if (!released) {
          released = true;
          pooled.active--;
          pooled.idleSinceNanos = System.nanoTime();
        }
      }
    }
  }

  /** An address did not accept a connection; the next address may. */
  static final class ConnectFailed extends Exception {
    private static final long serialVersionUID = 1L;

    ConnectFailed(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  private final SshClient client;
  private final SshSettings settings;
  private final Map<Target, List<Pooled>> pools = new HashMap<>();
  private final Map<Target, ReentrantLock> connectLocks = new ConcurrentHashMap<>();
  private boolean closed;

  SessionPool(SshClient client, SshSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /**
   * A session to {@code host}: the first address that accepts, else the tunnel. Blocks while
   * connecting.
   */
  Lease acquire(RemoteHost host) throws SshException {
    Map<String, String> failures = new LinkedHashMap<>();
    List<Target> targets = new ArrayList<>();
    for (String address : host.addresses()) {
      targets.add(new Target(host.sshUser(), address, host.sshPort(), host.sshKey(), false));
    }
    host.cloudflareTunnel()
        .ifPresent(
            t -> targets.add(new Target(host.sshUser(), t, host.sshPort(), host.sshKey(), true)));
    ConnectFailed last = null;
    for (Target t : targets) {
      try {
        return acquire(t, host);
      } catch (ConnectFailed e) {
        failures.put(t.toString(), e.getMessage());
        last = e;
      }
    }
    throw new SshException(
        Reason.CONNECT,
        "host "
            + host.name()
            + ": no address accepted an SSH connection within "
            + settings.connectTimeout()
            + ": "
            + failures,
        host.name(),
        last);
  }

  private Lease acquire(Target t, RemoteHost host) throws ConnectFailed, SshException {
    ReentrantLock lock = connectLocks.computeIfAbsent(t, k -> new ReentrantLock());
    try {
      if (!lock.tryLock(settings.connectTimeout().toNanos() * 2, TimeUnit.NANOSECONDS)) {
        throw new ConnectFailed("another connection attempt to " + t + " did not finish", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SshException(Reason.CANCELLED, "interrupted connecting to " + t, host.name(), e);
    }
    try {
      synchronized (this) {
        ensureOpen(host);
        for (Pooled p : pools.getOrDefault(t, List.of())) {
          if (p.session.isOpen()
              && p.session.isAuthenticated()
              && p.active < settings.maxChannelsPerConnection()) {
            p.active++;
            return new Lease(p);
          }
        }
      }
      Pooled p = connect(t, host);
      synchronized (this) {
        if (closed) {
          closeQuietly(p);
          ensureOpen(host);
        }
        p.active = 1;
        pools.computeIfAbsent(t, k -> new ArrayList<>()).add(p);
        return new Lease(p);
      }
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen(RemoteHost host) throws SshException {
    if (closed) {
      throw new SshException(Reason.CLOSED, "SSH executor is closed", host.name(), null);
    }
  }

  private Pooled connect(Target t, RemoteHost host) throws ConnectFailed, SshException {
    KeyPair key = loadKey(t.key(), host);
    ProxyCommandBridge bridge = null;
    String connectHost = t.address();
    int connectPort = t.port();
    if (t.tunnel()) {
      Map<String, String> env = new HashMap<>();
      host.cloudflareTokenId().ifPresent(v -> env.put(ProxyCommandBridge.TOKEN_ID_ENV, v));
      host.cloudflareTokenSecret().ifPresent(v -> env.put(ProxyCommandBridge.TOKEN_SECRET_ENV, v));
      try {
        bridge =
            ProxyCommandBridge.start(
                ProxyCommandBridge.expand(settings.proxyCommand(), t.address(), t.port(), t.user()),
                env,
                host.name());
      } catch (IOException e) {
        throw new ConnectFailed("proxy command did not start: " + e.getMessage(), e);
      }
      connectHost = "127.0.0.1";
      connectPort = bridge.port();
    }
    AttributeRepository context = HostKeyVerifier.context(t.address(), t.port());
    ClientSession session = null;
    try {
      ConnectFuture cf =
          client.connect(t.user(), new InetSocketAddress(connectHost, connectPort), context, null);
      session = cf.verify(settings.connectTimeout()).getSession();
      session.addPublicKeyIdentity(key);
      session.auth().verify(settings.connectTimeout());
    } catch (IOException | RuntimeException e) {
      String refusal = HostKeyVerifier.refusal(context);
      boolean keyExchanged = session != null && session.getServerKey() != null;
      closeQuietly(session, bridge);
      if (refusal != null) {
        throw new SshException(
            Reason.HOST_KEY, "host " + host.name() + ": " + refusal, host.name(), e);
      }
      if (keyExchanged) {
        throw new SshException(
            Reason.AUTHENTICATION,
            "host " + host.name() + " (" + t + ") refused key " + t.key() + ": " + e.getMessage(),
            host.name(),
            e);
      }
      String proxyErr =
          bridge != null && !bridge.stderr().isEmpty()
              ? " (proxy stderr: " + bridge.stderr() + ")"
              : "";
      throw new ConnectFailed(describe(e) + proxyErr, e);
    }
    LOG.debug("connected to {} as {}", host.name(), t);
    Pooled p = new Pooled(t, session, bridge);
    session.addCloseFutureListener(f -> onClosed(p));
    return p;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    return root == e ? m : e.getMessage() + ": " + m;
  }

  private KeyPair loadKey(Path path, RemoteHost host) throws SshException {
    if (!Files.isReadable(path)) {
      throw new SshException(
          Reason.AUTHENTICATION,
          "host " + host.name() + ": SSH key " + path + " does not exist or is not readable",
          host.name(),
          null);
    }
    try {
      for (KeyPair kp : new FileKeyPairProvider(path).loadKeys(null)) {
        return kp;
      }
    } catch (RuntimeException e) {
      throw new SshException(
          Reason.AUTHENTICATION,
          "host "
              + host.name()
              + ": cannot read SSH key "
              + path
              + " (encrypted keys are not"
              + " supported): "
              + e.getMessage(),
          host.name(),
          e);
    }
    throw new SshException(
        Reason.AUTHENTICATION,
        "host " + host.name() + ": no key found in " + path,
        host.name(),
        null);
  }

  private void onClosed(Pooled p) {
    synchronized (this) {
      List<Pooled> list = pools.get(p.target);
      if (list != null) {
        list.remove(p);
      }
    }
    if (p.bridge != null) {
      p.bridge.close();
    }
  }

  /** Closes sessions idle for longer than the idle timeout. */
  void closeIdle() {
    List<Pooled> idle = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      for (List<Pooled> list : pools.values()) {
        for (Iterator<Pooled> it = list.iterator(); it.hasNext(); ) {
          Pooled p = it.next();
          if (!p.session.isOpen()
              || (p.active == 0 && now - p.idleSinceNanos > settings.idleTimeout().toNanos())) {
            it.remove();
            idle.add(p);
          }
        }
      }
    }
    for (Pooled p : idle) {
      LOG.debug("closing idle connection {}", p.target);
      closeQuietly(p);
    }
  }

  /** The number of open pooled sessions, for tests and metrics. */
  synchronized int openSessions() {
    int n = 0;
    for (List<Pooled> list : pools.values()) {
      n += list.size();
    }
    return n;
  }

  void close() {
    List<Pooled> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      pools.values().forEach(all::addAll);
      pools.clear();
    }
    all.forEach(SessionPool::closeQuietly);
  }

  private static void closeQuietly(Pooled p) {
    closeQuietly(p.session, p.bridge);
  }

  private static void closeQuietly(
      @Nullable ClientSession session, @Nullable ProxyCommandBridge bridge) {
    if (session != null) {
      session.close(true);
    }
    if (bridge != null) {
      bridge.close();
    }
  }
}
